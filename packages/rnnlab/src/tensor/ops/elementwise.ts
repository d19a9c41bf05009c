/** Elementwise ops with NumPy/PyTorch broadcasting, and their gradients. */
import { fromOp } from '../autograd.js';
import { broadcastShapes, numel, type Shape, sameShape, stridedOffsets, stridesOf } from '../shape.js';
import { type Operand, Tensor } from '../tensor.js';

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div';

function asTensor(x: Operand): Tensor {
  return x instanceof Tensor ? x : new Tensor(Float32Array.of(x), []);
}

/** The tensor's data, copied if it lives in WebAssembly memory, so it can be kept until backward. */
export function saved(t: Tensor): Float32Array {
  return t.isWasm ? Float32Array.from(t.data) : t.data;
}

/** For each output element, the flat index of the input element broadcast to it. */
function broadcastIndex(inShape: Shape, outShape: Shape): Int32Array {
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  // Stride 0 along broadcast dims (missing or size 1).
  const s = outShape.map((_, i) => {
    const j = i - (rank - inShape.length);
    return j < 0 || inShape[j] === 1 ? 0 : inStrides[j];
  });
  return stridedOffsets(outShape, s);
}

/** Sums a gradient of shape `outShape` down to `inShape` (the reverse of broadcasting). */
export function sumToShape(g: Float32Array, outShape: Shape, inShape: Shape): Float32Array {
  if (sameShape(outShape, inShape)) return g;
  const r = new Float32Array(numel(inShape));
  const idx = broadcastIndex(inShape, outShape);
  for (let k = 0; k < g.length; k++) r[idx[k]] += g[k];
  return r;
}

/** a ∘ b elementwise with broadcasting (∘ = + − × ÷). */
export function binary(aIn: Operand, bIn: Operand, kind: BinaryKind): Tensor {
  const a = asTensor(aIn);
  const b = asTensor(bIn);
  const shape = broadcastShapes(a.shape, b.shape, kind);
  const n = numel(shape);
  const ad = a.data;
  const bd = b.data;
  const out = new Float32Array(n);
  const ai = ad.length === n ? null : broadcastIndex(a.shape, shape);
  const bi = bd.length === n ? null : broadcastIndex(b.shape, shape);
  // Saved for backward: copies when the data lives in WebAssembly memory (views detach when it grows).
  const A = ai === null ? saved(a) : Float32Array.from(ai, (j) => ad[j]);
  const B = bi === null ? saved(b) : Float32Array.from(bi, (j) => bd[j]);
  switch (kind) {
    case 'add':
      for (let k = 0; k < n; k++) out[k] = A[k] + B[k];
      break;
    case 'sub':
      for (let k = 0; k < n; k++) out[k] = A[k] - B[k];
      break;
    case 'mul':
      for (let k = 0; k < n; k++) out[k] = A[k] * B[k];
      break;
    case 'div':
      for (let k = 0; k < n; k++) out[k] = A[k] / B[k];
      break;
  }
  return fromOp(out, shape, kind, [a, b], (g) => {
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    if (a.requiresGrad) {
      if (kind === 'add' || kind === 'sub') ga = g;
      else if (kind === 'mul') ga = g.map((v, k) => v * B[k]);
      else ga = g.map((v, k) => v / B[k]);
      ga = sumToShape(ga, shape, a.shape);
    }
    if (b.requiresGrad) {
      if (kind === 'add') gb = g;
      else if (kind === 'sub') gb = g.map((v) => -v);
      else if (kind === 'mul') gb = g.map((v, k) => v * A[k]);
      else gb = g.map((v, k) => (-v * A[k]) / (B[k] * B[k]));
      gb = sumToShape(gb, shape, b.shape);
    }
    return [ga, gb];
  });
}

export type UnaryKind = 'neg' | 'exp' | 'log' | 'abs' | 'sqrt' | 'tanh' | 'sigmoid' | 'relu';

/** f(x) elementwise; gradients use the saved input or output. */
export function unary(x: Tensor, kind: UnaryKind): Tensor {
  const xd = kind === 'relu' || kind === 'log' || kind === 'abs' ? Float32Array.from(x.data) : x.data;
  const n = xd.length;
  const y = new Float32Array(n);
  let dydx: (k: number) => number;
  switch (kind) {
    case 'neg':
      for (let k = 0; k < n; k++) y[k] = -xd[k];
      dydx = () => -1;
      break;
    case 'exp':
      for (let k = 0; k < n; k++) y[k] = Math.exp(xd[k]);
      dydx = (k) => y[k];
      break;
    case 'log':
      for (let k = 0; k < n; k++) y[k] = Math.log(xd[k]);
      dydx = (k) => 1 / xd[k];
      break;
    case 'abs':
      for (let k = 0; k < n; k++) y[k] = Math.abs(xd[k]);
      dydx = (k) => Math.sign(xd[k]);
      break;
    case 'sqrt':
      for (let k = 0; k < n; k++) y[k] = Math.sqrt(xd[k]);
      dydx = (k) => 0.5 / y[k];
      break;
    case 'tanh':
      for (let k = 0; k < n; k++) y[k] = Math.tanh(xd[k]);
      dydx = (k) => 1 - y[k] * y[k];
      break;
    case 'sigmoid':
      for (let k = 0; k < n; k++) y[k] = 1 / (1 + Math.exp(-xd[k]));
      dydx = (k) => y[k] * (1 - y[k]);
      break;
    case 'relu':
      for (let k = 0; k < n; k++) y[k] = Math.max(xd[k], 0);
      dydx = (k) => (xd[k] > 0 ? 1 : 0);
      break;
  }
  return fromOp(y, x.shape, kind, [x], (g) => [g.map((v, k) => v * dydx(k))]);
}

/** x ** p for a constant exponent p. */
export function pow(x: Tensor, p: number): Tensor {
  const xd = Float32Array.from(x.data);
  const y = xd.map((v) => v ** p);
  return fromOp(y, x.shape, 'pow', [x], (g) => [g.map((v, k) => v * p * xd[k] ** (p - 1))]);
}

/** A copy with its own storage; gradient passes through unchanged. */
export function clone(x: Tensor): Tensor {
  return fromOp(Float32Array.from(x.data), x.shape, 'clone', [x], (g) => [g]);
}
