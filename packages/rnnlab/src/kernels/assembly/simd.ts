/**
 * Multiply-add on f32x4 lanes, the one operation every GEMM kernel is built from.
 *
 * The same source is compiled twice (see asconfig.json): with relaxed SIMD enabled, `madd` is `f32x4.relaxed_madd`,
 * which V8 lowers to one fused multiply-add (vfmadd231ps) on CPUs with FMA3; without it, a multiply then an add.
 * The fused form halves the arithmetic instructions of the micro-kernels, which on x86 are bound by instruction
 * issue rather than by the floating-point units (4×8 kernel in L1 here: ~41 GFLOP/s with mul + add, ~52 fused).
 * Every kernel uses `madd` in the same k order, so results stay bitwise independent of which kernel computes a row.
 * (Small enough that the optimizer inlines it everywhere; the .wat files show no call to it.)
 */

/** a·b + c per lane (fused, rounded once, in the relaxed-SIMD build; rounded twice otherwise). */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
