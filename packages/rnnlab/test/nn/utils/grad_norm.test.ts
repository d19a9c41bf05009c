/** gradSquaredNorm: wasm-held and JavaScript-held gradients, parameters without a gradient skipped. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradSquaredNorm } from '../../../src/nn/utils/grad_norm.js';
import { tensor } from '../../../src/tensor/creation.js';

test('gradSquaredNorm adds Σg² of every parameter that has a gradient, wherever the gradient is held', () => {
  const a = tensor([1, 2, 3, 4, 5], [5], { requiresGrad: true });
  const b = tensor([0, 0], [2], { requiresGrad: true });
  const c = tensor([7], [1], { requiresGrad: true });
  a.grad = tensor([0.5, -1, 2, 3, -0.25], [5], { requiresGrad: true }); // wasm-held
  c.grad = tensor([-3], [1]); // a JavaScript array
  assert.ok(a.grad.isWasm && !c.grad.isWasm);
  assert.equal(gradSquaredNorm([a, b, c]), 0.25 + 1 + 4 + 9 + 0.0625 + 9);
  assert.equal(gradSquaredNorm([b]), 0);
});
