/**
 * Optimizer steps over flat f32 buffers in wasm memory, one SIMD pass each, PyTorch 1.13 semantics.
 */
import { kernels } from './wasm.js';

export interface AdamStepOptions {
  param: number;
  grad: number;
  expAvg: number;
  expAvgSq: number;
  /** 0 unless amsgrad. */
  maxExpAvgSq: number;
  n: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** t, starting at 1. */
  step: number;
}

/**
 * g = grad + weightDecay·p; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; v̂ = amsgrad ? max(v̂, v) : v;
 * p -= (lr / (1 - β1^t)) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps). Updates param, expAvg, expAvgSq (maxExpAvgSq).
 */
export function adamStep(o: AdamStepOptions): void {
  const stepSize = o.lr / (1 - o.beta1 ** o.step);
  const bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.step);
  kernels.adam_step(
    o.param,
    o.grad,
    o.expAvg,
    o.expAvgSq,
    o.maxExpAvgSq,
    o.n,
    stepSize,
    o.beta1,
    1 - o.beta1,
    o.beta2,
    1 - o.beta2,
    o.eps,
    o.weightDecay,
    bc2Sqrt,
  );
}

export interface SgdStepOptions {
  param: number;
  grad: number;
  /** 0 if momentum = 0. */
  momentumBuf: number;
  n: number;
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** True on the first step with momentum: the buffer starts as the gradient. */
  firstStep: boolean;
}

/** d = grad + weightDecay·p; buf = first ? d : μ·buf + (1-dampening)·d; d = nesterov ? d + μ·buf : buf; p -= lr·d. */
export function sgdStep(o: SgdStepOptions): void {
  const buf = o.momentum !== 0 ? o.momentumBuf : 0;
  if (o.momentum !== 0 && buf === 0) throw new Error('rnnlab: sgdStep with momentum needs a momentumBuf');
  kernels.sgd_step(
    o.param,
    o.grad,
    buf,
    o.n,
    o.lr,
    o.momentum,
    1 - o.dampening,
    o.weightDecay,
    o.nesterov,
    o.firstStep,
  );
}
