import { test } from 'node:test';
import * as wasm from '../../src/kernels/optim.js';
import * as reference from '../../src/kernels/reference/optim.js';
import { Arena, assertClose, fixture, read, write } from './util.js';

const fx = fixture('adam');
const impls = { wasm, reference };

for (const c of fx.cases) {
  for (const [implName, impl] of Object.entries(impls)) {
    test(`adam ${c.name} (${implName}): every step's params and the final state match PyTorch float64`, () => {
      const hp = c.hyperparameters;
      const arena = new Arena();
      try {
        const bufs = c.param_names.map((name: string) => {
          const n = c.params_initial[name].data.length;
          return {
            name,
            n,
            param: arena.put(c.params_initial[name].data),
            grad: arena.zeros(n),
            expAvg: arena.zeros(n),
            expAvgSq: arena.zeros(n),
            maxExpAvgSq: hp.amsgrad ? arena.zeros(n) : 0,
          };
        });
        c.grads_per_step.forEach((grads: Record<string, { data: number[] }>, s: number) => {
          for (const b of bufs) {
            write(b.grad, grads[b.name].data);
            impl.adamStep({
              param: b.param,
              grad: b.grad,
              expAvg: b.expAvg,
              expAvgSq: b.expAvgSq,
              maxExpAvgSq: b.maxExpAvgSq,
              n: b.n,
              lr: hp.lr,
              beta1: hp.betas[0],
              beta2: hp.betas[1],
              eps: hp.eps,
              weightDecay: hp.weight_decay,
              step: s + 1,
            });
            assertClose(
              read(b.param, b.n),
              c.float64.params_after_step[s][b.name].data,
              `${b.name} step ${s + 1}`,
            );
          }
        });
        for (const b of bufs) {
          const st = c.float64.state_after_last_step[b.name];
          assertClose(read(b.expAvg, b.n), st.exp_avg.data, `${b.name} exp_avg`);
          assertClose(read(b.expAvgSq, b.n), st.exp_avg_sq.data, `${b.name} exp_avg_sq`);
          if (hp.amsgrad)
            assertClose(read(b.maxExpAvgSq, b.n), st.max_exp_avg_sq.data, `${b.name} max_exp_avg_sq`);
        }
      } finally {
        arena.freeAll();
      }
    });
  }
}

/**
 * Hand-worked SGD, p = 1, grad = 0.1 on every step, lr 0.1, two steps (6 elements: one f32x4 chunk + 2 tail).
 * momentum 0.9, wd 0.01:  d1 = 0.11, buf1 = 0.11, p1 = 0.989;  d2 = 0.10989, buf2 = 0.9·0.11 + 0.10989 = 0.20889,
 *   p2 = 0.989 - 0.020889 = 0.968111.
 * ... nesterov: p1 = 1 - 0.1·(0.11 + 0.9·0.11) = 0.9791; d2 = 0.109791, buf2 = 0.208791,
 *   p2 = 0.9791 - 0.1·(0.109791 + 0.9·0.208791) = 0.94932971.
 * momentum 0.9, dampening 0.5, wd 0: buf1 = 0.1 (first step ignores dampening), p1 = 0.99;
 *   buf2 = 0.09 + 0.05 = 0.14, p2 = 0.976.
 * no momentum, wd 0.01: p1 = 1 - 0.1·0.11 = 0.989; p2 = 0.989 - 0.1·0.10989 = 0.978011.
 */
const sgdCases = [
  {
    name: 'momentum + weight decay',
    momentum: 0.9,
    dampening: 0,
    weightDecay: 0.01,
    nesterov: false,
    want: [0.989, 0.968111],
  },
  {
    name: 'nesterov',
    momentum: 0.9,
    dampening: 0,
    weightDecay: 0.01,
    nesterov: true,
    want: [0.9791, 0.94932971],
  },
  { name: 'dampening', momentum: 0.9, dampening: 0.5, weightDecay: 0, nesterov: false, want: [0.99, 0.976] },
  { name: 'plain', momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, want: [0.989, 0.978011] },
];

for (const sc of sgdCases) {
  for (const [implName, impl] of Object.entries(impls)) {
    test(`sgd ${sc.name} (${implName}): two steps match the hand-worked values`, () => {
      const n = 6;
      const arena = new Arena();
      try {
        const param = arena.put(new Array(n).fill(1));
        const grad = arena.put(new Array(n).fill(0.1));
        const momentumBuf = sc.momentum !== 0 ? arena.zeros(n) : 0;
        for (let s = 0; s < 2; s++) {
          impl.sgdStep({ param, grad, momentumBuf, n, lr: 0.1, ...sc, firstStep: s === 0 });
          assertClose(read(param, n), new Array(n).fill(sc.want[s]), `${sc.name} step ${s + 1}`, 1e-6, 1e-6);
        }
      } finally {
        arena.freeAll();
      }
    });
  }
}
