/**
 * `indexSelect` values, gradients and errors. PyTorch numbers from (X, w as in std.test.ts):
 *   python3 -c "import torch; x = torch.tensor(X).reshape(2,3,4).requires_grad_();
 *     y = x.index_select(1, torch.tensor([2,0,2])); (y * W).sum().backward(); print(y, x.grad)"
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { arange, type Tensor, tensor } from '../../src/index.js';
import { assertClose } from '../support/fixtures.js';

const X = [
  0.5, -1.25, 2.0, 3.5, 0.0, -0.75, 1.5, 2.25, -2.0, 0.25, 4.0, 1.0, -0.5, 0.75, 3.0, -1.5, 2.5, 0.125, -3.0,
  1.75, 0.625, -0.25, 2.75, 1.25,
];
const weights = (n: number) => Array.from({ length: n }, (_, k) => 0.3 + 0.1 * ((k * 7) % 5));

function run(f: (x: Tensor) => Tensor): { y: Tensor; grad: number[] } {
  const x = tensor(X, [2, 3, 4], { requiresGrad: true });
  const y = f(x);
  y.mul(tensor(weights(y.numel()), y.shape))
    .sum()
    .backward();
  return { y, grad: x.grad?.toArray() ?? [] };
}

const TOL = { rtol: 1e-6, atol: 1e-6 };

describe('indexSelect against PyTorch', () => {
  test('x.index_select(1, [2, 0, 2]): repeated indices add their gradients', () => {
    for (const index of [[2, 0, 2], Int32Array.of(2, 0, 2), tensor([2, 0, 2])]) {
      const r = run((x) => x.indexSelect(1, index));
      assert.deepEqual(r.y.shape, [2, 3, 4]);
      assert.deepEqual(
        r.y.toArray(),
        [
          -2.0, 0.25, 4.0, 1.0, 0.5, -1.25, 2.0, 3.5, -2.0, 0.25, 4.0, 1.0, 0.625, -0.25, 2.75, 1.25, -0.5,
          0.75, 3.0, -1.5, 0.625, -0.25, 2.75, 1.25,
        ],
      );
      assertClose(
        r.grad,
        [
          0.6, 0.3, 0.5, 0.7, 0.0, 0.0, 0.0, 0.0, 0.7, 1.1, 1.0, 0.9, 0.5, 0.7, 0.4, 0.6, 0.0, 0.0, 0.0, 0.0,
          1.0, 0.9, 1.3, 0.7,
        ],
        TOL,
        'grad',
      );
    }
  });
  test('x.index_select(-1, [3, 3, 1, 0, 2])', () => {
    const r = run((x) => x.indexSelect(-1, [3, 3, 1, 0, 2]));
    assert.deepEqual(r.y.shape, [2, 3, 5]);
    assert.deepEqual(
      r.y.toArray(),
      [
        3.5, 3.5, -1.25, 0.5, 2.0, 2.25, 2.25, -0.75, 0.0, 1.5, 1.0, 1.0, 0.25, -2.0, 4.0, -1.5, -1.5, 0.75,
        -0.5, 3.0, 1.75, 1.75, 0.125, 2.5, -3.0, 1.25, 1.25, -0.25, 0.625, 2.75,
      ],
    );
    assertClose(r.grad, Array.from({ length: 6 }, () => [0.4, 0.7, 0.6, 0.8]).flat(), TOL, 'grad');
  });
});

describe('indexSelect shapes', () => {
  const a = arange(6).reshape(2, 3);
  test('a 0-D index tensor keeps the dim with size 1 (torch: index_select(1, tensor(2)) → shape (2, 1))', () => {
    const y = a.indexSelect(1, tensor(2));
    assert.deepEqual(y.shape, [2, 1]);
    assert.deepEqual(y.toArray(), [2, 5]);
  });
  test('an empty index gives a size-0 dim; a 0-D input takes one index 0 and stays 0-D', () => {
    assert.deepEqual(a.indexSelect(0, []).shape, [0, 3]);
    const s = tensor(5).indexSelect(0, [0]);
    assert.deepEqual(s.shape, []);
    assert.equal(s.item(), 5);
  });
});

describe('indexSelect errors name the dim, the index and the size', () => {
  const a = arange(6).reshape(2, 3);
  test('out of range, negative, not an integer', () => {
    assert.throws(
      () => a.indexSelect(1, [0, 3]),
      /indexSelect: index 3 \(index\[1\]\) is out of range for dimension 1 of size 3 \(valid: 0\.\.2\)/,
    );
    assert.throws(
      () => a.indexSelect(-2, Int32Array.of(-1)),
      /indexSelect: index -1 \(index\[0\]\) is out of range for dimension -2 of size 2 \(valid: 0\.\.1\)/,
    );
    assert.throws(
      () => a.indexSelect(0, tensor([1.5])),
      /indexSelect: index\[0\] is 1\.5; indices must be integers/,
    );
    assert.throws(
      () => a.indexSelect(2, [0]),
      /indexSelect: dimension 2 is out of range for a tensor of rank 2/,
    );
  });
  test('a 2-D index tensor, and several indices for a 0-D tensor', () => {
    assert.throws(
      () => a.indexSelect(1, tensor([[0]])),
      /index must be a 0-D or 1-D tensor, got shape \[1, 1\]/,
    );
    assert.throws(() => tensor(5).indexSelect(0, [0, 0]), /a 0-D tensor takes exactly 1 index, got 2/);
  });
});
