/**
 * Optimizer steps as one f32x4 pass over a flat parameter buffer (n floats), PyTorch 1.13 semantics.
 * Scalars that PyTorch computes in double (bias corrections, 1 - beta, ...) arrive precomputed.
 */
import { ld, st } from './activations';

/**
 * Adam chunk: g = grad + wd·p; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; v̂ = amsgrad ? (vmax = max(vmax, v)) : v;
 * p -= stepSize · m / (sqrt(v̂) / bc2Sqrt + eps), stepSize = lr / (1 - β1^t), bc2Sqrt = sqrt(1 - β2^t).
 */
function adamChunk(
  p: usize,
  gr: usize,
  m: usize,
  v: usize,
  vmax: usize,
  stepSize: f32,
  b1: f32,
  omb1: f32,
  b2: f32,
  omb2: f32,
  eps: f32,
  wd: f32,
  bc2Sqrt: f32,
  s: bool,
): void {
  const pv = ld(p, s);
  let g = ld(gr, s);
  if (wd !== 0) g = f32x4.add(g, f32x4.mul(pv, f32x4.splat(wd)));
  const mv = f32x4.add(f32x4.mul(ld(m, s), f32x4.splat(b1)), f32x4.mul(g, f32x4.splat(omb1)));
  const vv = f32x4.add(f32x4.mul(ld(v, s), f32x4.splat(b2)), f32x4.mul(f32x4.mul(f32x4.splat(omb2), g), g));
  let vh = vv;
  if (vmax !== 0) {
    vh = f32x4.max(ld(vmax, s), vv);
    st(vmax, vh, s);
  }
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(vh), f32x4.splat(bc2Sqrt)), f32x4.splat(eps));
  st(m, mv, s);
  st(v, vv, s);
  st(p, f32x4.sub(pv, f32x4.mul(f32x4.splat(stepSize), f32x4.div(mv, denom))), s);
}

/** One Adam step over n floats; maxExpAvgSq = 0 unless amsgrad. */
export function adam_step(
  param: usize,
  grad: usize,
  expAvg: usize,
  expAvgSq: usize,
  maxExpAvgSq: usize,
  n: i32,
  stepSize: f32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  eps: f32,
  weightDecay: f32,
  bc2Sqrt: f32,
): void {
  let i = 0;
  for (; i < n; ) {
    const s = i + 4 > n;
    const o = (<usize>i) << 2;
    const vmax: usize = maxExpAvgSq === 0 ? 0 : maxExpAvgSq + o;
    adamChunk(
      param + o,
      grad + o,
      expAvg + o,
      expAvgSq + o,
      vmax,
      stepSize,
      beta1,
      oneMinusBeta1,
      beta2,
      oneMinusBeta2,
      eps,
      weightDecay,
      bc2Sqrt,
      s,
    );
    i += s ? 1 : 4;
  }
}

/**
 * SGD chunk: d = grad + wd·p; with momentum: buf = first ? d : μ·buf + (1-dampening)·d, d = nesterov ? d + μ·buf : buf;
 * p -= lr·d.
 */
function sgdChunk(
  p: usize,
  gr: usize,
  buf: usize,
  lr: f32,
  mu: f32,
  omDamp: f32,
  wd: f32,
  nesterov: bool,
  first: bool,
  s: bool,
): void {
  const pv = ld(p, s);
  let d = ld(gr, s);
  if (wd !== 0) d = f32x4.add(d, f32x4.mul(pv, f32x4.splat(wd)));
  if (buf !== 0) {
    const b = first
      ? d
      : f32x4.add(f32x4.mul(ld(buf, s), f32x4.splat(mu)), f32x4.mul(d, f32x4.splat(omDamp)));
    st(buf, b, s);
    d = nesterov ? f32x4.add(d, f32x4.mul(b, f32x4.splat(mu))) : b;
  }
  st(p, f32x4.sub(pv, f32x4.mul(d, f32x4.splat(lr))), s);
}

/** One SGD step over n floats; momentumBuf = 0 when momentum is 0. */
export function sgd_step(
  param: usize,
  grad: usize,
  momentumBuf: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  oneMinusDampening: f32,
  weightDecay: f32,
  nesterov: bool,
  firstStep: bool,
): void {
  let i = 0;
  for (; i < n; ) {
    const s = i + 4 > n;
    const o = (<usize>i) << 2;
    const buf: usize = momentumBuf === 0 ? 0 : momentumBuf + o;
    sgdChunk(param + o, grad + o, buf, lr, momentum, oneMinusDampening, weightDecay, nesterov, firstStep, s);
    i += s ? 1 : 4;
  }
}
