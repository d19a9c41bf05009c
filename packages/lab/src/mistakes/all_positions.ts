/**
 * The tutorial's scoring of the bidirectional RNN: a next-day forecast at every position of every window, where
 * the backward direction has already read that next day (it is the following input).
 *
 * Legend: N scored windows (the test eval set's), T `seqLen`, F input features. Window i ends on day e_i =
 * `s.ends[i]`; its position t (0 ≤ t < T) reads days e_i − (T−1) .. e_i and predicts day e_i − (T−1) + t + 1.
 * Position T−1 is the engine's ordinary one-step forecast.
 */
import { noGrad, tensor } from 'rnnlab';
import {
  type EvalSet,
  type PreparedData,
  type SequenceRegressor,
  targetToPrice,
  windowInputs,
} from 'rnnlab/forecast';

/** Actual prices (N, T) of the day each position predicts, the day before it (the naive forecast), and its index. */
export interface AllPositionTargets {
  actual: Float64Array;
  previous: Float64Array;
  /** Index into `d.prices` / `d.dates` of the predicted day, (N, T). */
  days: Int32Array;
}

/** The days and prices every position of the windows of `s` predicts (see the module doc). */
export function allPositionTargets(d: PreparedData, s: EvalSet): AllPositionTargets {
  const T = d.seqLen;
  const N = s.ids.length;
  const days = new Int32Array(N * T);
  for (let i = 0; i < N; i++) for (let t = 0; t < T; t++) days[i * T + t] = s.ends[i] - (T - 1) + t + 1;
  return {
    actual: Float64Array.from(days, (j) => d.prices[j]),
    previous: Float64Array.from(days, (j) => d.prices[j - 1]),
    days,
  };
}

/**
 * Forecasts (N, T) in prices at every position of the windows of `s`: the scaled output at position t priced by
 * the target scaler ('close') or as the previous day's close × exp(r̂) ('log_return'). Eval mode, no gradients,
 * in chunks of `chunk` windows.
 */
export function allPositionForecast(
  d: PreparedData,
  model: SequenceRegressor,
  s: EvalSet,
  chunk = 256,
): Float64Array {
  const T = d.seqLen;
  const F = d.windows.features;
  const N = s.ids.length;
  const x = windowInputs(d, s.ids);
  const scaled = new Float64Array(N * T);
  const outF = model.config.outputSize;
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let from = 0; from < N; from += chunk) {
        const n = Math.min(chunk, N - from);
        const y = model.forward(tensor(x.subarray(from * T * F, (from + n) * T * F), [n, T, F])).data;
        for (let k = 0; k < n * T; k++) scaled[from * T + k] = y[k * outF];
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return targetToPrice(d, scaled, allPositionTargets(d, s).previous);
}
