/**
 * From a price series to model-ready data, without look-ahead:
 * features → windows (seq T, next-step targets) → chronological split by target date → scalers fitted on the
 * training days only (`scalerFit: 'all'` leaks every day into them, for demonstrations) → scaled windows.
 * Everything here is plain arrays, so it can be sent to worker threads.
 */
import { buildFeatures, featureColumn } from '../data/features.js';
import { MinMaxScaler, type ScalerJSON, StandardScaler, scalerFromJSON } from '../data/scalers.js';
import type { PriceSeries } from '../data/series.js';
import { type Split, type SplitFractions, splitWindows } from '../data/split.js';
import { makeWindows, type Windows } from '../data/windows.js';

export type ScalerKind = 'zscore' | 'minmax' | 'none';
export const SCALER_KINDS: readonly ScalerKind[] = ['zscore', 'minmax', 'none'];

/** Days the scalers are fitted on: the training days ('train') or every day of the series ('all'). */
export type ScalerFit = 'train' | 'all';
export const SCALER_FITS: readonly ScalerFit[] = ['train', 'all'];

export interface DataConfig {
  /** Column the models predict: 'close' (price) or 'log_return' (priced from the previous close). Default close. */
  target?: string;
  /** Input features per step (default: [target]). */
  features?: string[];
  /** Window length T (default 16, the tutorial's). */
  seqLen?: number;
  /** Steps ahead scored recursively in evaluation (default 1). */
  horizon?: number;
  /** Scaling of every feature, fitted on training days only (default zscore, the tutorial's normalization). */
  scaler?: ScalerKind;
  /**
   * Days the scalers are fitted on (default 'train': days [0, split.trainEnd)). 'all' fits them on every day, so
   * the validation and test periods leak into the scaling (look-ahead): the tutorial's mistake, kept for
   * demonstrations.
   */
  scalerFit?: ScalerFit;
  /** Split shares (default 0.7/0.15/0.15). */
  fractions?: SplitFractions;
}

export interface PreparedData {
  source: string;
  /** Dates of the rows used (ascending). */
  dates: string[];
  /** Close price per row (what forecasts are scored against, in price units). */
  prices: Float64Array;
  target: string;
  featureNames: string[];
  /** How every feature is scaled. */
  scalerKind: ScalerKind;
  /** One scaler per feature (null = unscaled), fitted on days [0, split.trainEnd) (every day if `scalerFit` is 'all'). */
  scalers: Array<ScalerJSON | null>;
  /** Days the scalers were fitted on (absent = 'train'; see `DataConfig.scalerFit`). */
  scalerFit?: ScalerFit;
  /** Index of the target among the features, or -1 when the target is not an input. */
  targetFeature: number;
  /** Scaler of the target column. */
  targetScaler: ScalerJSON | null;
  /** Scaled windows with next-step targets at every position (horizon 1). */
  windows: Windows;
  split: Split;
  seqLen: number;
  horizon: number;
}

function makeScaler(kind: ScalerKind): StandardScaler | MinMaxScaler | null {
  return kind === 'zscore' ? new StandardScaler() : kind === 'minmax' ? new MinMaxScaler() : null;
}

/** Applies a stored scaler (or none) to values. */
export function scaleWith(json: ScalerJSON | null, values: ArrayLike<number>): Float64Array {
  return json === null ? Float64Array.from(values) : scalerFromJSON(json).transform(values);
}

/** Inverts a stored scaler (or none). */
export function unscaleWith(json: ScalerJSON | null, values: ArrayLike<number>): Float64Array {
  return json === null ? Float64Array.from(values) : scalerFromJSON(json).inverse(values);
}

export function prepareData(series: PriceSeries, cfg: DataConfig = {}): PreparedData {
  const target = cfg.target ?? 'close';
  if (target !== 'close' && target !== 'log_return') {
    throw new Error(`target must be 'close' or 'log_return', got '${target}'`);
  }
  const featureNames = cfg.features ?? [target];
  const seqLen = cfg.seqLen ?? 16;
  const horizon = cfg.horizon ?? 1;
  const scalerKind = cfg.scaler ?? 'zscore';
  if (!SCALER_KINDS.includes(scalerKind))
    throw new Error(`scaler must be one of ${SCALER_KINDS.join(', ')}, got '${scalerKind}'`);
  const scalerFit = cfg.scalerFit ?? 'train';
  if (!SCALER_FITS.includes(scalerFit))
    throw new Error(`scalerFit must be one of ${SCALER_FITS.join(', ')}, got '${scalerFit}'`);
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new Error(`horizon must be an integer >= 1, got ${horizon}`);
  if (horizon > 1 && (featureNames.length !== 1 || featureNames[0] !== target)) {
    throw new Error(
      `horizon ${horizon} forecasts recursively by feeding predictions back, which needs the target as the only input feature; ` +
        `got features ${featureNames.join(', ')} for target ${target}. Use --features ${target} or --horizon 1.`,
    );
  }
  const names = featureNames.includes(target) ? featureNames : [...featureNames, target];
  const table = buildFeatures(series, names);
  const prices = series.columns.close.slice(table.offset);
  const rawInputs = featureNames.map((n) => featureColumn(table, n));
  const rawTarget = featureColumn(table, target);

  // Split on raw windows: the split depends only on positions and dates.
  const raw = makeWindows({ inputs: rawInputs, target: rawTarget, seqLen, horizon: 1, dates: table.dates });
  const split = splitWindows(raw, { fractions: cfg.fractions });
  const fitDays = scalerFit === 'all' ? table.rows : split.trainEnd;

  const fitOn = (values: Float64Array): ScalerJSON | null => {
    const s = makeScaler(scalerKind);
    return s === null ? null : s.fit(values.subarray(0, fitDays)).toJSON();
  };
  const scalers = rawInputs.map(fitOn);
  const targetFeature = featureNames.indexOf(target);
  const targetScaler = targetFeature >= 0 ? scalers[targetFeature] : fitOn(rawTarget);
  const windows = makeWindows({
    inputs: rawInputs.map((v, f) => scaleWith(scalers[f], v)),
    target: scaleWith(targetScaler, rawTarget),
    seqLen,
    horizon: 1,
    dates: table.dates,
  });
  return {
    source: series.source,
    dates: table.dates,
    prices,
    target,
    featureNames,
    scalerKind,
    scalers,
    scalerFit,
    targetFeature,
    targetScaler,
    windows,
    split,
    seqLen,
    horizon,
  };
}

/**
 * Converts scaled target predictions to prices. For 'close' this inverts the scaler; for 'log_return' it
 * prices each return from `previous` (p̂ = p_prev · exp(r̂)).
 */
export function targetToPrice(
  d: Pick<PreparedData, 'target' | 'targetScaler'>,
  scaled: ArrayLike<number>,
  previous: ArrayLike<number>,
): Float64Array {
  const v = unscaleWith(d.targetScaler, scaled);
  if (d.target === 'close') return v;
  return Float64Array.from(v, (r, k) => previous[k] * Math.exp(r));
}
