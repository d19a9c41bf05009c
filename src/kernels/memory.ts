/**
 * A float32 allocator over the kernels' WebAssembly memory.
 *
 * Parameters, their gradients, optimizer state and the recurrent ops' saved activations live here, so kernels
 * read and write them in place. Blocks are 16-byte aligned (f32x4 loads). Freed blocks go to an exact-size
 * free list: training repeats the same shapes, so blocks are reused without fragmentation. Memory grows in
 * large steps and never shrinks.
 *
 * Growing the memory detaches every typed-array view of it; `WasmStorage.array()` re-creates its view when
 * that happens, so hold on to the storage (or the Tensor), not to a view, across allocations.
 */
import { kernels } from './wasm.js';

const PAGE = 65536;
const ALIGN = 16;
let top = align(kernels.heapBase());
const freeLists = new Map<number, number[]>();
const sizes = new Map<number, number>();

function align(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}

/** Bytes currently handed out (for leak checks). */
export let allocatedBytes = 0;

/**
 * Allocates `floats` f32 slots; returns a byte pointer. Zero-filled unless `zero` is false (for buffers the
 * caller or a kernel overwrites completely — skipping the fill matters for large workspaces).
 */
export function alloc(floats: number, zero = true): number {
  const bytes = align(Math.max(1, floats) * 4);
  const list = freeLists.get(bytes);
  let ptr: number;
  if (list !== undefined && list.length > 0) {
    ptr = list.pop()!;
  } else {
    ptr = top;
    top += bytes;
    const have = kernels.memory.buffer.byteLength;
    if (top > have) {
      const need = top - have;
      // Grow by at least 1/4 of the current size so repeated small allocations stay cheap.
      const pages = Math.max(Math.ceil(need / PAGE), Math.ceil(have / PAGE / 4));
      kernels.memory.grow(pages);
    }
  }
  sizes.set(ptr, bytes);
  allocatedBytes += bytes;
  if (zero) new Float32Array(kernels.memory.buffer, ptr, bytes >> 2).fill(0);
  return ptr;
}

/** Returns a block to its free list. Freeing a pointer twice or one never allocated throws. */
export function free(ptr: number): void {
  const bytes = sizes.get(ptr);
  if (bytes === undefined) throw new Error(`rnnlab: free of unknown WebAssembly pointer ${ptr}`);
  sizes.delete(ptr);
  allocatedBytes -= bytes;
  let list = freeLists.get(bytes);
  if (list === undefined) {
    list = [];
    freeLists.set(bytes, list);
  }
  list.push(ptr);
}

/** A fresh Float32Array view of `length` floats at byte pointer `ptr` (valid until the memory grows). */
export function f32view(ptr: number, length: number): Float32Array {
  return new Float32Array(kernels.memory.buffer, ptr, length);
}

/** Frees the block of an owned WasmStorage once the storage object is garbage-collected. */
const reclaim = new FinalizationRegistry<number>((ptr) => free(ptr));

/** Float32 data that lives in WebAssembly memory at a fixed pointer. */
export class WasmStorage {
  private view: Float32Array;
  constructor(
    readonly ptr: number,
    readonly length: number,
  ) {
    this.view = f32view(ptr, length);
  }
  /** Allocates zeroed storage of `length` floats, freed automatically when the storage is garbage-collected. */
  static zeros(length: number): WasmStorage {
    const s = new WasmStorage(alloc(length), length);
    reclaim.register(s, s.ptr, s);
    return s;
  }
  /** The data as a Float32Array view; re-created if the memory grew since the last call. */
  array(): Float32Array {
    if (this.view.buffer !== kernels.memory.buffer) this.view = f32view(this.ptr, this.length);
    return this.view;
  }
  /** Frees the block now; the storage must not be used afterwards. */
  dispose(): void {
    reclaim.unregister(this);
    free(this.ptr);
  }
}
