/**
 * Data-parallel training of one model on several threads. Thread 0 is the driving thread (it runs `fitSteps`
 * and owns the model and the optimizer); threads 1..n−1 each hold a replica (their own WebAssembly instance and
 * `SequenceRegressor`). For every batch:
 *
 *   1. thread 0 publishes its parameters and the batch in shared memory and splits the rows into n contiguous
 *      slices (sizes ⌈B/n⌉ first, then ⌊B/n⌋);
 *   2. every thread copies the parameters in, runs forward and backward on its slice, and (threads ≥ 1) writes
 *      its gradient into its own slot of shared memory — thread 0 computes slice 0 meanwhile, in its own model;
 *   3. thread 0 adds the slots to its gradient in a fixed order, g = ((g₀ + g₁) + g₂) + …, and the losses
 *      likewise; the training loop then clips and takes the Adam step there, as with one thread.
 *
 * The validation loss after each epoch is split the same way (forward only, in eval mode).
 *
 * The loss is a sum over rows (batch_loss.ts), so the slices' gradients add up to the batch's, exactly up to
 * float rounding. A run is reproducible bit for bit for a given number of threads; another number of threads sums
 * in another order and changes the last bits. Dropout draws one seed per batch from the driving thread's
 * generator, and every slice k seeds its own masks from (seed, k): reproducible for a given number of threads,
 * but not the masks of a one-thread run.
 *
 * Nothing here imports a platform module: the threads come from a `ReplicaThreads` — `nodeReplicaThreads` in
 * rnnlab/node (worker_threads), `webThreads` in rnnlab/browser (Web Workers) — whose threads call
 * `serveReplica`. The driving thread blocks in Atomics.wait, so it must be a Node thread or a Web Worker (not a
 * page's main thread).
 */
import { WasmStorage } from '../kernels/memory.js';
import { addF32 } from '../kernels/reduce.js';
import { gradSquaredNorm } from '../nn/utils/grad_norm.js';
import { noGrad } from '../tensor/grad_mode.js';
import { defaultGenerator, manualSeed } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchLoss, batchRows, type TargetPositions, type WindowBatch } from './batch_loss.js';
import { SequenceRegressor } from './models.js';
import {
  CMD,
  COUNT,
  DONE,
  DROPOUT,
  ERROR_BYTES,
  FAILED,
  failureMessage,
  MAX_THREADS,
  OP,
  OP_BATCH,
  OP_EVAL,
  OP_STOP,
  PARAMS,
  READY,
  type ReplicaSetup,
  ROWS,
  reportFailure,
  SEED,
  SLOT,
  START,
  STARTING,
  STATUS,
  waitWhile,
} from './replica_protocol.js';

export { MAX_THREADS, type ReplicaSetup } from './replica_protocol.js';

/** Starts the replica threads of data-parallel training (provided by rnnlab/node and rnnlab/browser). */
export interface ReplicaThreads {
  /** Starts (or wakes) a thread that calls `serveReplica(setup)` once; returns how to let it go afterwards. */
  start(setup: ReplicaSetup): ReplicaHandle;
}

export interface ReplicaHandle {
  /** Called once the replica was told to stop (or failed): end the thread or return it to a pool. */
  release(): void;
}

/**
 * Milliseconds a thread spins before it sleeps in Atomics.wait: long enough to cover the gap between two batches
 * (the driving thread's sum of gradients, Adam step and next batch: a few tenths of a millisecond at the tutorial's
 * size), short enough not to burn a core while the driving thread does something else (progress output, a
 * caller's hooks between steps).
 */
const SPIN_MS = 1;

/** How long the driving thread waits for the replicas to build their models. */
const START_TIMEOUT_MS = 120_000;

/** Checks a thread count: an integer in [1, MAX_THREADS]; `what` names it in the message. */
export function checkThreads(n: unknown, what = 'threads'): number {
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > MAX_THREADS)
    throw new Error(`${what} must be an integer from 1 to ${MAX_THREADS}, got ${String(n)}`);
  return n as number;
}

/** Rows of slice k when `rows` rows are split into n slices: ⌈rows/n⌉ for the first rows mod n slices. */
export function sliceRows(rows: number, n: number, k: number): { start: number; rows: number } {
  const base = Math.floor(rows / n);
  const extra = rows % n;
  return { start: k * base + Math.min(k, extra), rows: base + (k < extra ? 1 : 0) };
}

/** The dropout seed of slice k for a batch's seed (distinct for every batch seed and k < MAX_THREADS). */
function sliceSeed(batchSeed: number, k: number): number {
  return batchSeed * MAX_THREADS + k;
}

/** Parameter j of a model starts at offsets[j] in the flat P floats. */
function offsetsOf(params: readonly Tensor[]): { offsets: number[]; P: number } {
  const offsets: number[] = [];
  let P = 0;
  for (const p of params) {
    offsets.push(P);
    P += p.numel();
  }
  return { offsets, P };
}

/**
 * The driving thread's side: starts threads−1 replicas of `model` and computes batch gradients with them.
 * `rows` is the most rows a batch will have, `T` and `F` the batches' sequence length and features.
 */
export class DataParallel {
  readonly threads: number;
  private readonly params: Tensor[];
  private readonly offsets: number[];
  private readonly P: number;
  private readonly ctl: Int32Array;
  private readonly losses: Float64Array;
  private readonly published: Float32Array;
  private readonly grads: Float32Array;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly setup: Omit<ReplicaSetup, 'index'>;
  private readonly handles: ReplicaHandle[] = [];
  /** The command number sent to each thread for the current batch (0 = none: its slice is empty). */
  private readonly sent: Int32Array;
  /** Thread k has not copied the parameters published last (it does so with its next command). */
  private readonly stale: Uint8Array;
  private closed = false;
  /** A replica's gradient, copied into this thread's wasm memory to be added (allocated at the first batch). */
  private incoming: WasmStorage | null = null;

  constructor(
    private readonly model: SequenceRegressor,
    private readonly target: TargetPositions,
    threads: number,
    replicas: ReplicaThreads,
    private readonly capacity: { rows: number; T: number; F: number },
  ) {
    this.threads = checkThreads(threads);
    if (typeof SharedArrayBuffer === 'undefined')
      throw new Error(
        'data-parallel training needs SharedArrayBuffer, which this runtime does not offer (in a browser: the ' +
          'page must be cross-origin isolated); train with threads: 1',
      );
    const n = this.threads;
    this.params = model.parameters();
    ({ offsets: this.offsets, P: this.P } = offsetsOf(this.params));
    const { rows, T, F } = capacity;
    const shared = (bytes: number) => new SharedArrayBuffer(bytes);
    this.setup = {
      threads: n,
      config: model.config,
      target,
      T,
      F,
      P: this.P,
      control: shared(n * SLOT * 4),
      losses: shared(n * 8),
      params: shared(this.P * 4),
      grads: shared((n - 1) * this.P * 4),
      x: shared(rows * T * F * 4),
      y: shared(rows * T * 4),
      errors: shared(n * ERROR_BYTES),
    };
    this.ctl = new Int32Array(this.setup.control);
    this.losses = new Float64Array(this.setup.losses);
    this.published = new Float32Array(this.setup.params);
    this.grads = new Float32Array(this.setup.grads);
    this.x = new Float32Array(this.setup.x);
    this.y = new Float32Array(this.setup.y);
    this.sent = new Int32Array(n);
    this.stale = new Uint8Array(n);
    try {
      for (let k = 1; k < n; k++) this.handles.push(replicas.start({ ...this.setup, index: k }));
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (let k = 1; k < n; k++) {
        const status = waitWhile(
          this.ctl,
          k * SLOT + STATUS,
          STARTING,
          0,
          Math.max(0, deadline - Date.now()),
        );
        if (status === STARTING)
          throw new Error(
            `data-parallel training: thread ${k} did not start within ${START_TIMEOUT_MS / 1000} s`,
          );
        this.check(k);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * Σ (ŷ − y)² over batch `b`, the number of scored elements, and the squared global norm of the gradient (summed
   * over the parameters in order, as the training loop's own norm would be); adds ∂/∂θ of the loss to the model's
   * gradients (zero them first, as for `loss.backward()`).
   */
  gradient(b: WindowBatch): [number, number, number] {
    this.publish();
    const c = this.model.config;
    const dropout = this.model.training && c.dropout > 0 && c.numLayers > 1;
    const batchSeed = dropout ? defaultGenerator.nextUint32() : 0;
    const rows = this.dispatch(OP_BATCH, b, dropout, batchSeed);
    // Slice 0 here; with dropout, under its own seed, leaving the generator where it was.
    const saved = dropout ? defaultGenerator.getState() : null;
    if (dropout) manualSeed(sliceSeed(batchSeed, 0));
    let value: number;
    let count: number;
    try {
      const [loss, k0] = batchLoss(this.model, batchRows(b, 0, rows), this.target);
      value = loss.item();
      count = k0;
      loss.backward();
    } finally {
      if (saved) defaultGenerator.setState(saved);
    }
    this.collect();
    return [...this.sum(value, count), this.addGradients()] as [number, number, number];
  }

  /**
   * g ← ((g₀ + g₁) + g₂) + … for every parameter (each + rounded to float32, as the kernels add), and Σ g² of
   * the result (`gradSquaredNorm`'s order). Each replica's slot is copied into this thread's wasm memory once and
   * added there in one SIMD pass per parameter.
   */
  private addGradients(): number {
    const { params, offsets, grads, P, sent, threads } = this;
    for (let k = 1; k < threads; k++) {
      if (sent[k] === 0) continue;
      const from = (k - 1) * P;
      this.incoming ??= WasmStorage.zeros(P);
      this.incoming.array().set(grads.subarray(from, from + P));
      const base = this.incoming.ptr;
      for (let j = 0; j < params.length; j++) {
        const g = params[j].grad;
        if (g === null) throw new Error(`data-parallel training: parameter ${j} got no gradient`);
        const n = g.numel();
        if (g.isWasm) {
          addF32(g.wasmPtr, base + offsets[j] * 4, n);
        } else {
          const d = g.data;
          const src = this.incoming.array();
          for (let i = 0; i < n; i++) d[i] += src[offsets[j] + i];
        }
      }
    }
    return gradSquaredNorm(params);
  }

  /**
   * The mean squared error per scored element over `batches` in eval mode (`evaluateLoss` on every thread, each
   * batch split as in training); the sums add up in thread order, so the last bits depend on the thread count.
   */
  evaluate(batches: Iterable<WindowBatch>): number {
    const wasTraining = this.model.training;
    this.model.eval();
    this.publish();
    let total = 0;
    let n = 0;
    try {
      for (const b of batches) {
        const rows = this.dispatch(OP_EVAL, b, false, 0);
        const [value, count] = noGrad(() => {
          const [loss, k0] = batchLoss(this.model, batchRows(b, 0, rows), this.target);
          return [loss.item(), k0];
        });
        this.collect();
        const [v, k] = this.sum(value, count);
        total += v;
        n += k;
      }
    } finally {
      this.model.train(wasTraining);
    }
    return n === 0 ? Number.NaN : total / n;
  }

  /** Copies the driving thread's parameters where the replicas read them (before each of its commands). */
  private publish(): void {
    for (let j = 0; j < this.params.length; j++) this.published.set(this.params[j].data, this.offsets[j]);
    this.stale.fill(1);
  }

  /**
   * Puts batch `b` in shared memory and sends every thread with rows in it the command `op` for its slice;
   * returns the rows of slice 0 (this thread's).
   */
  private dispatch(op: number, b: WindowBatch, dropout: boolean, seed: number): number {
    const n = this.threads;
    const [B, T, F] = b.xShape;
    const { capacity, ctl } = this;
    if (B > capacity.rows || T !== capacity.T || F !== capacity.F || b.yShape[1] !== T)
      throw new Error(
        `data-parallel training: a batch of shape [${b.xShape.join(', ')}] does not fit the shared buffers, ` +
          `made for at most ${capacity.rows} rows of [${capacity.T}, ${capacity.F}]`,
      );
    const first = sliceRows(B, n, 0).rows;
    this.x.set(b.x.subarray(first * T * F), first * T * F);
    this.y.set(b.y.subarray(first * T), first * T);
    for (let k = 1; k < n; k++) {
      const s = sliceRows(B, n, k);
      this.sent[k] = 0;
      if (s.rows === 0) continue;
      const base = k * SLOT;
      ctl[base + OP] = op;
      ctl[base + PARAMS] = this.stale[k];
      this.stale[k] = 0;
      ctl[base + START] = s.start;
      ctl[base + ROWS] = s.rows;
      ctl[base + DROPOUT] = dropout ? 1 : 0;
      ctl[base + SEED] = seed | 0;
      this.sent[k] = Atomics.add(ctl, base + CMD, 1) + 1;
      Atomics.notify(ctl, base + CMD);
    }
    return first;
  }

  /** Waits for every thread sent a command to finish it; throws the first failure. */
  private collect(): void {
    for (let k = 1; k < this.threads; k++) {
      if (this.sent[k] === 0) continue;
      waitWhile(this.ctl, k * SLOT + DONE, this.sent[k] - 1, SPIN_MS);
      this.check(k);
    }
  }

  /** Slice 0's loss and count plus every other thread's, in thread order. */
  private sum(value: number, count: number): [number, number] {
    for (let k = 1; k < this.threads; k++) {
      if (this.sent[k] === 0) continue;
      value += this.losses[k];
      count += this.ctl[k * SLOT + COUNT];
    }
    return [value, count];
  }

  /** Throws the message of thread k if it failed. */
  private check(k: number): void {
    if (Atomics.load(this.ctl, k * SLOT + STATUS) === FAILED)
      throw new Error(
        `data-parallel training: thread ${k} failed: ${failureMessage(this.ctl, this.setup.errors, k)}`,
      );
  }

  /** Tells every replica to stop and lets its thread go; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let k = 1; k <= this.handles.length; k++) {
      const base = k * SLOT;
      this.ctl[base + OP] = OP_STOP;
      Atomics.add(this.ctl, base + CMD, 1);
      Atomics.notify(this.ctl, base + CMD);
    }
    for (const h of this.handles) h.release();
    this.incoming?.dispose();
    this.incoming = null;
  }
}

/**
 * A replica thread's side: builds the model `setup` describes, reports READY, then runs the driving thread's
 * commands until OP_STOP (returns) or a failure (reported in shared memory, then returns).
 */
export function serveReplica(setup: ReplicaSetup): void {
  const { index: k, P, T, F, target } = setup;
  const ctl = new Int32Array(setup.control);
  const base = k * SLOT;
  let model: SequenceRegressor;
  try {
    model = new SequenceRegressor(setup.config);
  } catch (e) {
    reportFailure(setup, e);
    return;
  }
  model.train();
  const params = model.parameters();
  const { offsets, P: mine } = offsetsOf(params);
  if (mine !== P) {
    reportFailure(setup, new Error(`replica has ${mine} parameter floats, the driving thread ${P}`));
    return;
  }
  const published = new Float32Array(setup.params);
  const grads = new Float32Array(setup.grads, (k - 1) * P * 4, P);
  const losses = new Float64Array(setup.losses);
  const x = new Float32Array(setup.x);
  const y = new Float32Array(setup.y);
  Atomics.store(ctl, base + STATUS, READY);
  Atomics.notify(ctl, base + STATUS);
  let seen = 0;
  for (;;) {
    seen = waitWhile(ctl, base + CMD, seen, SPIN_MS);
    if (ctl[base + OP] === OP_STOP) return;
    try {
      const start = ctl[base + START];
      const rows = ctl[base + ROWS];
      const op = ctl[base + OP];
      if (ctl[base + PARAMS] === 1)
        for (let j = 0; j < params.length; j++)
          params[j].data.set(published.subarray(offsets[j], offsets[j] + params[j].numel()));
      const slice: WindowBatch = {
        x: x.subarray(start * T * F, (start + rows) * T * F),
        xShape: [rows, T, F],
        y: y.subarray(start * T, (start + rows) * T),
        yShape: [rows, T],
      };
      if (op === OP_EVAL) {
        model.eval();
        const [value, count] = noGrad(() => {
          const [loss, k0] = batchLoss(model, slice, target);
          return [loss.item(), k0];
        });
        model.train();
        losses[k] = value;
        ctl[base + COUNT] = count;
      } else {
        for (const p of params) p.grad?.zero_();
        if (ctl[base + DROPOUT] === 1) manualSeed(sliceSeed(ctl[base + SEED] >>> 0, k));
        const [loss, count] = batchLoss(model, slice, target);
        losses[k] = loss.item();
        loss.backward();
        for (let j = 0; j < params.length; j++) grads.set(params[j].grad!.data, offsets[j]);
        ctl[base + COUNT] = count;
      }
    } catch (e) {
      reportFailure(setup, e);
      return;
    }
    Atomics.store(ctl, base + DONE, seen);
    Atomics.notify(ctl, base + DONE);
  }
}
