/**
 * Holm–Bonferroni step-down adjustment of m p-values (Holm 1979), as R's p.adjust(p, "holm").
 *
 * With the finite p-values sorted ascending, p_(1) ≤ … ≤ p_(m):
 *   p̃_(i) = min(1, max_{j ≤ i} (m − j + 1)·p_(j)),
 * returned in input order. Rejecting every hypothesis with p̃ < α controls the family-wise error rate at α.
 * The result is monotone in p (a smaller p never gets a larger adjusted value) and never below the raw p.
 * NaN entries (a test that could not be computed) stay NaN and do not count in m. Throws on a value outside
 * [0, 1] or ±Infinity.
 */
export function holmAdjust(p: readonly number[]): number[] {
  const order: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (Number.isNaN(v)) continue;
    if (!(v >= 0 && v <= 1)) {
      throw new Error(
        `holmAdjust: p[${i}] = ${v} is not a probability; pass p-values in [0, 1] (NaN to skip one)`,
      );
    }
    order.push(i);
  }
  order.sort((i, j) => p[i]! - p[j]!);
  const m = order.length;
  const adjusted = new Array<number>(p.length).fill(Number.NaN);
  let runningMax = 0;
  for (let rank = 0; rank < m; rank++) {
    const i = order[rank]!;
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p[i]!));
    adjusted[i] = runningMax;
  }
  return adjusted;
}
