/**
 * Mini-batches, like torch's DataLoader(dataset, batch_size, shuffle, drop_last, generator), over either
 *  - a `TensorDataset`: batch b yields one tensor per dataset tensor, rows order[b·B .. b·B+B) of each; or
 *  - the `Windows` of `makeWindows` (the forecasting pipeline's fast path): batch b yields float32 copies
 *    x (B, T, F) row-major, y (B, T), index (B) = the window ids.
 * The last batch is smaller unless `dropLast`.
 * Each `for … of` is one epoch. With `shuffle`, starting the epoch (creating the iterator) draws one 32-bit seed
 * from `generator` — by default the generator `manualSeed` seeds, as in torch — and the order is `indices`
 * permuted by `new Generator(seed).randperm(N)`. So `manualSeed(s)`, building the model, then iterating gives the
 * same orders bit for bit, and successive epochs differ.
 */
import { defaultGenerator, Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { TensorDataset } from './tensor_dataset.js';
import type { Windows } from './windows.js';

export interface DataLoaderOptions {
  /** Windows per batch (B ≥ 1). */
  batchSize: number;
  /** Reshuffle every epoch (default false: the order of `indices`). */
  shuffle?: boolean;
  /** Source of each epoch's shuffle seed (default: the generator `manualSeed` seeds, read when an epoch starts). */
  generator?: Generator;
  /** Skip the last batch if it has fewer than `batchSize` windows (default false). */
  dropLast?: boolean;
  /** The sample (window) ids to serve, e.g. `split.train.windows` (default: all). */
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

/** What a DataLoader yields per batch: tensors for a TensorDataset, a `Batch` for windows. */
export type BatchOf<D> = D extends TensorDataset ? Tensor[] : Batch;

export class DataLoader<D extends Windows | TensorDataset = Windows> implements Iterable<BatchOf<D>> {
  readonly dataset: D;
  readonly batchSize: number;
  readonly shuffle: boolean;
  /** The generator given in the options; `undefined` means the default one. */
  readonly generator: Generator | undefined;
  readonly dropLast: boolean;
  /** Window ids served; an epoch without `shuffle` serves them in this order. */
  readonly indices: Int32Array;

  constructor(dataset: D, opts: DataLoaderOptions) {
    const B = opts?.batchSize;
    if (!Number.isInteger(B) || B < 1)
      throw new Error(`DataLoader: batchSize must be an integer ≥ 1, got ${B}.`);
    this.dataset = dataset;
    const size = dataset instanceof TensorDataset ? dataset.length : dataset.rows;
    this.batchSize = B;
    this.shuffle = opts.shuffle ?? false;
    this.generator = opts.generator;
    this.dropLast = opts.dropLast ?? false;
    const given = opts.indices;
    if (given !== undefined) {
      for (let k = 0; k < given.length; k++) {
        const id = given[k]!;
        if (!Number.isInteger(id) || id < 0 || id >= size) {
          throw new Error(
            `DataLoader: indices[${k}] = ${id} is not a sample id in [0, ${size}). Pass ids of this dataset's samples.`,
          );
        }
      }
    }
    this.indices =
      given === undefined ? Int32Array.from({ length: size }, (_, k) => k) : Int32Array.from(given);
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

  /** Starts an epoch: draws its order now (see the file comment), then yields its batches. */
  [Symbol.iterator](): Iterator<BatchOf<D>> {
    const order = this.shuffle ? this.shuffledIndices() : this.indices;
    const d = this.dataset;
    return (d instanceof TensorDataset ? this.tensorBatches(d, order) : this.batches(d, order)) as Iterator<
      BatchOf<D>
    >;
  }

  private *tensorBatches(d: TensorDataset, order: Int32Array): Iterator<Tensor[]> {
    const B = this.batchSize;
    for (let b = 0; b < this.length; b++)
      yield d.rows(order.slice(b * B, Math.min((b + 1) * B, order.length)));
  }

  /** `indices` permuted with a Generator seeded by one 32-bit draw from `generator`. */
  private shuffledIndices(): Int32Array {
    const seed = (this.generator ?? defaultGenerator).nextUint32();
    const perm = new Generator(seed).randperm(this.indices.length);
    return perm.map((k) => this.indices[k]!);
  }

  private *batches(windows: Windows, order: Int32Array): Iterator<Batch> {
    const { seqLen: T, features: F, x, y } = windows;
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
