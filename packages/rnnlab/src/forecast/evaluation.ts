/**
 * Honest evaluation on the test split, in price units: which windows are scored, their actual prices, the
 * model's and the baselines' forecasts, and the metrics (MAE, RMSE, MAPE, MASE, directional accuracy, bias).
 * The validation split is scored the same way to calibrate prediction intervals.
 *
 * A window r ends on day e = lastInputIndex[r]; its step-k forecast targets day e+k (k = 1..H).
 * Only windows whose H target days exist (test) or lie inside the validation block (validation) are scored, so
 * every forecaster is scored on the same days.
 */
import { driftForecast, LinearAR, meanLogReturn, meanReturnForecast, naiveForecast } from './baselines.js';
import { mae, rmse } from './metrics.js';
import type { PreparedData } from './prepare.js';

export interface EvalSet {
  /** Window ids scored. */
  ids: Int32Array;
  /** Last input day of each window. */
  ends: Int32Array;
  H: number;
  /** Actual prices (N, H): day ends[i]+k+1 at [i·H + k]. */
  actual: Float64Array;
  /** Price on each window's last input day (the naive forecast; direction reference). */
  previous: Float64Array;
  /** Date of each step-1 target. */
  dates: string[];
}

/** The scored windows of the test (or validation) split for horizon H. */
export function evalSet(d: PreparedData, part: 'test' | 'val' = 'test', H = d.horizon): EvalSet {
  const end = part === 'test' ? d.prices.length : d.split.val.end;
  const ids = Int32Array.from(
    Array.from(d.split[part].windows).filter((r) => d.windows.lastInputIndex[r] + H < end),
  );
  if (ids.length === 0) {
    const name = part === 'test' ? 'test' : 'validation';
    throw new Error(
      `no ${name} window has ${H} target days inside the ${name} period; use a smaller --horizon or a longer --range`,
    );
  }
  const ends = ids.map((r) => d.windows.lastInputIndex[r]);
  const actual = new Float64Array(ids.length * H);
  ends.forEach((e, i) => {
    for (let k = 0; k < H; k++) actual[i * H + k] = d.prices[e + k + 1];
  });
  return {
    ids,
    ends,
    H,
    actual,
    previous: Float64Array.from(ends, (e) => d.prices[e]),
    dates: Array.from(ends, (e) => d.dates[e + 1]),
  };
}

/** Scaled inputs of the given windows, (N, T, F) float32. */
export function windowInputs(d: PreparedData, ids: ArrayLike<number>): Float32Array {
  const { seqLen: T, features: F } = d.windows;
  const out = new Float32Array(ids.length * T * F);
  for (let i = 0; i < ids.length; i++)
    out.set(d.windows.x.subarray(ids[i] * T * F, (ids[i] + 1) * T * F), i * T * F);
  return out;
}

/** Column k of an (N, H) matrix. */
export function step(m: Float64Array, H: number, k: number): Float64Array {
  return Float64Array.from({ length: m.length / H }, (_, i) => m[i * H + k]);
}

/** The baselines every model is compared with, and their labels. */
export const BASELINE_LABELS = {
  naive: 'Naive (last value)',
  drift: 'Drift (window)',
  mean_return: 'Mean training return',
  ar: 'Linear AR (least squares)',
} as const;
export type BaselineName = keyof typeof BASELINE_LABELS;
export const BASELINE_NAMES = Object.keys(BASELINE_LABELS) as BaselineName[];

/**
 * Baseline forecasts (N, H) in prices from each window's raw close prices: naive (last value), drift (the line
 * through the window's first and last close), mean training return (last close · exp(h·μ), μ the mean daily log
 * return of the training days) and a least-squares AR(T) fitted on the training days.
 */
export function baselineForecasts(d: PreparedData, s: EvalSet): Record<BaselineName, Float64Array> {
  const T = d.seqLen;
  const train = d.prices.subarray(0, d.split.trainEnd);
  const ar = LinearAR.fit(train, { order: T });
  const mu = meanLogReturn(train);
  const out = Object.fromEntries(BASELINE_NAMES.map((b) => [b, new Float64Array(s.actual.length)])) as Record<
    BaselineName,
    Float64Array
  >;
  s.ends.forEach((e, i) => {
    const w = d.prices.subarray(e - T + 1, e + 1);
    out.naive.set(naiveForecast(w, s.H), i * s.H);
    out.drift.set(driftForecast(w, s.H), i * s.H);
    out.mean_return.set(meanReturnForecast(w, s.H, mu), i * s.H);
    out.ar.set(ar.predict(w, s.H), i * s.H);
  });
  return out;
}

/** MAE and RMSE at each step 1..H. */
export function perStepErrors(
  s: EvalSet,
  forecast: Float64Array,
): Array<{ step: number; mae: number; rmse: number }> {
  return Array.from({ length: s.H }, (_, k) => ({
    step: k + 1,
    mae: mae(step(s.actual, s.H, k), step(forecast, s.H, k)),
    rmse: rmse(step(s.actual, s.H, k), step(forecast, s.H, k)),
  }));
}
