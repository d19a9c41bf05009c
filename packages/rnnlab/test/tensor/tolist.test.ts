/** `tolist()` returns nested arrays of the tensor's shape, as PyTorch's `Tensor.tolist()` does. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, tensor, zeros } from '../../src/index.js';

test('nested arrays of the shape; a number for 0-D; empty dims give empty arrays', () => {
  assert.deepEqual(arange(6).reshape(2, 3).tolist(), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.deepEqual(arange(8).reshape(2, 2, 2).tolist(), [
    [
      [0, 1],
      [2, 3],
    ],
    [
      [4, 5],
      [6, 7],
    ],
  ]);
  assert.equal(tensor(2.5).tolist(), 2.5);
  assert.deepEqual(tensor([7]).tolist(), [7]);
  assert.deepEqual(zeros([2, 0]).tolist(), [[], []]);
  assert.deepEqual(zeros([0, 2]).tolist(), []);
});

test('values are the float32 values, as PyTorch gives them (torch.tensor([0.1]).tolist() == [0.10000000149011612])', () => {
  assert.deepEqual(tensor([0.1]).tolist(), [0.10000000149011612]);
});
