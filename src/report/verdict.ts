import { fmtNumber } from './format.js';
import type { MetricRow } from './types.js';

export interface RankedMetric extends MetricRow {
  /** 1 = lowest test MAE. Rows with a non-finite MAE come last. */
  rank: number;
}

/** Sorts by test MAE ascending (ties by RMSE, then input order); non-finite MAE last. */
export function rankMetrics(metrics: readonly MetricRow[]): RankedMetric[] {
  const key = (v: number) => (Number.isFinite(v) ? v : Number.POSITIVE_INFINITY);
  return metrics
    .map((row, index) => ({ row, index }))
    .sort((a, b) => key(a.row.mae) - key(b.row.mae) || key(a.row.rmse) - key(b.row.rmse) || a.index - b.index)
    .map(({ row }, i) => ({ ...row, rank: i + 1 }));
}

/** The naive last-value baseline row, if present. */
export function findNaive(metrics: readonly MetricRow[]): MetricRow | undefined {
  return metrics.find((m) => m.kind === 'baseline' && m.model.toLowerCase() === 'naive');
}

export type VerdictStatus = 'beats' | 'does-not-beat' | 'no-naive' | 'no-models';

export interface Verdict {
  status: VerdictStatus;
  /** The trained model with the lowest test MAE. */
  best?: MetricRow;
  naive?: MetricRow;
  /** (best MAE − naive MAE) / naive MAE × 100: negative means the model's error is lower. */
  pctDiff?: number;
  /** Trained models whose test MAE is strictly below naive's. */
  winners: MetricRow[];
  /** Number of trained models with a finite MAE. */
  modelCount: number;
  /** Lowest-MAE row of all, baselines included. */
  bestOverall?: MetricRow;
  /** "Yes." / "No." / "Unknown." */
  answer: string;
  /** The one-line verdict (plain text). */
  text: string;
}

/** Margins below this percentage are called "essentially a tie" in the verdict. */
export const TIE_MARGIN_PCT = 1;

/**
 * Answers "Does any model beat the naive forecast?" by test MAE. The one source of the verdict wording, used by the
 * terminal one-liner and the HTML page.
 */
export function computeVerdict(metrics: readonly MetricRow[], opts: { unit?: string } = {}): Verdict {
  const unit = opts.unit ? ` ${opts.unit}` : '';
  const ranked = rankMetrics(metrics);
  const models = ranked.filter((m) => m.kind === 'model' && Number.isFinite(m.mae));
  const bestOverall = ranked.find((m) => Number.isFinite(m.mae));
  const naiveRow = findNaive(metrics);
  const naive = naiveRow && Number.isFinite(naiveRow.mae) ? naiveRow : undefined;
  const best = models[0];
  if (!best) {
    return {
      status: 'no-models',
      naive,
      winners: [],
      modelCount: 0,
      bestOverall,
      answer: 'Unknown.',
      text: metrics.some((m) => m.kind === 'model')
        ? 'No trained model has a finite test MAE (did training diverge?), so none can be compared with the naive forecast.'
        : 'The metrics contain no trained model, so there is nothing to compare with the naive forecast.',
    };
  }
  if (!naive) {
    return {
      status: 'no-naive',
      best,
      winners: [],
      modelCount: models.length,
      bestOverall,
      answer: 'Unknown.',
      text:
        `The metrics have no naive baseline, so whether any model beats persistence is unknown; ` +
        `the best model, ${best.label}, has test MAE ${fmtNumber(best.mae)}${unit}.`,
    };
  }
  const pctDiff =
    naive.mae === 0 ? (best.mae === 0 ? 0 : Infinity) : ((best.mae - naive.mae) / naive.mae) * 100;
  const winners = models.filter((m) => m.mae < naive.mae);
  const maes = `test MAE ${fmtNumber(best.mae)} vs naive ${fmtNumber(naive.mae)}${unit}`;
  const pct = Number.isFinite(pctDiff) ? `${fmtNumber(Math.abs(pctDiff), 1)}%` : 'infinitely';
  if (winners.length > 0) {
    const others =
      winners.length > 1
        ? ` ${winners.length} of ${models.length} models beat naive.`
        : ' It is the only one.';
    const tie =
      Math.abs(pctDiff) < TIE_MARGIN_PCT ? ` The margin is under ${TIE_MARGIN_PCT}%: essentially a tie.` : '';
    return {
      status: 'beats',
      best,
      naive,
      pctDiff,
      winners,
      modelCount: models.length,
      bestOverall,
      answer: 'Yes.',
      text: `Yes: ${best.label} beats the naive forecast, ${maes} (${pct} lower).${others}${tie}`,
    };
  }
  const how = pctDiff === 0 ? 'the same' : `${pct} higher`;
  return {
    status: 'does-not-beat',
    best,
    naive,
    pctDiff,
    winners,
    modelCount: models.length,
    bestOverall,
    answer: 'No.',
    text:
      `No: no model beats the naive last-value forecast. ` +
      `The best model, ${best.label}, has ${maes} (${how}).`,
  };
}
