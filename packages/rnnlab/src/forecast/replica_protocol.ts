/**
 * The shared memory between the driving thread (thread 0) and the replicas (threads 1..n−1) of data-parallel
 * training, and the waits on it. No imports (only types), so a thread's entry script can load it even when the
 * engine itself fails to load, and report that instead of leaving the driving thread waiting.
 *
 *   control  Int32   n × SLOT     per thread k at k·SLOT: the fields below (one 64-byte line per thread)
 *   losses   Float64 n            thread k's Σ (ŷ − y)² of its slice
 *   params   Float32 P            the driving thread's parameters, published before every batch
 *   grads    Float32 (n−1) × P    thread k's gradient of its slice at (k−1)·P
 *   x, y     Float32 rows × T·F, rows × T   the batch (every thread reads its own rows)
 *   errors   Uint8   n × ERROR_BYTES        a failed thread's message, UTF-8
 *
 * A command is: the driving thread writes OP, START, ROWS, SEED, then increments CMD (Atomics) and notifies; the
 * replica runs it, then stores DONE = CMD and notifies. Atomics are sequentially consistent, so the plain writes
 * before them (the batch, the parameters, the gradients) are visible to the thread that sees the new value.
 */
import type { TargetPositions } from './batch_loss.js';
import type { ModelConfig } from './models.js';

/** Int32 fields per thread in `control`: 16 × 4 bytes, so no two threads write to one cache line. */
export const SLOT = 16;
/** Command counter (incremented by the driving thread). */
export const CMD = 0;
/** What the command is: OP_BATCH, OP_EVAL or OP_STOP. */
export const OP = 1;
/** First row of the batch for this thread, and how many. */
export const START = 2;
export const ROWS = 3;
/** Last command finished (written by the replica). */
export const DONE = 4;
/** STARTING → READY, or FAILED (with a message in `errors`). */
export const STATUS = 5;
/** Scored elements of the slice (written by the replica). */
export const COUNT = 6;
/** 1 when this batch uses dropout: the replica seeds its generator from SEED (a uint32) and its index. */
export const DROPOUT = 7;
export const SEED = 8;
/** Bytes of the message in `errors`. */
export const ERROR_LENGTH = 9;
/** 1 when the parameters were published since the last command: copy them in first. */
export const PARAMS = 10;

/** Forward and backward of the slice: its loss, count and gradient. */
export const OP_BATCH = 1;
/** Forward of the slice in eval mode without gradients: its loss and count. */
export const OP_EVAL = 2;
export const OP_STOP = 3;

export const STARTING = 0;
export const READY = 1;
export const FAILED = 2;

/** Bytes per thread for a failure message. */
export const ERROR_BYTES = 2048;

/** Most threads one model trains on (the per-slice dropout seed is batchSeed · MAX_THREADS + k). */
export const MAX_THREADS = 256;

/** What a replica thread receives once per training run (structured-cloneable: plain data and shared buffers). */
export interface ReplicaSetup {
  /** This thread's index k (1..threads−1); the driving thread is 0. */
  index: number;
  threads: number;
  config: Required<ModelConfig>;
  target: TargetPositions;
  /** The batches' sequence length and features: a row of x is T·F floats, a row of y T. */
  T: number;
  F: number;
  /** Parameter floats in `model.parameters()` order: P in total, tensor j at offsets[j]. */
  P: number;
  control: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  errors: SharedArrayBuffer;
}

/**
 * Waits until `a[i]` is no longer `value` and returns the new value: first spins for up to `spinMs` (the other
 * thread's answer usually comes within a fraction of a millisecond, and waking a thread that sleeps costs a system
 * call on both sides and, on a busy machine, a trip through the scheduler), then sleeps in Atomics.wait. Returns
 * `value` itself only when `timeoutMs` passed first.
 */
export function waitWhile(
  a: Int32Array,
  i: number,
  value: number,
  spinMs: number,
  timeoutMs = Infinity,
): number {
  if (spinMs > 0) {
    const until = performance.now() + spinMs;
    do {
      for (let s = 0; s < 256; s++) {
        const v = Atomics.load(a, i);
        if (v !== value) return v;
      }
    } while (performance.now() < until);
  }
  const deadline = timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    const v = Atomics.load(a, i);
    if (v !== value) return v;
    const left = deadline - Date.now();
    if (left <= 0) return value;
    Atomics.wait(a, i, value, left === Infinity ? undefined : left);
  }
}

/**
 * Marks thread `setup.index` as failed with the error's message and wakes the driving thread (whether it waits
 * for the thread to start or to finish a batch).
 */
export function reportFailure(setup: ReplicaSetup, error: unknown): void {
  const ctl = new Int32Array(setup.control);
  const base = setup.index * SLOT;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // TextEncoder does not write into shared memory in every runtime: encode, then copy.
  const bytes = new TextEncoder().encode(text).subarray(0, ERROR_BYTES);
  new Uint8Array(setup.errors, setup.index * ERROR_BYTES, ERROR_BYTES).set(bytes);
  ctl[base + ERROR_LENGTH] = bytes.length;
  Atomics.store(ctl, base + STATUS, FAILED);
  Atomics.store(ctl, base + DONE, Atomics.load(ctl, base + CMD));
  Atomics.notify(ctl, base + STATUS);
  Atomics.notify(ctl, base + DONE);
}

/** The message a failed thread left (decoded from a copy: TextDecoder refuses shared memory in browsers). */
export function failureMessage(control: Int32Array, errors: SharedArrayBuffer, k: number): string {
  const n = Math.min(control[k * SLOT + ERROR_LENGTH], ERROR_BYTES);
  return new TextDecoder().decode(new Uint8Array(errors, k * ERROR_BYTES, n).slice());
}
