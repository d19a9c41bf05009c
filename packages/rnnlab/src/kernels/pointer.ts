/**
 * Byte-pointer arithmetic over f32 buffers in the kernels' WebAssembly memory. The kernels take byte pointers;
 * JavaScript counts floats. Pointer 0 means "absent" in every kernel signature (no block is ever allocated at
 * 0), so these helpers keep it 0: the pointer into an absent buffer is absent.
 */

/** Bytes of one float32. */
export const F32_BYTES = 4;

/** Byte pointer of float `index` of the f32 buffer at `ptr` (0 stays 0). */
export function f32At(ptr: number, index: number): number {
  return ptr === 0 ? 0 : ptr + F32_BYTES * index;
}

/**
 * Byte pointer of block `index` of a buffer made of equal blocks of `blockFloats` floats (0 stays 0): e.g.
 * direction d's rows (B,Hout) of a state buffer (D,B,Hout) are `blockAt(h, d, B·Hout)`.
 */
export function blockAt(ptr: number, index: number, blockFloats: number): number {
  return f32At(ptr, index * blockFloats);
}

/** `floats` rounded up to whole f32x4 vectors (4 floats), so a block placed after it stays 16-byte aligned. */
export function roundUpToVector(floats: number): number {
  return Math.ceil(floats / 4) * 4;
}
