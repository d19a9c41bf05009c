/** nn.Linear (linear.json) and nn.MSELoss (mse.json) against PyTorch: outputs and gradients. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nn, tensor } from '../../src/index.js';
import { assertClose, F32, torchFixture } from '../support/fixtures.js';

describe('linear.json', () => {
  for (const c of torchFixture('linear').cases) {
    test(c.name, () => {
      const lin = new nn.Linear(c.config.in_features, c.config.out_features, { bias: c.config.bias });
      const sd: Record<string, { shape: number[]; data: number[] }> = { weight: c.params.weight };
      if (c.params.bias) sd.bias = c.params.bias;
      lin.loadStateDict(sd);
      const x = tensor(c.inputs.input.data, c.inputs.input.shape, { requiresGrad: true });
      const y = lin.forward(x);
      const e = c.float64;
      assert.deepEqual(y.shape, e.output.shape);
      assertClose(y.data, e.output.data, F32, 'output');
      const loss = y.mul(tensor(c.loss_weights.output.data, c.loss_weights.output.shape)).sum();
      assertClose([loss.item()], [e.loss], F32, 'loss');
      loss.backward();
      assertClose(x.grad!.data, e.grads.input.data, F32, 'grad input');
      assertClose(lin.weight.grad!.data, e.grads.weight.data, F32, 'grad weight');
      if (lin.bias) assertClose(lin.bias.grad!.data, e.grads.bias.data, F32, 'grad bias');
    });
  }
});

describe('mse.json', () => {
  for (const c of torchFixture('mse').cases) {
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      test(`${c.name} reduction=${reduction}`, () => {
        const x = tensor(c.inputs.input.data, c.shape, { requiresGrad: true });
        const y = tensor(c.inputs.target.data, c.shape, { requiresGrad: true });
        const out = new nn.MSELoss({ reduction }).forward(x, y);
        const e = c.float64[reduction];
        assertClose(out.data, e.output.data, F32, 'output');
        const loss = reduction === 'none' ? out.mul(tensor(c.loss_weights.none.data, c.shape)).sum() : out;
        loss.backward();
        assertClose(x.grad!.data, e.grad_input.data, F32, 'grad input');
        assertClose(y.grad!.data, e.grad_target.data, F32, 'grad target');
      });
    }
  }
  test('mismatched shapes are an error, not a broadcast', () => {
    const loss = new nn.MSELoss();
    assert.throws(
      () => loss.forward(tensor(new Float32Array(4), [4, 1]), tensor(new Float32Array(4), [4])),
      /input shape \[4, 1\] and target shape \[4\] differ/,
    );
  });
});
