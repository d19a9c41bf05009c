/** Reductions: sum and mean over all elements or over given dims (with keepdim). */
import { fromOp } from '../autograd.js';
import { normDim, numel, stridedOffsets, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface ReductionPlan {
  outShape: number[];
  keptShape: number[];
  /** For each input element, its output slot. */
  slot: Int32Array;
  /** Elements reduced into each output slot. */
  count: number;
}

/** Where each element of `x` goes when `dim` (all dims when undefined) is reduced. */
export function reductionPlan(
  x: Tensor,
  dim: number | number[] | undefined,
  keepdim: boolean,
  op: string,
): ReductionPlan {
  const rank = x.ndim;
  const dims =
    dim === undefined
      ? [...Array(rank).keys()]
      : (Array.isArray(dim) ? dim : [dim]).map((d) => normDim(d, rank, op));
  const reduced = new Array<boolean>(rank).fill(false);
  for (const d of dims) reduced[d] = true;
  const keptShape = x.shape.map((s, i) => (reduced[i] ? 1 : s));
  const outShape = keepdim ? keptShape : x.shape.filter((_, i) => !reduced[i]);
  const outStrides = stridesOf(keptShape);
  const slot = stridedOffsets(
    x.shape,
    outStrides.map((st, d) => (reduced[d] ? 0 : st)),
  );
  return { outShape, keptShape, slot, count: numel(x.shape) / Math.max(1, numel(keptShape)) };
}

function reduce(
  x: Tensor,
  dim: number | number[] | undefined,
  keepdim: boolean,
  scale: 'sum' | 'mean',
): Tensor {
  const xd = x.data;
  if (dim === undefined && !keepdim) {
    // Everything into one scalar: no index plan needed.
    let acc = 0;
    for (let k = 0; k < xd.length; k++) acc += xd[k];
    const f = scale === 'mean' ? 1 / xd.length : 1; // mean of no elements is NaN, as in PyTorch
    const n = xd.length;
    return fromOp(Float32Array.of(acc * f), [], scale, [x], (g) => [new Float32Array(n).fill(g[0] * f)]);
  }
  const p = reductionPlan(x, dim, keepdim, scale);
  const acc = new Float64Array(numel(p.keptShape));
  for (let k = 0; k < xd.length; k++) acc[p.slot[k]] += xd[k];
  const f = scale === 'mean' ? 1 / p.count : 1;
  const out = Float32Array.from(acc, (v) => v * f);
  return fromOp(out, p.outShape, scale, [x], (g) => [Float32Array.from(p.slot, (s) => g[s] * f)]);
}

/** Σ over `dim` (all elements when omitted). */
export function sum(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  return reduce(x, dim, keepdim, 'sum');
}

/** Mean over `dim` (all elements when omitted). */
export function mean(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  return reduce(x, dim, keepdim, 'mean');
}
