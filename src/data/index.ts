/** The data layer: price CSV files → features → windows → chronological split → scalers → batches. */
export {
  canonicalColumnName,
  DEFAULT_MAX_BYTES,
  PriceCsvError,
  type PriceCsvOptions,
  parsePriceCsv,
  readPriceCsv,
} from './csv.js';
export { DEFAULT_DATASET_FILE, DEFAULT_RANGE, defaultDatasetPath, loadDataset } from './dataset.js';
export { buildFeatures, FEATURE_NAMES, type FeatureTable, featureColumn } from './features.js';
export { type FetchStooqOptions, type FetchStooqResult, fetchStooq } from './fetch.js';
export { formatPriceCsv } from './format.js';
export { type Batch, DataLoader, type DataLoaderOptions } from './loader.js';
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
export { makeWindows, type WindowOptions, type Windows } from './windows.js';
