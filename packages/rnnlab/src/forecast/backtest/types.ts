/**
 * Rolling-origin backtests: the plan (units of work with stable ids), what one unit produces, and the pooled
 * results. Plain data throughout, so units can run in other processes or on other machines and be merged.
 *
 * A unit is one (series × fold × model × seed × grid cell); the baselines of a (series × fold × grid cell) are one
 * unit of their own (model 'baselines', seed -1). Unit ids are 0..U−1 in plan order; `--shard I/N` runs the units
 * with id mod N = I.
 */
import type { PriceSeries } from '../../data/series.js';
import type { ModelKind } from '../models.js';
import type { ScalerKind } from '../prepare.js';
import type { CompareResults } from '../results.js';

/** One series to backtest. */
export interface BacktestSeries {
  /** Short unique name (file stem or manifest name). */
  name: string;
  series: PriceSeries;
}

/** One cell of a hyperparameter grid (every field set; the defaults fill what `--grid` does not vary). */
export interface GridCell {
  hidden: number;
  layers: number;
  seqLen: number;
  lr: number;
  target: 'close' | 'log_return';
}

export interface BacktestConfig {
  /** Number of forecast origins per series (K ≥ 1). */
  folds: number;
  /** Days between consecutive origins; each fold scores the `step` origins up to the next fold's. */
  step: number;
  /** Days ahead forecast from every origin. */
  horizon: number;
  /** 'expanding': training starts at day 0; 'sliding': the last `trainDays` days before the validation block. */
  window: 'expanding' | 'sliding';
  /** 'every': scalers and models refit at every fold; 'once': fit at the first fold, reused after. */
  refit: 'every' | 'once';
  /** Validation days before each origin (early stopping, interval calibration). */
  valDays: number;
  /** Training days for 'sliding' windows. */
  trainDays?: number;
  models: ModelKind[];
  seeds: number[];
  grid: GridCell[];
  train: {
    epochs: number;
    batchSize: number;
    clip?: number;
    patience?: number;
    nonlinearity: 'tanh' | 'relu';
    dropout: number;
    /**
     * Threads per model unit (data parallelism; undefined = 1). Part of the plan, like every setting that changes
     * results: another thread count changes the last bits, so every shard of a backtest must use the same.
     */
    threads?: number;
  };
  scaler: ScalerKind;
}

/** A unit of work. */
export interface BacktestUnit {
  id: number;
  /** Stable, human-readable key, e.g. "dji/f2/c0/lstm/s1" or "dji/f2/c0/baselines". */
  key: string;
  series: string;
  fold: number;
  cell: number;
  model: ModelKind | 'baselines';
  /** The seed of the run (-1 for baselines). */
  seed: number;
  /** Relative cost estimate (model epochs × windows × size), for --plan and the ETA. */
  cost: number;
}

export interface BacktestPlan {
  format: 'rnnlab-backtest-plan/v1';
  /** Hash of the config, the series' identities (names, rows, dates, a checksum of the closes) and the units. */
  hash: string;
  config: BacktestConfig;
  series: Array<{ name: string; rows: number; firstDate: string; lastDate: string; checksum: string }>;
  units: BacktestUnit[];
}

/** What one unit produces: forecasts (N, H) in prices for the fold's scored origins, and their validation twins. */
export interface UnitResult {
  unit: BacktestUnit;
  /** The plan hash the unit was run under. */
  planHash: string;
  /** Hash of this result's content (checked when a shard resumes or parts are merged). */
  hash: string;
  /** Origin dates (last known day) of the scored forecasts, N of them, and their H target dates each. */
  origins: string[];
  /** Forecasts per forecaster name (the model kind, or each baseline name for a baselines unit): (N, H) row-major. */
  forecasts: Record<string, number[]>;
  /** Validation-window forecasts per forecaster (M, H), for the conformal intervals. */
  valForecasts: Record<string, number[]>;
  /** Actual prices (N, H), last known closes (N), validation actuals (M, H) and closes (M). */
  actual: number[];
  previous: number[];
  valActual: number[];
  valPrevious: number[];
  seconds: number;
  /** Training stopped early / diverged notes. */
  notes: string[];
  /** Step-1 target dates of the scored (N) and validation (M) forecasts (written by `runBacktestUnit`). */
  targetDates?: string[];
  valTargetDates?: string[];
  /**
   * The fold's training closes: naiveMae (the MASE scale), lowest and highest (written by `runBacktestUnit`;
   * `summarizeBacktest` needs them).
   */
  train?: { naiveMae: number; min: number; max: number };
}

/** Results pooled over folds: one CompareResults per series and grid cell, and the cross-series summary. */
export interface BacktestResults {
  format: 'rnnlab-backtest-results/v1';
  planHash: string;
  perSeries: Array<{ series: string; cell: number; results: CompareResults }>;
  /** Per model (ensemble) and grid cell, over series. */
  crossSeries: Array<{
    model: string;
    cell: number;
    /** MAE / naive MAE per series, in `series` order. */
    relativeMae: number[];
    /** Geometric mean of relativeMae and its 95% bootstrap interval. */
    geoMean: number;
    interval: [number, number];
    /** Series where the row beats naive significantly / is significantly worse / neither (DM abs, Holm). */
    wins: number;
    losses: number;
    ties: number;
  }>;
  series: string[];
}
