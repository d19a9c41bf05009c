/**
 * Imported first by replica_worker.ts, so that it runs before the engine compiles its kernels: picks the kernel
 * build the driving thread named in the worker's name ('rnnlab-replica <build>'), so every thread of a run
 * computes with the same kernels.
 */
const name = (globalThis as { name?: string }).name ?? '';
const match = /^rnnlab-replica (relaxed-simd|simd)$/.exec(name);
if (match) (globalThis as { RNNLAB_KERNELS?: string }).RNNLAB_KERNELS = match[1];
