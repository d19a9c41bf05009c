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
  return fromOp(y, [...x.shape.slice(0, -1), O], 'linear', inputs, (g) => {
    const gx = x.requiresGrad ? new Float32Array(N * I) : null;
    const gw = weight.requiresGrad ? new Float32Array(O * I) : null;
    const gb = bias?.requiresGrad ? new Float32Array(O) : null;
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        const go = g[n * O + o];
        if (go === 0) continue;
        if (gb) gb[o] += go;
        if (gx) for (let i = 0; i < I; i++) gx[n * I + i] += go * W[o * I + i];
        if (gw) for (let i = 0; i < I; i++) gw[o * I + i] += go * X[n * I + i];
      }
    }
    return bias ? [gx, gw, gb] : [gx, gw];
  });
}
