/**
 * A set of WebAssembly memory blocks with one owner, freed together, once. A call's temporaries go in one set
 * freed in `finally`; a forward's saved buffers go in one set freed by its backward, by a finalizer, or on error.
 */
import { alloc, f32view, free } from './memory.js';

export class WasmBlocks {
  private readonly ptrs: number[] = [];
  private freed = false;

  /** Allocates `floats` f32 slots in the set; zero-filled only when `zero` (skip it for blocks a kernel overwrites). */
  alloc(floats: number, zero: boolean): number {
    if (this.freed)
      throw new Error('rnnlab: WasmBlocks.alloc after free (internal error: a freed set was reused)');
    const ptr = alloc(floats, zero);
    this.ptrs.push(ptr);
    return ptr;
  }

  /**
   * Allocates a block holding a copy of `src`, a JavaScript array (not a view of WebAssembly memory: the
   * allocation may grow the memory, which detaches such views).
   */
  copyOf(src: Float32Array): number {
    const ptr = this.alloc(src.length, false);
    f32view(ptr, src.length).set(src);
    return ptr;
  }

  /** Frees every block; later calls do nothing. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    for (const ptr of this.ptrs) free(ptr);
    this.ptrs.length = 0;
  }
}
