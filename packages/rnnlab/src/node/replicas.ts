/**
 * The Node side of data-parallel training: replica threads on worker_threads, and the default thread count.
 * Pass `nodeReplicaThreads` as `FitOptions.replicas` / `JobHooks.replicas` with `threads` > 1.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ReplicaHandle, ReplicaSetup, ReplicaThreads } from '../forecast/data_parallel.js';
import { sharedKernels } from '../kernels/wasm.js';

/** Threads for one model training alone: one per core (as `os.availableParallelism()` counts them). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Starts each replica on a new worker thread (given this thread's compiled kernels, so it does not compile them
 * again). The thread ends when its replica returns; it does not keep the process alive.
 */
export const nodeReplicaThreads: ReplicaThreads = {
  start(setup: ReplicaSetup): ReplicaHandle {
    const w = new Worker(new URL('./replica_worker.js', import.meta.url), {
      workerData: { setup, rnnlabKernels: sharedKernels },
    });
    w.unref();
    // Failures reach the driving thread through shared memory (replica_worker.ts); this keeps an 'error' event
    // from becoming an uncaught exception once the driving thread has already reported it.
    w.on('error', () => {});
    return { release: () => void w.terminate() };
  },
};
