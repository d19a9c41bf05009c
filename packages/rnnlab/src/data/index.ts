/**
 * `rnnlab/data`: price CSV text or File/Blob → series → features → windows → chronological split → scalers →
 * batches. Runs anywhere; reading a CSV by path (`readPriceCsv`) and downloads are in `rnnlab/node`.
 */

export { daysBetween, nextBusinessDays } from './calendar.js';
export {
  canonicalColumnName,
  DEFAULT_MAX_BYTES,
  PriceCsvError,
  type PriceCsvOptions,
  parsePriceCsv,
  readPriceCsvBlob,
} from './csv.js';
export { buildFeatures, FEATURE_NAMES, type FeatureTable, featureColumn } from './features.js';
export { formatPriceCsv } from './format.js';
export { type Batch, type BatchOf, DataLoader, type DataLoaderOptions } from './loader.js';
export { type DateRange, parseDateRange, sliceByDate } from './range.js';
export {
  compoundLogReturns,
  type LogReturnJSON,
  LogReturnTransform,
  logReturns,
  pricesFromLogReturns,
} from './returns.js';
export {
  MinMaxScaler,
  type MinMaxScalerJSON,
  type Scaler,
  type ScalerJSON,
  StandardScaler,
  type StandardScalerJSON,
  scalerFromJSON,
} from './scalers.js';
export { isIsoDate, type PriceSeries, seriesColumn } from './series.js';
export {
  DEFAULT_FRACTIONS,
  type Split,
  type SplitFractions,
  type SplitOptions,
  type SplitPart,
  splitWindows,
} from './split.js';
export { TensorDataset } from './tensor_dataset.js';
export { makeWindows, type WindowOptions, type Windows } from './windows.js';
