/**
 * Fused affine map (like torch.nn.functional.linear): y = x Wᵀ + b on the last dim.
 *   x (N…, I), W (O, I), b (O) → y (N…, O);  dx = dy W,  dW = dyᵀ x,  db = Σ_rows dy
 */
import { fromOp } from '../autograd.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { saved } from './elementwise.js';

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [O, I] = weight.shape;
  if (weight.ndim !== 2 || x.ndim === 0 || x.shape[x.ndim - 1] !== I) {
    throw new Error(
      `linear: input ${formatShape(x.shape)} and weight ${formatShape(weight.shape)} do not fit (need input [..., ${I}])`,
    );
  }
  const N = x.numel() / I;
  const X = saved(x);
  const W = saved(weight);
  const bd = bias?.data;
  const y = new Float32Array(N * O);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      let acc = bd ? bd[o] : 0;
      for (let i = 0; i < I; i++) acc += X[n * I + i] * W[o * I + i];
      y[n * O + o] = acc;
    }
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp(y, [...x.shape.slice(0, -1), O], 'linear', inputs, (g) => [
    x.requiresGrad ? inputGrad(g, W, N, O, I) : null,
    weight.requiresGrad ? weightGrad(g, X, N, O, I) : null,
    ...(bias ? [bias.requiresGrad ? biasGrad(g, N, O) : null] : []),
  ]);
}

/** dx (N, I) = dy (N, O) · W (O, I). */
function inputGrad(g: Float32Array, W: Float32Array, N: number, O: number, I: number): Float32Array {
  const gx = new Float32Array(N * I);
  for (let n = 0; n < N; n++) {
    const row = n * I;
    for (let o = 0; o < O; o++) {
      const go = g[n * O + o];
      const w0 = o * I;
      for (let i = 0; i < I; i++) gx[row + i] += go * W[w0 + i];
    }
  }
  return gx;
}

/** dW (O, I) = dyᵀ (O, N) · x (N, I). */
function weightGrad(g: Float32Array, X: Float32Array, N: number, O: number, I: number): Float32Array {
  const gw = new Float32Array(O * I);
  for (let n = 0; n < N; n++) {
    const x0 = n * I;
    for (let o = 0; o < O; o++) {
      const go = g[n * O + o];
      const w0 = o * I;
      for (let i = 0; i < I; i++) gw[w0 + i] += go * X[x0 + i];
    }
  }
  return gw;
}

/** db (O) = Σ_n dy[n]. */
function biasGrad(g: Float32Array, N: number, O: number): Float32Array {
  const gb = new Float32Array(O);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) gb[o] += g[n * O + o];
  return gb;
}
