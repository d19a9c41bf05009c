/**
 * Vectorized exp, sigmoid and tanh on f32x4 lanes, plus lane helpers for row tails.
 *
 * exp: Cody–Waite reduction x = n·ln2 + r, |r| <= ln2/2, degree-6 polynomial (Cephes expf), 2^n built in the
 * exponent bits; the argument is clamped to [-87, 88] so the result stays a finite normal float.
 * sigmoid(x) = 1 / (1 + exp(-x)). tanh(x) = expm1(2x) / (expm1(2x) + 2), expm1 from the same reduction with
 * e^r - 1 summed without cancellation. Relative error about 1e-7 (tests measure it); no NaN for finite x.
 * Polynomials use `madd` (fused in the relaxed-SIMD build).
 */
import { madd } from './simd';

const EXP_LO: f32 = -87.0;
const EXP_HI: f32 = 88.0;
const LOG2E: f32 = <f32>Math.LOG2E;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
/** 1.5·2²³: adding it rounds a float of magnitude < 2²² to an integer (round half to even). */
const ROUND_MAGIC: f32 = 12582912.0;

/**
 * n = round(y·log2 e) as a float and 2^n, both from one add of 1.5·2²³: the sum's low mantissa bits hold n + 2²²,
 * so shifting its bits left by 23 after adding the exponent bias gives the bits of 2^n (|n| < 2²²). Cheaper than
 * nearest + float-to-int conversion (which V8 expands into a NaN- and overflow-checking sequence).
 */
function reduce(y: v128): v128 {
  return madd(y, f32x4.splat(LOG2E), f32x4.splat(ROUND_MAGIC));
}

/** e^r - 1 - r for |r| <= ln2/2: r²·P(r), Cephes expf coefficients. */
function expm1Tail(r: v128): v128 {
  let p = f32x4.splat(1.98756915e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  return f32x4.mul(p, f32x4.mul(r, r));
}

/** e^x per lane. */
export function exp4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const t = reduce(x);
  const n = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  const r = madd(n, f32x4.splat(-LN2_LO), madd(n, f32x4.splat(-LN2_HI), x));
  const p = f32x4.add(f32x4.add(expm1Tail(r), r), f32x4.splat(1));
  return f32x4.mul(p, i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23));
}

/** 1 / (1 + e^-x) per lane. */
export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh(x) per lane: e/(e + 2) with e = expm1(2x) (2x clamped to [-20, 20], where tanh is ±1 in f32). */
export function tanh4(x: v128): v128 {
  const y = f32x4.pmin(f32x4.pmax(f32x4.add(x, x), f32x4.splat(-20)), f32x4.splat(20));
  const t = reduce(y);
  const n = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  const r = madd(n, f32x4.splat(-LN2_LO), madd(n, f32x4.splat(-LN2_HI), y));
  // e^r - 1 = r + r²·P(r) without cancellation; expm1(y) = 2^n·(e^r - 1) + (2^n - 1).
  const pow2n = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  const e = madd(pow2n, f32x4.add(expm1Tail(r), r), f32x4.sub(pow2n, f32x4.splat(1)));
  return f32x4.div(e, f32x4.add(e, f32x4.splat(2)));
}

/** max(x, 0) per lane. */
export function relu4(x: v128): v128 {
  return f32x4.pmax(x, f32x4.splat(0));
}

/*
 * Elementwise loops are generic over a lane tag T: v128 for f32x4 chunks, f32 for single floats (row tails). The
 * tag is resolved at compile time, so each loop body is written once and compiled twice without branches.
 */

/** Floats per step of a T-tagged loop: 4 (v128) or 1 (f32). */
export function lanes<T>(): i32 {
  return isVector<T>() ? 4 : 1;
}

/** Loads 4 floats at p (v128), or one float splatted to all lanes (f32). */
export function ld<T>(p: usize): v128 {
  return isVector<T>() ? v128.load(p) : v128.load32_splat(p);
}

/** Stores 4 lanes at p (v128), or lane 0 only (f32). */
export function st<T>(p: usize, v: v128): void {
  if (isVector<T>()) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

function expRange<T>(x: usize, y: usize, n: i32): void {
  const step = <usize>(lanes<T>() << 2);
  const end = x + ((<usize>n) << 2);
  for (; x < end; x += step, y += step) st<T>(y, exp4(ld<T>(x)));
}

function sigmoidRange<T>(x: usize, y: usize, n: i32): void {
  const step = <usize>(lanes<T>() << 2);
  const end = x + ((<usize>n) << 2);
  for (; x < end; x += step, y += step) st<T>(y, sigmoid4(ld<T>(x)));
}

function tanhRange<T>(x: usize, y: usize, n: i32): void {
  const step = <usize>(lanes<T>() << 2);
  const end = x + ((<usize>n) << 2);
  for (; x < end; x += step, y += step) st<T>(y, tanh4(ld<T>(x)));
}

/** y[i] = e^x[i] for n floats (test hook). */
export function exp_f32(x: usize, y: usize, n: i32): void {
  const n4 = n & ~3;
  expRange<v128>(x, y, n4);
  expRange<f32>(x + ((<usize>n4) << 2), y + ((<usize>n4) << 2), n - n4);
}

/** y[i] = sigmoid(x[i]) for n floats (test hook). */
export function sigmoid_f32(x: usize, y: usize, n: i32): void {
  const n4 = n & ~3;
  sigmoidRange<v128>(x, y, n4);
  sigmoidRange<f32>(x + ((<usize>n4) << 2), y + ((<usize>n4) << 2), n - n4);
}

/** y[i] = tanh(x[i]) for n floats (test hook). */
export function tanh_f32(x: usize, y: usize, n: i32): void {
  const n4 = n & ~3;
  tanhRange<v128>(x, y, n4);
  tanhRange<f32>(x + ((<usize>n4) << 2), y + ((<usize>n4) << 2), n - n4);
}
