/**
 * Tensor ops and their gradients: values by hand, gradients by hand for simple cases, and central finite
 * differences (in float64 arithmetic on the op's float32 results, loose tolerance) for the rest.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cat, dropout, Generator, noGrad, stack, type Tensor, tensor } from '../../src/index.js';
import { assertClose } from '../support/fixtures.js';

/** Checks d(Σ f(xs)·w)/dx_i against central differences for every input element. */
function gradCheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Array<{ data: number[]; shape: number[] }>,
  label: string,
) {
  const xs = inputs.map((i) => tensor(i.data, i.shape, { requiresGrad: true }));
  const y = f(...xs);
  const w = tensor(
    Array.from({ length: y.numel() }, (_, k) => 0.3 + 0.1 * ((k * 7) % 5)),
    y.shape,
  );
  y.mul(w).sum().backward();
  const h = 1e-2;
  inputs.forEach((inp, a) => {
    const numeric = inp.data.map((_, j) => {
      const at = (delta: number) =>
        noGrad(() => {
          const args = inputs.map((q, b) => {
            const d = [...q.data];
            if (b === a) d[j] += delta;
            return tensor(d, q.shape);
          });
          const out = f(...args);
          return out.data.reduce((s, v, k) => s + v * w.data[k], 0);
        });
      return (at(h) - at(-h)) / (2 * h);
    });
    assertClose(xs[a].grad!.data, numeric, { rtol: 2e-2, atol: 2e-3 }, `${label}: grad of input ${a}`);
  });
}

const r = (n: number, seed: number) =>
  Array.from({ length: n }, (_, k) => Math.sin(seed * 12.9898 + k * 78.233) * 1.5);

describe('values', () => {
  test('broadcasting add/sub/mul/div', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor([10, 20, 30], [3]);
    assert.deepEqual(a.add(b).toArray(), [11, 22, 33, 14, 25, 36]);
    assert.deepEqual(a.sub(tensor([1, 2], [2, 1])).toArray(), [0, 1, 2, 2, 3, 4]);
    assert.deepEqual(a.mul(2).toArray(), [2, 4, 6, 8, 10, 12]);
    assert.deepEqual(
      tensor([1, 4], [2])
        .div(tensor([2], [1]))
        .toArray(),
      [0.5, 2],
    );
    assert.throws(() => a.add(tensor([1, 2], [2])), /shapes \[2, 3\] and \[2\] cannot be broadcast/);
  });
  test('sum/mean over dims with keepdim', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(a.sum().toArray(), [21]);
    assert.deepEqual(a.sum(0).toArray(), [5, 7, 9]);
    assert.deepEqual(a.sum(1, true).shape, [2, 1]);
    assert.deepEqual(a.mean(-1).toArray(), [2, 5]);
  });
  test('matmul, transpose, select, narrow, cat, stack', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor([1, 0, 0, 1, 1, 1], [3, 2]);
    assert.deepEqual(a.matmul(b).toArray(), [4, 5, 10, 11]);
    assert.deepEqual(a.t().toArray(), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(a.select(1, 2).toArray(), [3, 6]);
    assert.deepEqual(a.narrow(1, 1, 2).toArray(), [2, 3, 5, 6]);
    assert.deepEqual(cat([a, a], 1).shape, [2, 6]);
    assert.deepEqual(stack([a, a], 0).shape, [2, 2, 3]);
    assert.throws(() => a.matmul(a), /shapes \[2, 3\] and \[2, 3\] cannot be multiplied \(3 != 2\)/);
  });
  test('reshape infers -1, squeeze/unsqueeze', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(a.reshape(3, -1).shape, [3, 2]);
    assert.deepEqual(a.unsqueeze(-1).shape, [2, 3, 1]);
    assert.deepEqual(a.unsqueeze(0).squeeze().shape, [2, 3]);
    assert.throws(() => a.reshape(4, -1), /shape \[4, -1\] is invalid for input of size 6/);
  });
});

describe('gradients', () => {
  test('by hand: d/dx Σ x·y = y, d/dy = x', () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = tensor([4, 5, 6], [3], { requiresGrad: true });
    x.mul(y).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [4, 5, 6]);
    assert.deepEqual(y.grad!.toArray(), [1, 2, 3]);
  });
  test('a tensor used twice accumulates both paths', () => {
    const x = tensor([3], [1], { requiresGrad: true });
    const y = x.mul(x).add(x); // dy/dx = 2x + 1 = 7
    y.sum().backward();
    assert.deepEqual(x.grad!.toArray(), [7]);
  });
  test('backward twice through the same graph is an error', () => {
    const x = tensor([3], [1], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    assert.throws(() => y.backward(), /backward through the graph a second time/);
  });
  test('noGrad records nothing', () => {
    const x = tensor([3], [1], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
  });
  test('finite differences', () => {
    gradCheck(
      (a, b) => a.mul(b).add(a),
      [
        { data: r(6, 1), shape: [2, 3] },
        { data: r(3, 2), shape: [3] },
      ],
      'mul+add broadcast',
    );
    gradCheck(
      (a, b) => a.div(b.abs().add(1)),
      [
        { data: r(6, 3), shape: [2, 3] },
        { data: r(2, 4), shape: [2, 1] },
      ],
      'div',
    );
    gradCheck((a) => a.tanh().add(a.sigmoid()).add(a.relu()), [{ data: r(8, 5), shape: [8] }], 'activations');
    gradCheck(
      (a) => a.exp().add(a.abs().add(1).log()).add(a.pow(2)),
      [{ data: r(5, 6), shape: [5] }],
      'exp/log/pow',
    );
    gradCheck(
      (a, b) => a.matmul(b),
      [
        { data: r(12, 7), shape: [2, 2, 3] },
        { data: r(6, 8), shape: [3, 2] },
      ],
      'batched matmul',
    );
    gradCheck((a) => a.sum(1).add(a.mean(0, true).sum()), [{ data: r(6, 9), shape: [2, 3] }], 'sum/mean');
    gradCheck(
      (a) => a.transpose(0, 2).reshape(6, 2).narrow(0, 1, 3),
      [{ data: r(12, 10), shape: [2, 3, 2] }],
      'transpose/reshape/narrow',
    );
    gradCheck(
      (a, b) => cat([a, b.select(0, 1).unsqueeze(0)], 0),
      [
        { data: r(6, 11), shape: [2, 3] },
        { data: r(9, 12), shape: [3, 3] },
      ],
      'cat/select',
    );
  });
  test('dropout keeps expectation and masks gradients consistently', () => {
    const g = new Generator(3);
    const x = tensor(new Float32Array(10000).fill(1), [10000], { requiresGrad: true });
    const y = dropout(x, 0.25, true, g);
    const kept = y.data.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6));
    assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02);
    y.sum().backward();
    assert.deepEqual(Array.from(x.grad!.data), Array.from(y.data));
    assert.equal(dropout(x, 0.25, false), x);
  });
});
