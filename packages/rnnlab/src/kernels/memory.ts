/**
 * A float32 allocator over the kernels' WebAssembly memory.
 *
 * Parameters, their gradients, optimizer state and the recurrent ops' saved activations live here, so kernels
 * read and write them in place. Blocks are 16-byte aligned (f32x4 loads). Freed blocks go to an exact-size
 * free list: training repeats the same shapes, so blocks are reused without fragmentation. Memory grows in
 * large steps and never shrinks, up to the wasm32 limit of 65536 pages × 64 KiB = 4 GiB.
 *
 * An allocation either succeeds or throws a `WasmMemoryError` and leaves the allocator exactly as it was: the
 * request is checked against the limit, and the memory grown, before any bookkeeping moves.
 *
 * Growing the memory detaches every typed-array view of it; `WasmStorage.array()` re-creates its view when
 * that happens, so hold on to the storage (or the Tensor), not to a view, across allocations.
 */
import { kernels } from './wasm.js';

const PAGE = 65536;
const ALIGN = 16;

/** Largest WebAssembly (wasm32) memory: 65536 pages of 64 KiB = 4 GiB. */
export const WASM_MEMORY_LIMIT_BYTES = 65536 * PAGE;

/** A request for more WebAssembly memory than the 4 GiB limit (or the system) allows. */
export class WasmMemoryError extends RangeError {
  override name = 'WasmMemoryError';
}

const heapStart = align(kernels.heapBase());
/** End of the highest block handed out so far; memory above it has never been used. */
let top = heapStart;
const freeLists = new Map<number, number[]>();
const sizes = new Map<number, number>();

/** n rounded up to a multiple of 16 (plain arithmetic: sizes may exceed 2³¹, where `&` would wrap). */
function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** Bytes currently handed out (for leak checks). */
export let allocatedBytes = 0;

/** The most bytes handed out at once since the last `resetPeakAllocatedBytes()` (memory tests, benchmarks). */
export let peakAllocatedBytes = 0;

/** Starts a new peak measurement from the bytes handed out now. */
export function resetPeakAllocatedBytes(): void {
  peakAllocatedBytes = allocatedBytes;
}

/** Bytes of WebAssembly memory one block of `floats` f32 slots takes (aligned to 16). */
export function blockBytes(floats: number): number {
  return align(Math.max(1, floats) * 4);
}

/** The end of the highest block ever handed out (the allocator's high-water mark), in bytes. */
export function heapTop(): number {
  return top;
}

/**
 * The most bytes that further allocations could still get: the space above the high-water mark up to the
 * 4 GiB limit plus the blocks in the free lists (reusable only by requests of their exact size).
 */
export function availableBytes(): number {
  return WASM_MEMORY_LIMIT_BYTES - heapStart - allocatedBytes;
}

/** "1.50 GB"-style size for messages. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  if (bytes < 1e6) return `${bytes} bytes`;
  const [unit, scale] = bytes < 1e9 ? ['MB', 1e6] : bytes < 1e12 ? ['GB', 1e9] : ['TB', 1e12];
  return `${(bytes / scale).toPrecision(3)} ${unit}`;
}

/**
 * Throws a WasmMemoryError unless `bytes` more could fit in WebAssembly memory. For up-front checks before a
 * module allocates its blocks: `what` names what needs them (e.g. "LSTM(1, 100000) parameters"), `fix` says
 * how to need less.
 */
export function checkFits(bytes: number, what: string, fix: string): void {
  const free = availableBytes();
  if (bytes <= free) return;
  throw new WasmMemoryError(
    `${what} need ${formatBytes(bytes)} of WebAssembly memory, but only ${formatBytes(free)} of its ` +
      `${formatBytes(WASM_MEMORY_LIMIT_BYTES)} limit (65536 pages) is free. ${fix}`,
  );
}

/**
 * Allocates `floats` f32 slots; returns a byte pointer. Zero-filled unless `zero` is false (for buffers the
 * caller or a kernel overwrites completely — skipping the fill matters for large workspaces).
 * Throws a WasmMemoryError, changing nothing, when the block does not fit.
 */
export function alloc(floats: number, zero = true): number {
  if (!Number.isSafeInteger(floats) || floats < 0) {
    throw new WasmMemoryError(
      `rnnlab: cannot allocate ${floats} floats of WebAssembly memory: the size must be an integer >= 0`,
    );
  }
  const bytes = blockBytes(floats);
  const list = freeLists.get(bytes);
  let ptr: number;
  if (list !== undefined && list.length > 0) {
    ptr = list.pop()!;
  } else {
    ensureCapacity(top + bytes, bytes);
    ptr = top;
    top += bytes;
  }
  sizes.set(ptr, bytes);
  allocatedBytes += bytes;
  if (allocatedBytes > peakAllocatedBytes) peakAllocatedBytes = allocatedBytes;
  if (zero) new Float32Array(kernels.memory.buffer, ptr, bytes / 4).fill(0);
  return ptr;
}

/** Grows the memory so that it holds `end` bytes, or throws (memory unchanged) if it cannot. */
function ensureCapacity(end: number, bytes: number): void {
  const fail = (why: string): never => {
    throw new WasmMemoryError(
      `rnnlab: cannot allocate ${formatBytes(bytes)} of WebAssembly memory: ${why} ` +
        `(${formatBytes(allocatedBytes)} in use, limit ${formatBytes(WASM_MEMORY_LIMIT_BYTES)}). ` +
        'Use a smaller model, batch or sequence length.',
    );
  };
  if (end > WASM_MEMORY_LIMIT_BYTES) fail('that would pass the 4 GiB limit of WebAssembly memory');
  const have = kernels.memory.buffer.byteLength;
  if (end <= have) return;
  const needPages = Math.ceil((end - have) / PAGE);
  const roomPages = (WASM_MEMORY_LIMIT_BYTES - have) / PAGE;
  // Grow by at least 1/4 of the current size so repeated small allocations stay cheap.
  const pages = Math.min(roomPages, Math.max(needPages, Math.ceil(have / PAGE / 4)));
  try {
    kernels.memory.grow(pages);
  } catch {
    try {
      kernels.memory.grow(needPages);
    } catch {
      fail('the system refused to grow the memory (out of memory?)');
    }
  }
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
