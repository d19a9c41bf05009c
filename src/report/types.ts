/**
 * The report layer's input: a plain data object. The report never imports the engine; whatever runs the
 * experiment fills this in.
 *
 * Units: prices, MAE, RMSE and bias are in the target's units (`dataset.unit`, index points for the Dow).
 * `mape` is a percentage (0.85 means 0.85 %). `directionalAccuracy` is a fraction in [0, 1].
 * `bias` is the mean signed error, mean(predicted − actual): positive means the forecast is too high on average.
 * `mase` is MAE divided by the naive forecast's in-sample MAE on the training period; compare with the naive row.
 * Non-finite numbers (a diverged model) are allowed and shown as "n/a".
 */
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
    /** Unit of the target for axis labels and tables; default "index points". */
    unit?: string;
  };
  /** The full target price series used, ascending dates (YYYY-MM-DD). */
  series: { dates: string[]; values: number[] };
  /** Date ranges and window counts of the chronological split. */
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
  /** Hyperparameters shown as a table (seqLen, hidden, layers, batch, lr, epochs, horizon, seed, ...). */
  config: Record<string, string | number | boolean>;
  models: ModelRun[];
  /** Test period, one-step-ahead, price units; keys are model names and baselines ('naive', 'drift', 'ar'). */
  predictions: { dates: string[]; actual: number[]; byModel: Record<string, number[]> };
  metrics: MetricRow[];
  /** Present when horizon > 1. */
  horizonErrors?: HorizonError[];
  runtime: { wallSeconds: number; workers: number; node: string; rnnlab: string };
  /** Label of the loss axis; default "MSE loss (standardized)". */
  lossLabel?: string;
}

export interface ModelRun {
  name: string;
  label: string;
  kind: 'model';
  history: EpochLoss[];
  bestEpoch?: number;
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

export interface MetricRow {
  model: string;
  label: string;
  kind: 'model' | 'baseline';
  mae: number;
  rmse: number;
  /** Percent. */
  mape: number;
  mase: number;
  /** Fraction in [0, 1]. */
  directionalAccuracy: number;
  /** mean(predicted − actual). */
  bias: number;
  n: number;
}

export interface HorizonError {
  model: string;
  step: number;
  mae: number;
  rmse: number;
}
