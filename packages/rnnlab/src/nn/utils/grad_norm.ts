/** The squared global L2 norm of the gradients, the quantity `clipGradNorm` and the training loop's norm share. */
import { sumSquares } from '../../kernels/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * Σ g² over the gradients of `params` (parameters without a gradient are skipped), in f64: per parameter one SIMD
 * pass in wasm memory (four partial sums, see kernels/assembly/reduce.ts) or a JavaScript loop for a gradient held
 * in JavaScript memory; the parameters' sums are added in order.
 */
export function gradSquaredNorm(params: Iterable<Tensor>): number {
  let sq = 0;
  for (const p of params) {
    const g = p.grad;
    if (g === null) continue;
    if (g.isWasm) {
      sq += sumSquares(g.wasmPtr, g.numel());
      continue;
    }
    const d = g.data;
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i] * d[i];
    sq += s;
  }
  return sq;
}
