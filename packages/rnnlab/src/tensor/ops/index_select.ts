/**
 * `indexSelect(x, dim, index)`: out[…, k, …] = x[…, index[k], …] along `dim` (PyTorch's `index_select`).
 * The output has x's shape with size `index.length` at `dim`; indices may repeat. Gradient: each output
 * slice's gradient is added back to the slice it came from (gx[…, index[k], …] += g[…, k, …]).
 */
import { fromOp } from '../autograd.js';
import { formatShape, normDim, numel } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Indices as a list, an Int32Array, or a 0-D/1-D tensor of integer values. */
export type IndexLike = readonly number[] | Int32Array | Tensor;

/** The indices as integers, each checked against `size` (the length of the selected dim). */
function checkedIndices(index: IndexLike, dim: number, size: number): Int32Array {
  if (index instanceof Tensor && index.ndim > 1) {
    throw new Error(
      `indexSelect: index must be a 0-D or 1-D tensor, got shape ${formatShape(index.shape)} (flatten it first)`,
    );
  }
  const values = index instanceof Tensor ? index.data : index;
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const i = values[k];
    if (!Number.isInteger(i)) {
      throw new Error(`indexSelect: index[${k}] is ${i}; indices must be integers`);
    }
    if (i < 0 || i >= size) {
      const valid = size === 0 ? 'the dimension is empty' : `valid: 0..${size - 1}`;
      throw new Error(
        `indexSelect: index ${i} (index[${k}]) is out of range for dimension ${dim} of size ${size} (${valid})`,
      );
    }
    out[k] = i;
  }
  return out;
}

/** Slices of `x` along `dim` at `index` (a 0-D x is treated as a 1-element vector, as in PyTorch). */
export function indexSelect(x: Tensor, dim: number, index: IndexLike): Tensor {
  const shape = x.ndim === 0 ? [1] : [...x.shape];
  const d = normDim(dim, shape.length, 'indexSelect');
  const size = shape[d];
  const idx = checkedIndices(index, dim, size);
  if (x.ndim === 0 && idx.length !== 1) {
    throw new Error(`indexSelect: a 0-D tensor takes exactly 1 index, got ${idx.length}`);
  }
  const outer = numel(shape.slice(0, d));
  const inner = numel(shape.slice(d + 1));
  const n = idx.length;
  const xd = x.data;
  const out = new Float32Array(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const from = (o * size + idx[k]) * inner;
      out.set(xd.subarray(from, from + inner), (o * n + k) * inner);
    }
  }
  const outShape = x.ndim === 0 ? [] : shape.map((s, i) => (i === d ? n : s));
  return fromOp(out, outShape, 'indexSelect', [x], (g) => {
    const gx = new Float32Array(x.numel());
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        const to = (o * size + idx[k]) * inner;
        const from = (o * n + k) * inner;
        for (let j = 0; j < inner; j++) gx[to + j] += g[from + j];
      }
    }
    return [gx];
  });
}
