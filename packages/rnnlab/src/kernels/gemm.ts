/**
 * Row-major f32 GEMM on the WebAssembly SIMD kernels (byte pointers, leading dimensions in floats).
 * Any M, N, K >= 1; `accumulate` adds into C instead of overwriting it.
 */
import { kernels } from './wasm.js';

/** C (M,N) (+)= A (M,K) · B (K,N). */
export function gemmNN(
  M: number,
  N: number,
  K: number,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
  accumulate: boolean,
): void {
  kernels.gemm_nn(M, N, K, a, lda, b, ldb, c, ldc, accumulate);
}

/** C (M,N) (+)= Aᵀ · B with A stored (K,M), B (K,N). */
export function gemmTN(
  M: number,
  N: number,
  K: number,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
  accumulate: boolean,
): void {
  kernels.gemm_tn(M, N, K, a, lda, b, ldb, c, ldc, accumulate);
}
