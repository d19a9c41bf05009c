/**
 * Optimizer steps as one f32x4 pass over a flat parameter buffer (n floats), PyTorch 1.13 semantics.
 * Scalars that PyTorch computes in double (bias corrections, 1 - beta, ...) arrive precomputed.
 */
import { lanes, ld, st } from './activations';

/**
 * Adam over n floats: g = grad + wd·p; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 * v̂ = amsgrad ? (vmax = max(vmax, v)) : v; p -= stepSize · m / (sqrt(v̂) / bc2Sqrt + eps),
 * stepSize = lr / (1 - β1^t), bc2Sqrt = sqrt(1 - β2^t).
 */
function adamRange<T>(
  n: i32,
  p: usize,
  gr: usize,
  m: usize,
  v: usize,
  vmax: usize,
  amsgrad: bool,
  stepSize: f32,
  b1: f32,
  omb1: f32,
  b2: f32,
  omb2: f32,
  eps: f32,
  wd: f32,
  bc2Sqrt: f32,
): void {
  const step = <usize>(lanes<T>() << 2);
  const end = p + ((<usize>n) << 2);
  for (; p < end; p += step, gr += step, m += step, v += step, vmax += step) {
    const pv = ld<T>(p);
    let g = ld<T>(gr);
    if (wd !== 0) g = f32x4.add(g, f32x4.mul(pv, f32x4.splat(wd)));
    const mv = f32x4.add(f32x4.mul(ld<T>(m), f32x4.splat(b1)), f32x4.mul(g, f32x4.splat(omb1)));
    const vv = f32x4.add(f32x4.mul(ld<T>(v), f32x4.splat(b2)), f32x4.mul(f32x4.mul(f32x4.splat(omb2), g), g));
    let vh = vv;
    if (amsgrad) {
      vh = f32x4.max(ld<T>(vmax), vv);
      st<T>(vmax, vh);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vh), f32x4.splat(bc2Sqrt)), f32x4.splat(eps));
    st<T>(m, mv);
    st<T>(v, vv);
    st<T>(p, f32x4.sub(pv, f32x4.mul(f32x4.splat(stepSize), f32x4.div(mv, denom))));
  }
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
  const n4 = n & ~3;
  const o = (<usize>n4) << 2;
  const ams = maxExpAvgSq !== 0;
  adamRange<v128>(
    n4,
    param,
    grad,
    expAvg,
    expAvgSq,
    maxExpAvgSq,
    ams,
    stepSize,
    beta1,
    oneMinusBeta1,
    beta2,
    oneMinusBeta2,
    eps,
    weightDecay,
    bc2Sqrt,
  );
  adamRange<f32>(
    n - n4,
    param + o,
    grad + o,
    expAvg + o,
    expAvgSq + o,
    maxExpAvgSq + o,
    ams,
    stepSize,
    beta1,
    oneMinusBeta1,
    beta2,
    oneMinusBeta2,
    eps,
    weightDecay,
    bc2Sqrt,
  );
}

/**
 * SGD over n floats: d = grad + wd·p; with momentum (buf != 0): buf = first ? d : μ·buf + (1-dampening)·d,
 * d = nesterov ? d + μ·buf : buf; p -= lr·d.
 */
function sgdRange<T>(
  n: i32,
  p: usize,
  gr: usize,
  buf: usize,
  hasBuf: bool,
  lr: f32,
  mu: f32,
  omDamp: f32,
  wd: f32,
  nesterov: bool,
  first: bool,
): void {
  const step = <usize>(lanes<T>() << 2);
  const end = p + ((<usize>n) << 2);
  for (; p < end; p += step, gr += step, buf += step) {
    const pv = ld<T>(p);
    let d = ld<T>(gr);
    if (wd !== 0) d = f32x4.add(d, f32x4.mul(pv, f32x4.splat(wd)));
    if (hasBuf) {
      const b = first
        ? d
        : f32x4.add(f32x4.mul(ld<T>(buf), f32x4.splat(mu)), f32x4.mul(d, f32x4.splat(omDamp)));
      st<T>(buf, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(b, f32x4.splat(mu))) : b;
    }
    st<T>(p, f32x4.sub(pv, f32x4.mul(d, f32x4.splat(lr))));
  }
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
  nesterov: boolean,
  firstStep: boolean,
): void {
  const n4 = n & ~3;
  const o = (<usize>n4) << 2;
  const hasBuf = momentumBuf !== 0;
  sgdRange<v128>(
    n4,
    param,
    grad,
    momentumBuf,
    hasBuf,
    lr,
    momentum,
    oneMinusDampening,
    weightDecay,
    nesterov,
    firstStep,
  );
  sgdRange<f32>(
    n - n4,
    param + o,
    grad + o,
    momentumBuf + o,
    hasBuf,
    lr,
    momentum,
    oneMinusDampening,
    weightDecay,
    nesterov,
    firstStep,
  );
}
