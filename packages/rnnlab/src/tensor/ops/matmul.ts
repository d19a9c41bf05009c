/**
 * Matrix product. a (..., N, K) @ b (K, M) → (..., N, M) (b shared across a's leading dims), or
 * a (Bt, N, K) @ b (Bt, K, M) batched, or 1-D operands as in torch.matmul (vector · matrix etc.).
 */
import { fromOp } from '../autograd.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { saved } from './elementwise.js';
import { reshape } from './view.js';

/** c(n×m) += a(n×k) · b(k×m), row-major, plain loops (i-k-j order). */
function mm(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  c: Float32Array,
  co: number,
  n: number,
  k: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[ao + i * k + p];
      if (aip === 0) continue;
      const br = bo + p * m;
      const cr = co + i * m;
      for (let j = 0; j < m; j++) c[cr + j] += aip * b[br + j];
    }
  }
}

function transpose2(x: Float32Array, xo: number, r: number, c: number): Float32Array {
  const t = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = x[xo + i * c + j];
  return t;
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new Error('matmul: both arguments need at least 1 dimension');
  if (a.ndim === 1) {
    if (b.ndim > 2)
      throw new Error(
        `matmul: a 1-D first argument needs a 1-D or 2-D second argument, got ${formatShape(b.shape)}`,
      );
    const r = matmul(reshape(a, [1, a.shape[0]]), b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b);
    return reshape(r, b.ndim === 1 ? [] : [b.shape[1]]);
  }
  if (b.ndim === 1) return reshape(matmul(a, reshape(b, [b.shape[0], 1])), [...a.shape.slice(0, -1)]);
  const n = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2];
  const m = b.shape[b.ndim - 1];
  if (k !== k2) {
    throw new Error(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${k} != ${k2})`,
    );
  }
  const batchA = a.numel() / (n * k);
  const batchB = b.numel() / (k * m);
  if (
    b.ndim > 2 &&
    (b.ndim !== a.ndim || formatShape(a.shape.slice(0, -2)) !== formatShape(b.shape.slice(0, -2)))
  ) {
    throw new Error(
      `matmul: batch dims of ${formatShape(a.shape)} and ${formatShape(b.shape)} must be equal (or b must be 2-D)`,
    );
  }
  const A = saved(a);
  const B = saved(b);
  const out = new Float32Array(batchA * n * m);
  for (let t = 0; t < batchA; t++) mm(A, t * n * k, B, batchB === 1 ? 0 : t * k * m, out, t * n * m, n, k, m);
  const shape = [...a.shape.slice(0, -1), m];
  return fromOp(out, shape, 'matmul', [a, b], (g) => {
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    if (a.requiresGrad) {
      ga = new Float32Array(a.numel());
      for (let t = 0; t < batchA; t++) {
        const bt = transpose2(B, batchB === 1 ? 0 : t * k * m, k, m);
        mm(g, t * n * m, bt, 0, ga, t * n * k, n, m, k);
      }
    }
    if (b.requiresGrad) {
      gb = new Float32Array(b.numel());
      for (let t = 0; t < batchA; t++) {
        const at = transpose2(A, t * n * k, n, k);
        mm(at, 0, g, t * n * m, gb, batchB === 1 ? 0 : t * k * m, k, n, m);
      }
    }
    return [ga, gb];
  });
}
