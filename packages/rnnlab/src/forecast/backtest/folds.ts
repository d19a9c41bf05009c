/**
 * Where each fold of a rolling-origin backtest lies in a series of n days (day indices 0..n−1).
 *
 * Legend: K folds, s = step, H = horizon, V = valDays. An origin o is the last known day; its forecast targets days
 * o+1..o+H. The K·s scored origins are consecutive and the last one leaves H target days before the end:
 *   o_last = n − 1 − H,  o_first = n − H − K·s,  fold k scores origins f_k .. f_k + s − 1 with f_k = o_first + k·s.
 * Fold k validates on the V days before its first origin, [f_k − V + 1, f_k + 1), and trains on the days before that:
 * [0, f_k − V + 1) ('expanding') or the last `trainDays` of them ('sliding'). Every target of a validation
 * window is a validation day ≤ f_k, so nothing of the scored period is seen before its origin.
 * With refit 'once' every fold uses fold 0's training and validation blocks (scalers and models fitted once, at the
 * first origin) and scores its own origins; each unit refits fold 0 itself (same seed, same bits), so shards stay
 * independent — the same results as a single fit, at the cost of repeating it.
 */
import type { BacktestConfig, GridCell } from './types.js';

export interface FoldDays {
  fold: number;
  /** First training day. */
  trainStart: number;
  /** First validation day (= end of the training block). */
  valStart: number;
  /** First and last scored origin (last known days). */
  firstOrigin: number;
  lastOrigin: number;
  /** Last target day of the fold's last origin (lastOrigin + H). */
  lastTarget: number;
}

/** Days of fold `fold` in a series of `rows` days (no checks; see `checkSeriesLength`). */
export function foldDays(rows: number, config: BacktestConfig, fold: number): FoldDays {
  const { folds, step, horizon: H, valDays } = config;
  const firstOrigin = rows - H - folds * step + fold * step;
  const valStart = firstOrigin - valDays + 1;
  const trainStart = config.window === 'sliding' ? valStart - (config.trainDays ?? 0) : 0;
  const lastOrigin = firstOrigin + step - 1;
  return { fold, trainStart, valStart, firstOrigin, lastOrigin, lastTarget: lastOrigin + H };
}

/**
 * Fewest training days a fold may have for a grid cell: a least-squares AR(T) baseline needs 2T + 1 closes, one
 * more is lost to the first log return, and at least one training window of T + 1 days must remain.
 */
export function minTrainDays(cell: GridCell): number {
  return 2 * cell.seqLen + 2;
}

/** Validation windows whose H targets all lie in a V-day validation block: V − T − H + 2 (see prepare_fold.ts). */
export function validationOrigins(config: BacktestConfig, cell: GridCell): number {
  return config.valDays - cell.seqLen - config.horizon + 2;
}

/** Checks the config's numbers (integers, ranges), naming the field and the fix. */
export function checkBacktestConfig(config: BacktestConfig): void {
  const int = (name: string, v: unknown, min: number) => {
    if (!Number.isInteger(v) || (v as number) < min)
      throw new Error(`backtest: ${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  int('folds', config.folds, 1);
  int('step', config.step, 1);
  int('horizon', config.horizon, 1);
  int('valDays', config.valDays, 1);
  if (config.window !== 'expanding' && config.window !== 'sliding')
    throw new Error(`backtest: window must be 'expanding' or 'sliding', got ${String(config.window)}`);
  if (config.window === 'sliding') int('trainDays (needed by --window sliding)', config.trainDays, 1);
  if (config.refit !== 'every' && config.refit !== 'once')
    throw new Error(`backtest: refit must be 'every' or 'once', got ${String(config.refit)}`);
  if (config.seeds.length === 0 && config.models.length > 0)
    throw new Error('backtest: models are given but no seeds; pass at least one seed');
  if (new Set(config.seeds).size !== config.seeds.length)
    throw new Error(`backtest: seeds ${config.seeds.join(', ')} repeat a seed; list each seed once`);
  if (new Set(config.models).size !== config.models.length)
    throw new Error(`backtest: models ${config.models.join(', ')} repeat a model; list each model once`);
  for (const s of config.seeds) int('every seed', s, 0);
  if (config.grid.length === 0) throw new Error('backtest: the grid is empty; give at least one cell');
  config.grid.forEach((c, i) => {
    int(`grid[${i}].seqLen`, c.seqLen, 1);
    int(`grid[${i}].hidden`, c.hidden, 1);
    int(`grid[${i}].layers`, c.layers, 1);
    if (!(c.lr > 0)) throw new Error(`backtest: grid[${i}].lr must be > 0, got ${c.lr}`);
    if (c.target !== 'close' && c.target !== 'log_return')
      throw new Error(`backtest: grid[${i}].target must be 'close' or 'log_return', got ${String(c.target)}`);
    const m = validationOrigins(config, c);
    if (m < 2)
      throw new Error(
        `backtest: valDays ${config.valDays} leaves ${Math.max(m, 0)} validation windows for seqLen ${c.seqLen} and ` +
          `horizon ${config.horizon} (grid[${i}]); need at least 2: use valDays >= ${c.seqLen + config.horizon}`,
      );
    if (config.window === 'sliding' && (config.trainDays ?? 0) < minTrainDays(c))
      throw new Error(
        `backtest: trainDays ${config.trainDays} is too short for seqLen ${c.seqLen} (grid[${i}]); ` +
          `use trainDays >= ${minTrainDays(c)}`,
      );
  });
}

/** Days a series needs for the config: fold 0 must still have its training (and sliding) days. */
export function daysNeeded(config: BacktestConfig): number {
  const train = Math.max(
    ...config.grid.map(minTrainDays),
    config.window === 'sliding' ? (config.trainDays ?? 0) : 0,
  );
  return train + config.valDays + config.folds * config.step + config.horizon - 1;
}
