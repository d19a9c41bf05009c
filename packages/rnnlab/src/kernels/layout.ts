/** Layout changes of f32 blocks in WebAssembly memory (byte pointers). */
import { kernels } from './wasm.js';

/** dst (A2, A1, inner) ← src (A1, A2, inner): swaps the two leading dims, e.g. (T,B,H) ↔ (B,T,H). */
export function swapLeading(a1: number, a2: number, inner: number, src: number, dst: number): void {
  kernels.swap_leading(a1, a2, inner, src, dst);
}
