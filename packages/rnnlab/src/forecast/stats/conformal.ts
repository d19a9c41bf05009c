/**
 * Split-conformal prediction intervals (Vovk et al. 2005; Lei et al. 2018), generic over the nonconformity
 * score. Calibrate on held-out scores s_1..s_n (e.g. s_i = |y_i − ŷ_i| / p_i, p_i the last known close), then the
 * interval for a new point is {y : s(y) ≤ q̂} (for that score: ŷ ± q̂·p). If the calibration and new scores are
 * exchangeable, the new point falls inside with probability ≥ level (and < level + 1/(n + 1) for untied scores).
 * Plain numbers only.
 */

/**
 * q̂ = the k-th smallest of `scores`, k = ⌈(n + 1)·level⌉ (the finite-sample-corrected `level` quantile).
 * Returns Infinity when k > n (too few scores for that level: the interval is unbounded). k is computed with a
 * tolerance of 1e-9 so that e.g. (99 + 1)·0.07 = 7.000000000000001 gives rank 7, not 8.
 * Scores may be ±Infinity (sorted as such); a NaN score (a diverged forecaster) makes the result NaN.
 * Throws when `scores` is empty or `level` is not strictly between 0 and 1.
 */
export function conformalQuantile(scores: ArrayLike<number>, level: number): number {
  const n = scores.length;
  if (!(level > 0 && level < 1)) {
    throw new Error(
      `conformalQuantile: level must lie strictly between 0 and 1 (e.g. 0.8 or 0.95), got ${level}`,
    );
  }
  if (n === 0) {
    throw new Error('conformalQuantile: scores is empty; pass the calibration (validation) scores');
  }
  const sorted = Float64Array.from(scores).sort();
  if (Number.isNaN(sorted[n - 1]!)) return Number.NaN; // typed-array sort puts NaN last
  const rank = Math.ceil((n + 1) * level - 1e-9);
  return rank > n ? Number.POSITIVE_INFINITY : sorted[rank - 1]!;
}

/**
 * Empirical coverage: the share of i with lower_i ≤ actual_i ≤ upper_i (bounds may be ±Infinity).
 * NaN if any value is NaN (a diverged forecaster). Throws when the lengths differ or are 0.
 */
export function intervalCoverage(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  const n = actual.length;
  if (lower.length !== n || upper.length !== n) {
    throw new Error(
      `intervalCoverage: actual has ${n} values, lower ${lower.length}, upper ${upper.length}; ` +
        'pass one interval per actual value',
    );
  }
  if (n === 0)
    throw new Error('intervalCoverage: no values; pass at least one actual value and its interval');
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i]!;
    const lo = lower[i]!;
    const hi = upper[i]!;
    if (Number.isNaN(y) || Number.isNaN(lo) || Number.isNaN(hi)) return Number.NaN;
    if (lo <= y && y <= hi) inside++;
  }
  return inside / n;
}
