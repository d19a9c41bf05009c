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
  // 0 - x rather than neg (one instruction in V8 instead of three); the sign of a zero does not reach the result.
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.sub(f32x4.splat(0), x))));
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

/*
 * The activation of a range is a type tag, resolved at compile time like the lane tag: each instantiation computes
 * one activation, with no branch in its loop.
 */
type Exp = u8;
type Sigmoid = u16;
type Tanh = u32;

function apply<K>(v: v128): v128 {
  if (sizeof<K>() === 1) return exp4(v);
  if (sizeof<K>() === 2) return sigmoid4(v);
  return tanh4(v);
}

/** y[i] = act(x[i] (+ b[i])) over n floats, one T lane group at a time. */
function actRange<K, T>(biased: bool, x: usize, b: usize, y: usize, n: i32): void {
  const step = <usize>(lanes<T>() << 2);
  const end = x + ((<usize>n) << 2);
  for (; x < end; x += step, b += step, y += step) {
    const v = biased ? f32x4.add(ld<T>(x), ld<T>(b)) : ld<T>(x);
    st<T>(y, apply<K>(v));
  }
}

/**
 * actRange over n floats, n a multiple of 16, four vectors per iteration. An activation is a chain of about 20
 * dependent operations; four independent chains per iteration keep the floating-point pipes busy (~15% faster than
 * one vector at a time here), with the same arithmetic per element.
 */
function actRange16<K>(biased: bool, x: usize, b: usize, y: usize, n: i32): void {
  const end = x + ((<usize>n) << 2);
  for (; x < end; x += 64, b += 64, y += 64) {
    let v0 = v128.load(x);
    let v1 = v128.load(x, 16);
    let v2 = v128.load(x, 32);
    let v3 = v128.load(x, 48);
    if (biased) {
      v0 = f32x4.add(v0, v128.load(b));
      v1 = f32x4.add(v1, v128.load(b, 16));
      v2 = f32x4.add(v2, v128.load(b, 32));
      v3 = f32x4.add(v3, v128.load(b, 48));
    }
    v0 = apply<K>(v0);
    v1 = apply<K>(v1);
    v2 = apply<K>(v2);
    v3 = apply<K>(v3);
    v128.store(y, v0);
    v128.store(y, v1, 16);
    v128.store(y, v2, 32);
    v128.store(y, v3, 48);
  }
}

/**
 * Y[r][i] = act(X[r][i] (+ b[i])) for R rows of n floats (row strides ldx, ldy floats; b shared by the rows): four
 * vectors at a time, then single vectors, then the last 1–3 floats. One call for all rows, so the polynomial
 * constants are set up once.
 */
function actRows<K>(biased: bool, R: i32, n: i32, x: usize, ldx: i32, b: usize, y: usize, ldy: i32): void {
  const n16 = n & ~15;
  const n4 = n & ~3;
  const o16 = (<usize>n16) << 2;
  const o4 = (<usize>n4) << 2;
  const ldxB = (<usize>ldx) << 2;
  const ldyB = (<usize>ldy) << 2;
  for (let r = 0; r < R; r++, x += ldxB, y += ldyB) {
    actRange16<K>(biased, x, b, y, n16);
    actRange<K, v128>(biased, x + o16, b + o16, y + o16, n4 - n16);
    actRange<K, f32>(biased, x + o4, b + o4, y + o4, n - n4);
  }
}

/** Y[r][i] = sigmoid(X[r][i] + b[i]) for R rows of n floats (b = 0: no bias); Y may be X. */
export function sigmoid_rows(R: i32, n: i32, x: usize, ldx: i32, b: usize, y: usize, ldy: i32): void {
  actRows<Sigmoid>(b !== 0, R, n, x, ldx, b, y, ldy);
}

/** Y[r][i] = tanh(X[r][i] + b[i]) for R rows of n floats (b = 0: no bias); Y may be X. */
export function tanh_rows(R: i32, n: i32, x: usize, ldx: i32, b: usize, y: usize, ldy: i32): void {
  actRows<Tanh>(b !== 0, R, n, x, ldx, b, y, ldy);
}

/** y[i] = e^x[i] for n floats (test hook). */
export function exp_f32(x: usize, y: usize, n: i32): void {
  actRows<Exp>(false, 1, n, x, n, 0, y, n);
}

/** y[i] = sigmoid(x[i]) for n floats (test hook). */
export function sigmoid_f32(x: usize, y: usize, n: i32): void {
  actRows<Sigmoid>(false, 1, n, x, n, 0, y, n);
}

/** y[i] = tanh(x[i]) for n floats (test hook). */
export function tanh_f32(x: usize, y: usize, n: i32): void {
  actRows<Tanh>(false, 1, n, x, n, 0, y, n);
}
