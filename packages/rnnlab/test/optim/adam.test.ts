/** optim.Adam against adam.json (every case, every step, final state) and SGD against hand-computed steps. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { optim, type Tensor, tensor } from '../../src/index.js';
import { assertClose, F32, torchFixture } from '../support/fixtures.js';

describe('adam.json', () => {
  for (const c of torchFixture('adam').cases) {
    test(c.name, () => {
      const h = c.hyperparameters;
      const params: Record<string, Tensor> = {};
      for (const n of c.param_names) {
        params[n] = tensor(c.params_initial[n].data, c.params_initial[n].shape, { requiresGrad: true });
      }
      const opt = new optim.Adam(Object.values(params), {
        lr: h.lr,
        betas: h.betas,
        eps: h.eps,
        weightDecay: h.weight_decay,
        amsgrad: h.amsgrad,
      });
      for (let s = 0; s < c.steps; s++) {
        for (const n of c.param_names) {
          const g = c.grads_per_step[s][n];
          params[n].grad = tensor(g.data, g.shape);
        }
        opt.step();
        for (const n of c.param_names) {
          assertClose(
            params[n].data,
            c.float64.params_after_step[s][n].data,
            F32,
            `${n} after step ${s + 1}`,
          );
        }
      }
      for (const n of c.param_names) {
        const st = opt.stateOf(params[n])!;
        const e = c.float64.state_after_last_step[n];
        assert.equal(st.step, e.step);
        assertClose(st.expAvg, e.exp_avg.data, F32, `${n} exp_avg`);
        assertClose(st.expAvgSq, e.exp_avg_sq.data, F32, `${n} exp_avg_sq`);
        if (h.amsgrad) assertClose(st.maxExpAvgSq!, e.max_exp_avg_sq.data, F32, `${n} max_exp_avg_sq`);
      }
    });
  }
});

describe('SGD', () => {
  test('momentum 0.9, dampening 0, weight decay 0.1: two steps by hand', () => {
    const p = tensor([1, -2], [2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.5, momentum: 0.9, weightDecay: 0.1 });
    // step 1: g = [0.2, 0.4] + 0.1·[1, −2] = [0.3, 0.2]; buf = g; p = [1 − 0.15, −2 − 0.1] = [0.85, −2.1]
    p.grad = tensor([0.2, 0.4], [2]);
    opt.step();
    assertClose(p.data, [0.85, -2.1], F32, 'after step 1');
    // step 2: g = [0.2, 0.4] + 0.1·[0.85, −2.1] = [0.285, 0.19]; buf = 0.9·[0.3, 0.2] + g = [0.555, 0.37]
    // p = [0.85 − 0.2775, −2.1 − 0.185] = [0.5725, −2.285]
    opt.step();
    assertClose(p.data, [0.5725, -2.285], F32, 'after step 2');
  });
  test('nesterov: p ← p − lr·(g + μ·buf)', () => {
    const p = tensor([1], [1], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.5, nesterov: true });
    p.grad = tensor([2], [1]);
    opt.step(); // buf = 2; step = 2 + 0.5·2 = 3; p = 1 − 0.3 = 0.7
    assertClose(p.data, [0.7], F32, 'after step 1');
  });
  test('a parameter that is not a grad-requiring leaf is rejected with a message', () => {
    assert.throws(
      () => new optim.SGD([tensor([1, 2], [2])], { lr: 0.1 }),
      /parameter 0 \(shape \[2\]\) must be a leaf/,
    );
  });
});

test("PyTorch's positional learning rate: Adam(params, lr) and SGD(params, lr)", async () => {
  const { optim } = await import('../../src/index.js');
  const { Parameter } = await import('../../src/nn/parameter.js');
  const { zeros } = await import('../../src/tensor/creation.js');
  const p = new Parameter(zeros([2]));
  assert.equal(new optim.Adam([p], 0.1).lr, 0.1);
  assert.equal(new optim.SGD([p], 0.5).lr, 0.5);
  assert.throws(
    () => new optim.Adam([p], 'fast' as unknown as number),
    /expected \(params, lr\) or \(params, \{ lr/,
  );
});
