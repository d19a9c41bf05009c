/**
 * Fused affine map (like torch.nn.functional.linear) on the WebAssembly GEMM: y = x Wᵀ + b on the last dim.
 *   x (N…, I), W (O, I), b (O) → y (N…, O);  dx = dy W,  dW = dyᵀ x (added in place to W's gradient),
 *   db = Σ_rows dy
 */
import { gemmNN, gemmTN } from '../../kernels/gemm.js';
import { alloc, f32view, free } from '../../kernels/memory.js';
import { ACCUMULATED, ensureGrad, fromOp, type InputGrad } from '../autograd.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { saved } from './elementwise.js';

/** Copies `data` into a fresh WebAssembly block. */
function toWasm(data: Float32Array): number {
  const p = alloc(data.length, false);
  f32view(p, data.length).set(data);
  return p;
}

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const [O, I] = weight.shape;
  if (weight.ndim !== 2 || x.ndim === 0 || x.shape[x.ndim - 1] !== I) {
    throw new Error(
      `linear: input ${formatShape(x.shape)} and weight ${formatShape(weight.shape)} do not fit (need input [..., ${I}])`,
    );
  }
  const N = x.numel() / I;
  const X = saved(x);
  const W = weight.data;
  // Wᵀ (I, O) so that y = x · Wᵀ is an "nn" product.
  const wt = alloc(I * O, false);
  const wtv = f32view(wt, I * O);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) wtv[i * O + o] = W[o * I + i];
  const xp = toWasm(X);
  const yp = alloc(N * O, false);
  gemmNN(N, O, I, xp, I, wt, O, yp, O, false);
  const y = Float32Array.from(f32view(yp, N * O));
  free(wt);
  free(xp);
  free(yp);
  if (bias) {
    const b = bias.data;
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) y[n * O + o] += b[o];
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp(y, [...x.shape.slice(0, -1), O], 'linear', inputs, (g) => {
    const gp = toWasm(g);
    const grads: InputGrad[] = [null, null];
    if (x.requiresGrad) {
      const wp = weight.isWasm ? weight.wasmPtr : toWasm(weight.data);
      const dx = alloc(N * I, false);
      gemmNN(N, I, O, gp, O, wp, I, dx, I, false);
      grads[0] = Float32Array.from(f32view(dx, N * I));
      free(dx);
      if (!weight.isWasm) free(wp);
    }
    if (weight.requiresGrad) {
      const xp2 = toWasm(X);
      if (weight.gradFn === null && weight.isWasm) {
        gemmTN(O, I, N, gp, O, xp2, I, ensureGrad(weight).wasmPtr, I, true);
        grads[1] = ACCUMULATED;
      } else {
        const dw = alloc(O * I, false);
        gemmTN(O, I, N, gp, O, xp2, I, dw, I, false);
        grads[1] = Float32Array.from(f32view(dw, O * I));
        free(dw);
      }
      free(xp2);
    }
    if (bias) {
      let gb: Float32Array | null = null;
      if (bias.requiresGrad) {
        gb = new Float32Array(O);
        for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) gb[o] += g[n * O + o];
      }
      grads.push(gb);
    }
    free(gp);
    return grads;
  });
}
