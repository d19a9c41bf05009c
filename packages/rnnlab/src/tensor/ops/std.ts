/**
 * Standard deviation over dims, with autograd:
 *
 *   σ = sqrt( Σ (x_i − x̄)² / (N − c) ),   c = 1 when unbiased (Bessel's correction), else 0
 *   ∂σ/∂x_i = (x_i − x̄) / ((N − c) · σ),   taken as 0 where σ = 0 (as PyTorch does)
 *
 * N is the number of elements reduced into each output. N − c ≤ 0 gives NaN, as in PyTorch.
 * Sums run in float64 over two passes (mean, then squared deviations); the result is stored as float32.
 */
import { fromOp } from '../autograd.js';
import { numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { saved } from './elementwise.js';
import { reductionPlan } from './reduce.js';

/** σ over `dim` (all elements when omitted or `[]`, as in PyTorch). */
export function std(x: Tensor, dim?: number | number[], unbiased = true, keepdim = false): Tensor {
  const all = dim === undefined || (Array.isArray(dim) && dim.length === 0);
  const p = reductionPlan(x, all ? undefined : dim, keepdim, 'std');
  const xd = saved(x);
  const slots = numel(p.keptShape);
  const mean = new Float64Array(slots);
  for (let k = 0; k < xd.length; k++) mean[p.slot[k]] += xd[k];
  for (let s = 0; s < slots; s++) mean[s] /= p.count;
  const squares = new Float64Array(slots);
  for (let k = 0; k < xd.length; k++) squares[p.slot[k]] += (xd[k] - mean[p.slot[k]]) ** 2;
  const dof = Math.max(0, p.count - (unbiased ? 1 : 0));
  const out = Float32Array.from(squares, (ss) => Math.sqrt(ss / dof));
  return fromOp(out, p.outShape, 'std', [x], (g) => {
    const gx = new Float32Array(xd.length);
    for (let k = 0; k < xd.length; k++) {
      const s = p.slot[k];
      gx[k] = out[s] === 0 ? 0 : (g[s] * (xd[k] - mean[s])) / (dof * out[s]);
    }
    return [gx];
  });
}
