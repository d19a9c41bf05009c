/**
 * The machine-readable outcome of a comparison: what `rnnlab compare` writes to `results.json`, what the report
 * renders and what the test suite checks. Plain data only (numbers, strings, arrays), so it crosses threads,
 * files and processes unchanged.
 *
 * Rows. For every trained model there are two rows: kind 'model' summarises its runs over the seeds (each metric
 * as mean ± sd with min, max and the per-seed values) and kind 'ensemble' scores the seed ensemble, the mean of
 * the seeds' forecasts. Baselines (kind 'baseline') are deterministic: their spreads have sd 0. Ranks, tests,
 * intervals and the verdict use the ensemble and baseline rows.
 *
 * Tests. `dm` compares a row with the naive forecast by the Diebold–Mariano test with the Harvey–Leybourne–Newbold
 * correction (two-sided, Student t with n − 1 df) on absolute ('abs') and squared ('sq') errors; `pHolm` is
 * Holm-adjusted across all ensemble and baseline rows compared with naive, for that loss and step.
 *
 * Intervals. Split-conformal: for each row and step k the score |y − ŷ| / p (p = last known close) is computed on
 * the validation windows; the interval at level L is ŷ ± q_L · p with q_L the ⌈(n + 1)·L⌉-th smallest score.
 */

/** A metric over seeds: mean, sample standard deviation (0 for one seed), extremes and the values per seed. */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** One value per seed, in the order of `CompareResults.seeds` (one value for ensembles and baselines). */
  perSeed: number[];
}

/** One Diebold–Mariano (HLN) test against the naive forecast. */
export interface DmTest {
  /** HLN-corrected statistic; negative: this row has the lower loss. */
  statistic: number;
  /** Two-sided p-value. */
  p: number;
  /** Holm-adjusted p-value across the rows compared with naive. */
  pHolm: number;
}

export interface DmPair {
  abs: DmTest;
  sq: DmTest;
}

/** Interval levels reported everywhere, as keys of `coverage` and `halfWidth`. */
export const INTERVAL_LEVELS = ['80', '95'] as const;
export type IntervalLevel = (typeof INTERVAL_LEVELS)[number];

/** What a forecaster's predicted direction (forecast vs last known close) does over the test period. */
export type DirectionPattern = 'varies' | 'always-up' | 'always-down' | 'no-change';

export interface ResultRow {
  /** Short name: a model kind ('lstm') or a baseline ('naive', 'drift', 'mean_return', 'ar'). */
  name: string;
  /** Human label ('LSTM', 'LSTM ensemble (3 seeds)', 'Naive (last value)'). */
  label: string;
  kind: 'model' | 'ensemble' | 'baseline';
  /** Rank by step-1 test MAE among ensemble and baseline rows (1 = lowest); a 'model' row carries its ensemble's. */
  rank: number;
  /** Step-1 test metrics in price units (MAPE in percent, MASE unitless). */
  mae: Spread;
  rmse: Spread;
  mape: Spread;
  mase: Spread;
  /** Mean of forecast − actual. */
  bias: Spread;
  /** Share of test days whose direction of change was called right; null when the forecast never moves (naive). */
  directionalAccuracy: number | null;
  direction: DirectionPattern;
  /** Step 1 against naive; null for the naive row itself and for 'model' rows. */
  dm: DmPair | null;
  /** The same test at every step 1..H (length H; step 1 equals `dm`). */
  dmByStep: DmPair[] | null;
  /** Empirical coverage of the step-1 intervals on the test period; null for 'model' rows. */
  coverage: Record<IntervalLevel, number> | null;
  /** Coverage per step 1..H. */
  coverageByStep: Array<Record<IntervalLevel, number>> | null;
  /** Relative half-widths q_L per step 1..H (interval ŷ ± q_L·p). */
  halfWidth: Record<IntervalLevel, number[]> | null;
  /** 'model' rows: the model's rank among the trained models in each seed (by that seed's MAE). */
  seedRanks?: number[];
}

export type VerdictAnswer = 'yes' | 'no' | 'unknown';
export type VerdictStatus = 'beats' | 'not-significant' | 'worse' | 'no-naive' | 'no-models';

export interface VerdictResult {
  answer: VerdictAnswer;
  status: VerdictStatus;
  /** The model ensemble with the lowest test MAE (null when no model has a finite MAE). */
  best: string | null;
  /** The lowest-MAE row of all, baselines included. */
  bestOverall: string | null;
  /** Rows (ensembles and baselines) that beat naive significantly in MAE. */
  beatsNaive: string[];
  /** Rows that are significantly worse than naive in MAE. */
  worseThanNaive: string[];
  /** Significance level of the rule. */
  alpha: number;
  /** The headline, e.g. "No — not significantly better." */
  headline: string;
  /** The full verdict in one paragraph. */
  text: string;
  /** The rule in words. */
  rule: string;
}

export interface CompareResults {
  /** rnnlab's results.json format. */
  format: 'rnnlab-results/v1';
  verdict: VerdictResult;
  /** The scored test targets (step 1): first and last date, count. */
  testPeriod: { from: string; to: string; n: number };
  /** Validation targets used to calibrate the intervals (step 1). */
  calibrationPeriod: { from: string; to: string; n: number };
  horizon: number;
  seeds: number[];
  /** Unit of prices and errors ('index points' for the shipped Dow Jones file, 'price' otherwise). */
  unit: string;
  target: string;
  /** Share of test days whose close rose (the base rate for directional accuracy). */
  upShare: number;
  /** With a price-level target: test targets outside the training range. Null for return targets. */
  extrapolation: { trainMin: number; trainMax: number; above: number; below: number; share: number } | null;
  /** How stable the best model is across seeds. */
  rankStability: { model: string | null; timesBest: number; seeds: number; text: string };
  rows: ResultRow[];
}
