/**
 * Readable reference of ../optim.ts: the same updates as plain loops over float32 views (scalars in double,
 * stored back to float32), written from PyTorch 1.13's single-tensor Adam and SGD.
 */
import { f32view } from '../memory.js';
import type { AdamStepOptions, SgdStepOptions } from '../optim.js';

export function adamStep(o: AdamStepOptions): void {
  const p = f32view(o.param, o.n);
  const grad = f32view(o.grad, o.n);
  const m = f32view(o.expAvg, o.n);
  const v = f32view(o.expAvgSq, o.n);
  const vmax = o.maxExpAvgSq ? f32view(o.maxExpAvgSq, o.n) : null;
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  for (let i = 0; i < o.n; i++) {
    const g = grad[i] + o.weightDecay * p[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
    let vhat = v[i];
    if (vmax) vhat = vmax[i] = Math.max(vmax[i], v[i]);
    p[i] -= (o.lr / bc1) * (m[i] / (Math.sqrt(vhat) / Math.sqrt(bc2) + o.eps));
  }
}

export function sgdStep(o: SgdStepOptions): void {
  const p = f32view(o.param, o.n);
  const grad = f32view(o.grad, o.n);
  const buf = o.momentum !== 0 ? f32view(o.momentumBuf, o.n) : null;
  for (let i = 0; i < o.n; i++) {
    let d = grad[i] + o.weightDecay * p[i];
    if (buf) {
      buf[i] = o.firstStep ? d : o.momentum * buf[i] + (1 - o.dampening) * d;
      d = o.nesterov ? d + o.momentum * buf[i] : buf[i];
    }
    p[i] -= o.lr * d;
  }
}
