/**
 * Forecasting with a trained model. One step: the model's output at the last position of each window.
 * H steps: recursively — append the prediction to the window, drop its first step, predict again
 * (univariate models only: the prediction is the next input).
 *
 *   windows (N, T, 1) scaled → predictions (N, H) scaled
 */
import { tensor } from '../tensor/creation.js';
import { noGrad } from '../tensor/grad_mode.js';
import type { SequenceRegressor } from './models.js';

/** Last-position outputs for N windows x (N, T, F): returns (N). Runs in eval mode in chunks of `chunk` windows. */
export function predictLast(
  model: SequenceRegressor,
  x: Float32Array,
  N: number,
  T: number,
  F: number,
  chunk = 256,
): Float64Array {
  const out = new Float64Array(N);
  const wasTraining = model.training;
  model.eval();
  noGrad(() => {
    for (let s = 0; s < N; s += chunk) {
      const n = Math.min(chunk, N - s);
      const y = model.forward(tensor(x.subarray(s * T * F, (s + n) * T * F), [n, T, F])).data;
      const outF = model.config.outputSize;
      for (let i = 0; i < n; i++) out[s + i] = y[(i * T + T - 1) * outF];
    }
  });
  model.train(wasTraining);
  return out;
}

/** Recursive H-step forecasts for N univariate windows x (N, T, 1): returns (N, H) row-major. */
export function predictRecursive(
  model: SequenceRegressor,
  x: Float32Array,
  N: number,
  T: number,
  H: number,
): Float64Array {
  if (model.config.inputSize !== 1) {
    throw new Error(
      `recursive forecasting needs a univariate model (inputSize 1), this one has inputSize ${model.config.inputSize}`,
    );
  }
  const out = new Float64Array(N * H);
  const w = Float32Array.from(x);
  for (let h = 0; h < H; h++) {
    const p = predictLast(model, w, N, T, 1);
    for (let i = 0; i < N; i++) {
      out[i * H + h] = p[i];
      w.copyWithin(i * T, i * T + 1, (i + 1) * T);
      w[(i + 1) * T - 1] = p[i];
    }
  }
  return out;
}
