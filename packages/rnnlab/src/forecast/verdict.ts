/**
 * The verdict: does any trained model beat the naive last-value forecast? Decided from the ensemble and baseline
 * rows of a comparison by a significance rule, never by a raw difference in MAE.
 */
import type { ResultRow, VerdictResult } from './results.js';

/** Significance level of the verdict rule. */
export const VERDICT_ALPHA = 0.05;

/** The rule in words (shown in the report and `--help`). */
export function verdictRule(alpha = VERDICT_ALPHA): string {
  return (
    'Each model is judged by its seed ensemble (the mean of its forecasts over all seeds). "Yes" only when a ' +
    "model ensemble's one-step test MAE is below the naive last-value forecast's and the Diebold–Mariano test " +
    '(Harvey–Leybourne–Newbold correction, absolute errors, two-sided) gives a Holm-adjusted p-value below ' +
    `${alpha}, the adjustment running over every model and baseline compared with naive. "No — worse" when the ` +
    'best model is significantly worse than naive by the same test; "No — not significantly better" otherwise, ' +
    'whichever side of naive its MAE falls on.'
  );
}

const pct = (a: number, b: number): string => {
  if (!(b > 0)) return '';
  const d = ((a - b) / b) * 100;
  if (d === 0) return 'the same as naive';
  return `${Math.abs(d) < 0.05 ? '<0.1' : Math.abs(d).toFixed(1)}% ${d < 0 ? 'lower' : 'higher'}`;
};
const num = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
/** "p (Holm) = 0.013", "p (Holm) < 0.001". */
const pText = (p: number): string =>
  Number.isFinite(p) ? (p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`) : '= n/a';

function significant(r: ResultRow, alpha: number, side: 'better' | 'worse'): boolean {
  const t = r.dm?.abs;
  if (!t || !(t.pHolm < alpha)) return false;
  return side === 'better' ? t.statistic < 0 : t.statistic > 0;
}

/** Labels joined as "A, B and C". */
function list(rows: readonly ResultRow[]): string {
  const l = rows.map((r) => r.label);
  return l.length <= 1 ? (l[0] ?? '') : `${l.slice(0, -1).join(', ')} and ${l[l.length - 1]}`;
}

/**
 * Applies the rule to the ensemble and baseline rows (other rows are ignored). `unit` names the price unit in
 * the text.
 */
export function decideVerdict(
  rows: readonly ResultRow[],
  opts: { unit: string; alpha?: number },
): VerdictResult {
  const alpha = opts.alpha ?? VERDICT_ALPHA;
  const rule = verdictRule(alpha);
  const scored = rows
    .filter((r) => r.kind !== 'model' && Number.isFinite(r.mae.mean))
    .sort((a, b) => a.mae.mean - b.mae.mean);
  const models = scored.filter((r) => r.kind === 'ensemble');
  const naive = rows.find((r) => r.kind === 'baseline' && r.name === 'naive');
  const bestOverall = scored[0] ?? null;
  const best = models[0] ?? null;
  const base = {
    best: best?.name ?? null,
    bestOverall: bestOverall?.name ?? null,
    alpha,
    rule,
  };
  if (!best) {
    const text = rows.some((r) => r.kind === 'ensemble')
      ? 'No trained model has a finite test MAE (did training diverge?), so none can be compared with the naive forecast.'
      : 'The comparison contains no trained model, so there is nothing to compare with the naive forecast.';
    return {
      ...base,
      answer: 'unknown',
      status: 'no-models',
      beatsNaive: [],
      worseThanNaive: [],
      headline: 'Unknown.',
      text,
    };
  }
  if (!naive || !Number.isFinite(naive.mae.mean)) {
    return {
      ...base,
      answer: 'unknown',
      status: 'no-naive',
      beatsNaive: [],
      worseThanNaive: [],
      headline: 'Unknown.',
      text: `There is no naive baseline to compare with; the best model, ${best.label}, has test MAE ${num(best.mae.mean)}${opts.unit === 'price' ? '' : ` ${opts.unit}`}.`,
    };
  }
  const better = scored.filter((r) => r.name !== 'naive' && significant(r, alpha, 'better'));
  const worse = scored.filter((r) => r.name !== 'naive' && significant(r, alpha, 'worse'));
  const betterModels = better.filter((r) => r.kind === 'ensemble');
  const betterBaselines = better.filter((r) => r.kind === 'baseline');
  const unit = opts.unit === 'price' ? '' : ` ${opts.unit}`;
  const describe = (r: ResultRow) =>
    `test MAE ${num(r.mae.mean)} vs naive ${num(naive.mae.mean)}${unit} (${pct(r.mae.mean, naive.mae.mean)}), ` +
    `DM p (Holm) ${pText(r.dm?.abs.pHolm ?? Number.NaN)}`;
  const overall =
    bestOverall && bestOverall !== best
      ? ` Lowest test MAE of all: ${bestOverall.label} (${num(bestOverall.mae.mean)}).`
      : '';
  const baselineNote = (also: boolean) =>
    betterBaselines.length > 0
      ? ` Baselines that ${also ? 'also ' : ''}beat naive significantly: ${list(betterBaselines)}.`
      : ' No baseline beats naive significantly.';
  const result = (
    status: VerdictResult['status'],
    answer: VerdictResult['answer'],
    headline: string,
    text: string,
  ): VerdictResult => ({
    ...base,
    status,
    answer,
    headline,
    text,
    beatsNaive: better.map((r) => r.name),
    worseThanNaive: worse.map((r) => r.name),
  });

  if (betterModels.length > 0) {
    const w = betterModels[0]!;
    const others = betterModels.slice(1);
    const also =
      others.length > 0
        ? ` ${list(others)} also beat${others.length === 1 ? 's' : ''} naive significantly.`
        : '';
    const lowerButNot =
      w !== best
        ? ` ${best.label} has a lower MAE still, but its difference from naive is not significant.`
        : '';
    return result(
      'beats',
      'yes',
      'Yes.',
      `${w.label} beats the naive forecast: ${describe(w)}.${also}${lowerButNot}${baselineNote(true)}${overall}`,
    );
  }
  if (significant(best, alpha, 'worse')) {
    return result(
      'worse',
      'no',
      'No — worse.',
      `Every model is worse than the naive forecast; even the best, ${best.label}, is significantly worse: ${describe(best)}.${baselineNote(false)}${overall}`,
    );
  }
  return result(
    'not-significant',
    'no',
    'No — not significantly better.',
    `No model beats the naive forecast significantly. The best, ${best.label}, has ${describe(best)}: ` +
      `a difference within noise, in either direction.${baselineNote(false)}${overall}`,
  );
}
