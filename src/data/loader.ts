/**
 * Mini-batches over windows, like torch's DataLoader(batch_size, shuffle, drop_last) for a TensorDataset.
 *
 * Batch b of an epoch takes window ids order[b·B .. b·B+B) and yields float32 copies:
 *   x (B, T, F) row-major, y (B, T), index (B) = the window ids; the last batch is smaller unless `dropLast`.
 * Shuffled order of epoch e = Fisher–Yates with mulberry32(mixSeed(seed, e)): the same seed and epoch give the
 * same order, bit for bit, independent of how many epochs ran before. Each `for … of` runs one epoch and then
 * advances `epoch`; set `epoch` to resume a run.
 */
import { mixSeed, mulberry32, shuffleInPlace } from './random.js';
import type { Windows } from './windows.js';

export interface DataLoaderOptions {
  /** Windows per batch (B ≥ 1). */
  batchSize: number;
  /** Reshuffle every epoch (default false: ascending window ids). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Skip the last batch if it has fewer than `batchSize` windows (default false). */
  dropLast?: boolean;
  /** The window ids to serve, e.g. `split.train.windows` (default: all windows). */
  indices?: ArrayLike<number>;
}

export interface Batch {
  /** Inputs, shape `xShape` = [B, T, F]. */
  x: Float32Array;
  xShape: [number, number, number];
  /** Targets, shape `yShape` = [B, T]. */
  y: Float32Array;
  yShape: [number, number];
  /** Window id of each row. */
  index: Int32Array;
}

export class DataLoader implements Iterable<Batch> {
  readonly windows: Windows;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Window ids served, in ascending-id order before shuffling. */
  readonly indices: Int32Array;
  /** Epoch the next iteration will run (starts at 0). */
  epoch = 0;

  constructor(windows: Windows, opts: DataLoaderOptions) {
    const B = opts.batchSize;
    if (!Number.isInteger(B) || B < 1)
      throw new Error(`DataLoader: batchSize must be an integer ≥ 1, got ${B}.`);
    this.windows = windows;
    this.batchSize = B;
    this.shuffle = opts.shuffle ?? false;
    this.seed = opts.seed ?? 0;
    this.dropLast = opts.dropLast ?? false;
    const given = opts.indices;
    if (given !== undefined) {
      for (let k = 0; k < given.length; k++) {
        const id = given[k]!;
        if (!Number.isInteger(id) || id < 0 || id >= windows.rows) {
          throw new Error(
            `DataLoader: indices[${k}] = ${id} is not a window id in [0, ${windows.rows}). Pass ids of these windows.`,
          );
        }
      }
    }
    this.indices =
      given === undefined ? Int32Array.from({ length: windows.rows }, (_, k) => k) : Int32Array.from(given);
    if (this.indices.length === 0)
      throw new Error('DataLoader: no windows to serve. Pass a non-empty `indices`.');
    if (this.length === 0) {
      throw new Error(
        `DataLoader: dropLast with ${this.indices.length} windows and batchSize ${B} gives no batch. ` +
          'Use a smaller batchSize or dropLast: false.',
      );
    }
  }

  /** Number of batches per epoch: ⌈N / B⌉, or ⌊N / B⌋ with `dropLast`. */
  get length(): number {
    const n = this.indices.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Window ids in the order epoch `epoch` serves them. */
  order(epoch: number = this.epoch): Int32Array {
    const ids = this.indices.slice();
    return this.shuffle ? shuffleInPlace(ids, mulberry32(mixSeed(this.seed, epoch))) : ids;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const order = this.order(this.epoch++);
    const { seqLen: T, features: F, x, y } = this.windows;
    const B = this.batchSize;
    for (let b = 0; b < this.length; b++) {
      const index = order.slice(b * B, Math.min((b + 1) * B, order.length));
      const rows = index.length;
      const bx = new Float32Array(rows * T * F);
      const by = new Float32Array(rows * T);
      index.forEach((id, k) => {
        bx.set(x.subarray(id * T * F, (id + 1) * T * F), k * T * F);
        by.set(y.subarray(id * T, (id + 1) * T), k * T);
      });
      yield { x: bx, xShape: [rows, T, F], y: by, yShape: [rows, T], index };
    }
  }
}
