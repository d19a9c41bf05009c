/** TensorDataset + DataLoader yield tensor batches as torch.utils.data does, shuffled by the one generator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataLoader } from '../../src/data/loader.js';
import { TensorDataset } from '../../src/data/tensor_dataset.js';
import { arange, manualSeed } from '../../src/index.js';

const X = arange(0, 20).reshape([10, 2]);
const Y = arange(100, 110);

test('batches hold the same rows of every tensor, in order without shuffle, the last one smaller', () => {
  const batches = [...new DataLoader(new TensorDataset(X, Y), { batchSize: 4 })];
  assert.deepEqual(
    batches.map(([x, y]) => [x.shape, y.shape]),
    [
      [[4, 2], [4]],
      [[4, 2], [4]],
      [[2, 2], [2]],
    ],
  );
  assert.deepEqual(batches[1][0].tolist(), [
    [8, 9],
    [10, 11],
    [12, 13],
    [14, 15],
  ]);
  assert.deepEqual(batches[2][1].tolist(), [108, 109]);
});

test('shuffle: every sample once per epoch, x and y rows stay paired, manualSeed reproduces the order', () => {
  const order = (seed: number) => {
    manualSeed(seed);
    return [...new DataLoader(new TensorDataset(X, Y), { batchSize: 3, shuffle: true })].flatMap(([x, y]) => {
      const xs = x.tolist() as number[][];
      for (const [k, v] of (y.tolist() as number[]).entries())
        assert.equal(xs[k][0], (v - 100) * 2, 'x row matches y row');
      return y.tolist() as number[];
    });
  };
  const a = order(1);
  assert.deepEqual(
    [...a].sort((p, q) => p - q),
    Array.from({ length: 10 }, (_, i) => 100 + i),
  );
  assert.deepEqual(order(1), a);
  assert.notDeepEqual(order(2), a);
});

test('a size mismatch or no tensor is a clear error', () => {
  assert.throws(
    () => new TensorDataset(X, arange(0, 3)),
    /size mismatch between tensors: first dimensions 10, 3/,
  );
  assert.throws(() => new TensorDataset(), /give at least one tensor/);
});
