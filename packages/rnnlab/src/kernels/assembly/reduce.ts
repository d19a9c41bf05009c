/**
 * Whole-buffer reductions the training loop runs once per step over every gradient: the squared L2 norm (for the
 * global gradient norm) and an elementwise sum (data parallelism adds each replica's gradient to the driving
 * thread's). One f32x4 pass each instead of a scalar JavaScript loop.
 */

/**
 * Σ x[i]² over n floats, in f64. Each square is exact in f64 (a float32 square has at most 48 significant bits),
 * so only the additions round. Order, fixed: four f64 partial sums s_j over the elements i ≡ j (mod 4) of the
 * first n − n mod 4, added as (s_0 + s_1) + (s_2 + s_3), then the last n mod 4 squares in order.
 */
export function sum_squares(x: usize, n: i32): f64 {
  let s01 = f64x2.splat(0);
  let s23 = s01;
  const end4 = x + ((<usize>(n & ~3)) << 2);
  for (; x < end4; x += 16) {
    const v = v128.load(x);
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    s01 = f64x2.add(s01, f64x2.mul(lo, lo));
    s23 = f64x2.add(s23, f64x2.mul(hi, hi));
  }
  let s =
    f64x2.extract_lane(s01, 0) +
    f64x2.extract_lane(s01, 1) +
    (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
  const end = end4 + ((<usize>(n & 3)) << 2);
  for (; x < end; x += 4) {
    const v = <f64>load<f32>(x);
    s += v * v;
  }
  return s;
}

/** dst[i] = dst[i] + src[i] over n floats (each sum rounded to float32, as a scalar float32 add would be). */
export function add_f32(dst: usize, src: usize, n: i32): void {
  const end4 = dst + ((<usize>(n & ~3)) << 2);
  for (; dst < end4; dst += 16, src += 16) v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
  const end = end4 + ((<usize>(n & 3)) << 2);
  for (; dst < end; dst += 4, src += 4) store<f32>(dst, load<f32>(dst) + load<f32>(src));
}
