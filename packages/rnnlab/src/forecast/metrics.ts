/**
 * Forecast accuracy in price units.
 *
 * Every function takes the realised values `actual` and the forecasts `predicted` as equal-length
 * arrays (one entry per forecast target). Values are plain numbers (any `ArrayLike<number>`:
 * `number[]`, `Float32Array`, `Float64Array`); all sums are accumulated in float64.
 * NaN or ±Infinity in the inputs (e.g. a diverged model) propagate into the result rather than throw;
 * `rankByMetric` sorts such results last.
 *
 * Notation: y_i actual, ŷ_i predicted, p_i the last known actual before target i, n = number of targets.
 */

/** The accuracy figures `evaluate` reports for one forecaster. */
export interface ForecastMetrics {
  /** Mean absolute error, price units. Lower is better. */
  mae: number;
  /** Root mean squared error, price units. Lower is better. */
  rmse: number;
  /** Mean absolute percentage error, percent. Lower is better. */
  mape: number;
  /**
   * MAE divided by the training period's in-sample one-step naive MAE: a scale for this series and split. Below 1
   * does NOT mean the forecaster beats naive on the test period (naive's own MASE is rarely 1 there); compare with
   * naive's MASE and read a significance test.
   */
  mase: number;
  /** Fraction (0..1) of targets whose direction of change was called right. Higher is better. */
  directionalAccuracy: number;
  /** Mean signed error ŷ − y, price units: positive = over-forecast. Closer to 0 is better. */
  bias: number;
  /** Number of targets. */
  n: number;
}

/** Names of the metrics in `ForecastMetrics` (everything except the count `n`). */
export type MetricKey = Exclude<keyof ForecastMetrics, 'n'>;

/** What "better" means for each metric; `rankByMetric` sorts by it. */
export const METRIC_GOAL: Readonly<Record<MetricKey, 'lower' | 'higher' | 'closerToZero'>> = {
  mae: 'lower',
  rmse: 'lower',
  mape: 'lower',
  mase: 'lower',
  directionalAccuracy: 'higher',
  bias: 'closerToZero',
};

function checkPair(actual: ArrayLike<number>, predicted: ArrayLike<number>, what: string): number {
  if (actual.length !== predicted.length) {
    throw new Error(
      `${what}: actual has ${actual.length} values but predicted has ${predicted.length}; ` +
        'pass one prediction per actual value (same targets, same order)',
    );
  }
  if (actual.length === 0) {
    throw new Error(`${what}: actual and predicted are empty; pass at least one forecast target`);
  }
  return actual.length;
}

/** Mean absolute error: MAE = (1/n) Σ |ŷ_i − y_i|. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted, 'mae');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(predicted[i]! - actual[i]!);
  return sum / n;
}

/** Root mean squared error: RMSE = √((1/n) Σ (ŷ_i − y_i)²). */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted, 'rmse');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = predicted[i]! - actual[i]!;
    sum += e * e;
  }
  return Math.sqrt(sum / n);
}

/**
 * Mean absolute percentage error, in percent: MAPE = (100/n) Σ |ŷ_i − y_i| / |y_i|.
 * Undefined when some y_i = 0, which throws.
 */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted, 'mape');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i]!;
    if (y === 0) {
      throw new Error(
        `mape: actual[${i}] is 0, so the percentage error is undefined; ` +
          'use mae/rmse for series that can be 0, or evaluate on price levels rather than returns',
      );
    }
    sum += Math.abs(predicted[i]! - y) / Math.abs(y);
  }
  return (100 * sum) / n;
}

/**
 * In-sample MAE of the seasonal-naive forecast x̂_t = x_{t−lag} on a training series x_0..x_{T−1}:
 * (1/(T − lag)) Σ_{t=lag}^{T−1} |x_t − x_{t−lag}|. With lag = 1 this is the MASE denominator.
 */
export function naiveMae(trainSeries: ArrayLike<number>, lag = 1): number {
  if (!Number.isInteger(lag) || lag < 1) {
    throw new Error(`naiveMae: lag must be a positive integer, got ${lag}`);
  }
  const t = trainSeries.length;
  if (t <= lag) {
    throw new Error(
      `naiveMae: training series has ${t} values, needs at least lag + 1 = ${lag + 1}; pass the whole training series`,
    );
  }
  let sum = 0;
  for (let i = lag; i < t; i++) sum += Math.abs(trainSeries[i]! - trainSeries[i - lag]!);
  return sum / (t - lag);
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): MASE = MAE / trainNaiveMae, where
 * trainNaiveMae = `naiveMae(trainSeries, 1)` is computed on the TRAINING series only, so the scale
 * does not peek at the test period. MASE < 1 means smaller errors than the one-step naive forecast
 * had in sample on the training period — not that the forecaster beats naive on the test period, where naive's own
 * MASE can be far from 1 (volatility changes between periods).
 */
export function mase(actual: ArrayLike<number>, predicted: ArrayLike<number>, trainNaiveMae: number): number {
  checkPair(actual, predicted, 'mase');
  if (!(trainNaiveMae > 0) || !Number.isFinite(trainNaiveMae)) {
    throw new Error(
      `mase: trainNaiveMae must be a positive finite number, got ${trainNaiveMae}; ` +
        'compute it with naiveMae(trainSeries) on a training series that is not constant',
    );
  }
  return mae(actual, predicted) / trainNaiveMae;
}

/**
 * Directional accuracy: (1/n) Σ [sign(ŷ_i − p_i) = sign(y_i − p_i)], where p_i = `previous[i]` is the
 * last actual value known when forecasting target i.
 *
 * sign takes three values (−1, 0, +1), so a zero change is its own direction: a step where the actual
 * value did not move counts as correct only if the forecast also predicted exactly no move, and a
 * forecast of no move (e.g. the naive forecast, which always has ŷ_i = p_i) is wrong whenever the
 * actual value moved. The denominator is always n.
 */
export function directionalAccuracy(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  previous: ArrayLike<number>,
): number {
  const n = checkPair(actual, predicted, 'directionalAccuracy');
  if (previous.length !== n) {
    throw new Error(
      `directionalAccuracy: actual has ${n} values but previous has ${previous.length}; ` +
        'pass, for each target, the last actual value known before it',
    );
  }
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const p = previous[i]!;
    if (Math.sign(predicted[i]! - p) === Math.sign(actual[i]! - p)) hits++;
  }
  return hits / n;
}

/**
 * Mean signed error, sign convention predicted − actual: bias = (1/n) Σ (ŷ_i − y_i).
 * Positive = the forecaster over-predicts on average. Errors of opposite sign cancel, so report it
 * next to MAE, never alone.
 *
 * The tutorial's "bias" was `torch.sum(x[seq_len:] - preds[:, seq_len-1])` with x of shape (N,) and
 * preds of shape (N, 1): broadcasting builds the N×N matrix x_j − ŷ_i, so it printed
 * N·(Σy − Σŷ) = −N²·bias (opposite sign, scaled by N²), not a per-sample error.
 */
export function bias(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = checkPair(actual, predicted, 'bias');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += predicted[i]! - actual[i]!;
  return sum / n;
}

/** Inputs of `evaluate`. */
export interface EvaluateInput {
  /** Realised values y_i, price units. */
  actual: ArrayLike<number>;
  /** Forecasts ŷ_i for the same targets, price units. */
  predicted: ArrayLike<number>;
  /** Last actual value known before each target (p_i), for `directionalAccuracy`. */
  previous: ArrayLike<number>;
  /** `naiveMae(trainSeries)` of the training series, for `mase`. */
  trainNaiveMae: number;
}

/** All metrics of one forecaster on one set of targets. */
export function evaluate(input: EvaluateInput): ForecastMetrics {
  const { actual, predicted, previous, trainNaiveMae } = input;
  return {
    mae: mae(actual, predicted),
    rmse: rmse(actual, predicted),
    mape: mape(actual, predicted),
    mase: mase(actual, predicted, trainNaiveMae),
    directionalAccuracy: directionalAccuracy(actual, predicted, previous),
    bias: bias(actual, predicted),
    n: actual.length,
  };
}

/**
 * Returns a copy of `rows` sorted best-first by `row[key]`, where "best" follows `METRIC_GOAL[key]`:
 * ascending for errors, descending for directional accuracy, ascending |bias| for bias.
 * The sort is stable (ties keep their input order); NaN values go last.
 */
export function rankByMetric<K extends MetricKey, R extends Record<K, number>>(
  rows: readonly R[],
  key: K,
): R[] {
  if (!(key in METRIC_GOAL)) {
    throw new Error(
      `rankByMetric: unknown metric "${String(key)}"; use one of ${Object.keys(METRIC_GOAL).join(', ')}`,
    );
  }
  const goal = METRIC_GOAL[key];
  const score = (row: R): number => {
    const v = row[key];
    return goal === 'higher' ? -v : goal === 'closerToZero' ? Math.abs(v) : v;
  };
  return [...rows].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    if (Number.isNaN(sa) || Number.isNaN(sb)) return Number(Number.isNaN(sa)) - Number(Number.isNaN(sb));
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}
