/**
 * Reductions over flat f32 buffers in wasm memory, one SIMD pass each (assembly/reduce.ts).
 */
import { kernels } from './wasm.js';

/** Σ x[i]² over n floats at ptr, in f64 (a fixed order of four partial sums; see assembly/reduce.ts). */
export function sumSquares(ptr: number, n: number): number {
  return kernels.sum_squares(ptr, n);
}

/** dst[i] += src[i] over n floats (float32 sums, the bits of a scalar float32 add). */
export function addF32(dst: number, src: number, n: number): void {
  kernels.add_f32(dst, src, n);
}
