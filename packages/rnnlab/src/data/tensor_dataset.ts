/**
 * `TensorDataset`, as torch.utils.data.TensorDataset: tensors that share their first dimension N, sample i being
 * row i of each. A `DataLoader` over it yields, per batch, one tensor per dataset tensor holding the batch's rows
 * (`indexSelect(0, ids)`), e.g. `for (const [x, y] of new DataLoader(new TensorDataset(X, Y), { batchSize: 16 }))`.
 */
import type { Tensor } from '../tensor/tensor.js';

export class TensorDataset {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0)
      throw new Error('TensorDataset: give at least one tensor, e.g. new TensorDataset(X, Y)');
    const shapes = tensors.map((t) => t.shape);
    if (shapes.some((s) => s.length === 0))
      throw new Error('TensorDataset: every tensor needs a first (sample) dimension; got a 0-d tensor');
    const n = shapes[0]![0]!;
    if (shapes.some((s) => s[0] !== n)) {
      throw new Error(
        `TensorDataset: size mismatch between tensors: first dimensions ${shapes.map((s) => s[0]).join(', ')}; every tensor must have the same number of samples`,
      );
    }
    this.tensors = tensors;
  }

  /** Number of samples N. */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Rows `ids` of every tensor (copies, no gradient history kept from the dataset). */
  rows(ids: Int32Array): Tensor[] {
    return this.tensors.map((t) => t.indexSelect(0, ids).detach());
  }
}
