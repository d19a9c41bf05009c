/** Shape ops: reshape (shares storage), squeeze/unsqueeze, transpose/permute, select/narrow/slice, cat/stack. */
import { fromOp } from '../autograd.js';
import { formatShape, normDim, numel, stridedOffsets, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

export function dimIndex(dim: number, rank: number, op: string): number {
  return normDim(dim, rank, op);
}

/** Same data, new shape; one size may be -1 (inferred). */
export function reshape(x: Tensor, shape: number[]): Tensor {
  const n = x.numel();
  const infer = shape.indexOf(-1);
  const out = [...shape];
  if (infer >= 0) {
    const known = numel(shape.filter((_, i) => i !== infer));
    if (known === 0 || n % known !== 0)
      throw new Error(`reshape: shape ${formatShape(shape)} is invalid for input of size ${n}`);
    out[infer] = n / known;
  }
  if (numel(out) !== n || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(
      `reshape: shape ${formatShape(shape)} is invalid for input of size ${n} (shape ${formatShape(x.shape)})`,
    );
  }
  const y = x.withShape(out);
  if (x.requiresGrad) return fromOp(y.data, out, 'reshape', [x], (g) => [g]);
  return y;
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normDim(dim, x.ndim, 'squeeze');
  return x.shape[d] === 1
    ? reshape(
        x,
        x.shape.filter((_, i) => i !== d),
      )
    : reshape(x, [...x.shape]);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  const s = [...x.shape];
  s.splice(d, 0, 1);
  return reshape(x, s);
}

/** out[j] = x[i] with dims permuted: out dim k is input dim dims[k]. */
export function permute(x: Tensor, dims: number[]): Tensor {
  const rank = x.ndim;
  if (dims.length !== rank) throw new Error(`permute: got ${dims.length} dims for a tensor of rank ${rank}`);
  const p = dims.map((d) => normDim(d, rank, 'permute'));
  if (new Set(p).size !== rank) throw new Error(`permute: dims ${formatShape(dims)} repeat a dimension`);
  const outShape = p.map((d) => x.shape[d]);
  if (p[0] === 1 && p[1] === 0 && p.slice(2).every((d, i) => d === i + 2)) return swapLeading(x, outShape);
  const src = permuteIndex(x.shape, p);
  const xd = x.data;
  const out = Float32Array.from(src, (j) => xd[j]);
  return fromOp(out, outShape, 'permute', [x], (g) => {
    const gx = new Float32Array(g.length);
    for (let k = 0; k < g.length; k++) gx[src[k]] = g[k];
    return [gx];
  });
}

/** (A, B, ...rest) → (B, A, ...rest) by block copies (the batch-first ↔ time-major transpose). */
function swapLeading(x: Tensor, outShape: number[]): Tensor {
  const [A, B] = x.shape;
  const inner = x.numel() / (A * B);
  const swap = (src: Float32Array, rows: number, cols: number): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const s0 = (i * cols + j) * inner;
        const d0 = (j * rows + i) * inner;
        for (let k = 0; k < inner; k++) dst[d0 + k] = src[s0 + k];
      }
    }
    return dst;
  };
  return fromOp(swap(x.data, A, B), outShape, 'permute', [x], (g) => [swap(g, B, A)]);
}

/** For each element of the permuted tensor (row-major), its flat index in the input. */
function permuteIndex(shape: readonly number[], p: number[]): Int32Array {
  const inStrides = stridesOf(shape);
  return stridedOffsets(
    p.map((d) => shape[d]),
    p.map((d) => inStrides[d]),
  );
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim(dim0, x.ndim, 'transpose');
  const b = normDim(dim1, x.ndim, 'transpose');
  const p = [...Array(x.ndim).keys()];
  p[a] = b;
  p[b] = a;
  return permute(x, p);
}

/** Elements [start, start+length) along dim. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(dim, x.ndim, 'narrow');
  const size = x.shape[d];
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(length) ||
    start < 0 ||
    length < 0 ||
    start + length > size
  ) {
    throw new Error(
      `narrow: range [${start}, ${start + length}) is out of bounds for dimension ${dim} of size ${size}`,
    );
  }
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const outShape = [...x.shape];
  outShape[d] = length;
  const xd = x.data;
  const out = new Float32Array(outer * length * inner);
  for (let o = 0; o < outer; o++) {
    out.set(xd.subarray((o * size + start) * inner, (o * size + start + length) * inner), o * length * inner);
  }
  return fromOp(out, outShape, 'narrow', [x], (g) => {
    const gx = new Float32Array(x.numel());
    for (let o = 0; o < outer; o++)
      gx.set(g.subarray(o * length * inner, (o + 1) * length * inner), (o * size + start) * inner);
    return [gx];
  });
}

export function slice(x: Tensor, dim: number, start: number, end?: number): Tensor {
  const d = normDim(dim, x.ndim, 'slice');
  const size = x.shape[d];
  const s = Math.min(size, Math.max(0, start < 0 ? start + size : start));
  const e = Math.min(size, Math.max(s, end === undefined ? size : end < 0 ? end + size : end));
  return narrow(x, d, s, e - s);
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim(dim, x.ndim, 'select');
  const size = x.shape[d];
  const i = index < 0 ? index + size : index;
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new Error(`select: index ${index} is out of range for dimension ${dim} of size ${size}`);
  }
  return reshape(
    narrow(x, d, i, 1),
    x.shape.filter((_, k) => k !== d),
  );
}

/** Concatenates along an existing dim; all other sizes must match. */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('cat: expected a non-empty list of tensors');
  const first = tensors[0];
  const d = normDim(dim, first.ndim, 'cat');
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new Error(
        `cat: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ outside dimension ${dim}`,
      );
    }
  }
  const outer = numel(first.shape.slice(0, d));
  const inner = numel(first.shape.slice(d + 1));
  const sizes = tensors.map((t) => t.shape[d]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const outShape = [...first.shape];
  outShape[d] = total;
  const out = new Float32Array(outer * total * inner);
  let offset = 0;
  tensors.forEach((t, k) => {
    const td = t.data;
    const w = sizes[k] * inner;
    for (let o = 0; o < outer; o++) out.set(td.subarray(o * w, (o + 1) * w), (o * total + offset) * inner);
    offset += sizes[k];
  });
  return fromOp(out, outShape, 'cat', tensors, (g) => {
    let off = 0;
    return tensors.map((t, k) => {
      const w = sizes[k] * inner;
      const gt = new Float32Array(t.numel());
      for (let o = 0; o < outer; o++)
        gt.set(g.subarray((o * total + off) * inner, (o * total + off) * inner + w), o * w);
      off += sizes[k];
      return gt;
    });
  });
}

/** Stacks equal-shaped tensors along a new dim. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('stack: expected a non-empty list of tensors');
  const d = normDim(dim, tensors[0].ndim + 1, 'stack');
  for (const t of tensors) {
    if (formatShape(t.shape) !== formatShape(tensors[0].shape)) {
      throw new Error(
        `stack: all tensors must have the same shape, got ${formatShape(tensors[0].shape)} and ${formatShape(t.shape)}`,
      );
    }
  }
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}
