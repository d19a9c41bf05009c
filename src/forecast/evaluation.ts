/**
 * Honest evaluation on the test split, in price units: which windows are scored, their actual prices, the
 * model's and the baselines' forecasts, and the metrics (MAE, RMSE, MAPE, MASE, directional accuracy, bias).
 *
 * A test window r ends on day e = lastInputIndex[r]; its step-k forecast targets day e+k (k = 1..H).
 * Only windows whose H target days exist are scored, so every forecaster is scored on the same days.
 */
import { driftForecast, LinearAR, naiveForecast } from './baselines.js';
import { evaluate, type ForecastMetrics, mae, naiveMae, rmse } from './metrics.js';
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

/** The scored test windows for horizon H. */
export function evalSet(d: PreparedData, H = d.horizon): EvalSet {
  const n = d.prices.length;
  const ids = Int32Array.from(
    Array.from(d.split.test.windows).filter((r) => d.windows.lastInputIndex[r] + H < n),
  );
  if (ids.length === 0)
    throw new Error(`no test window has ${H} days after it; use a smaller --horizon or a longer range`);
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

/** Naive, drift and least-squares AR forecasts (N, H) in prices, from each window's raw close prices. */
export function baselineForecasts(
  d: PreparedData,
  s: EvalSet,
): Record<'naive' | 'drift' | 'ar', Float64Array> {
  const T = d.seqLen;
  const ar = LinearAR.fit(d.prices.subarray(0, d.split.trainEnd), { order: T });
  const out = {
    naive: new Float64Array(s.actual.length),
    drift: new Float64Array(s.actual.length),
    ar: new Float64Array(s.actual.length),
  };
  s.ends.forEach((e, i) => {
    const w = d.prices.subarray(e - T + 1, e + 1);
    out.naive.set(naiveForecast(w, s.H), i * s.H);
    out.drift.set(driftForecast(w, s.H), i * s.H);
    out.ar.set(ar.predict(w, s.H), i * s.H);
  });
  return out;
}

/** One-step metrics of a forecast matrix (N, H) against the eval set. */
export function stepOneMetrics(d: PreparedData, s: EvalSet, forecast: Float64Array): ForecastMetrics {
  return evaluate({
    actual: step(s.actual, s.H, 0),
    predicted: step(forecast, s.H, 0),
    previous: s.previous,
    trainNaiveMae: naiveMae(d.prices.subarray(0, d.split.trainEnd)),
  });
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
