import type { CompareResults, ResultRow } from 'rnnlab/forecast';

/**
 * The report layer's input: a plain data object. The report never imports the engine; whatever runs the
 * experiment fills this in (the CLI from a comparison, tests from a fixture).
 *
 * Units: prices, MAE, RMSE and bias are in the target's units (`dataset.unit`: "index points" for the shipped Dow
 * Jones file, "price" otherwise). `mape` is a percentage (0.85 means 0.85 %). `directionalAccuracy` is a fraction
 * in [0, 1] or null when the forecaster never predicts a move (naive). `bias` is mean(predicted − actual).
 * `mase` is MAE divided by the naive forecast's in-sample MAE on the training period: a scale, not a verdict
 * (below 1 does not mean "beats naive on the test period"; compare with the naive row and read the DM test).
 * Non-finite numbers (a diverged model) are allowed and shown as "n/a".
 */

export type { CompareResults, ResultRow };

export interface ReportData {
  title: string;
  /** ISO timestamp of the run. */
  createdAt: string;
  dataset: {
    source: string;
    target: string;
    rows: number;
    firstDate: string;
    lastDate: string;
    range?: string;
    /** Unit of the target for axis labels and tables; default "price". */
    unit?: string;
  };
  /** The full target price series used, ascending dates (YYYY-MM-DD). */
  series: { dates: string[]; values: number[] };
  /**
   * Date ranges and window counts of the chronological split. The test period is the scored one: testStart and
   * testEnd are the first and last step-1 target dates (the same as `results.testPeriod`).
   */
  splits: {
    trainStart: string;
    trainEnd: string;
    valStart: string;
    valEnd: string;
    testStart: string;
    testEnd: string;
    train: number;
    val: number;
    test: number;
    dropped: number;
  };
  /** Hyperparameters shown as a table (seqLen, hidden, layers, batch, lr, epochs, horizon, seeds, ...). */
  config: Record<string, string | number | boolean>;
  /** One entry per trained model and seed. */
  models: ModelRun[];
  /**
   * Test period, step 1, price units. Keys are row names: models (their seed ensemble) and baselines. Each entry
   * has the forecast and the split-conformal interval bounds at 80% and 95% (absent when not computed).
   */
  predictions: { dates: string[]; actual: number[]; byModel: Record<string, PredictionSeries> };
  /** Everything `results.json` holds: rows, tests, intervals, verdict. */
  results: CompareResults;
  /** Present when horizon > 1. */
  horizonErrors?: HorizonError[];
  /** Workers ran whole runs in parallel; each run split its batches across `threads` threads. */
  runtime: { wallSeconds: number; workers: number; threads: number; node: string; rnnlab: string };
  /** Label of the loss axis; default "MSE loss (standardized)". */
  lossLabel?: string;
}

export interface PredictionSeries {
  forecast: number[];
  lo80?: number[];
  hi80?: number[];
  lo95?: number[];
  hi95?: number[];
}

export interface ModelRun {
  name: string;
  label: string;
  kind: 'model';
  seed: number;
  history: EpochLoss[];
  /** Epoch whose weights were kept and scored (the last one unless early stopping restored the best). */
  keptEpoch: number;
  /** Epoch with the lowest validation loss, and that loss (may differ from the kept epoch without --patience). */
  bestEpoch?: number;
  bestValLoss?: number;
  stopReason?: string;
  trainSeconds: number;
  parameters: number;
  /** 'last-position' for models trained and scored on the last window position only (the BRNN). */
  target: 'all-positions' | 'last-position';
}

export interface EpochLoss {
  epoch: number;
  trainLoss: number;
  valLoss: number;
}

export interface HorizonError {
  model: string;
  step: number;
  mae: number;
  rmse: number;
}
