/**
 * The plan of a backtest: every unit of work in a fixed order with a stable id and key, and a hash that
 * identifies the plan (config, series identities and units), so results from other processes can be checked.
 *
 * Order: series (as given), fold 0..K−1, grid cell, then the cell's baselines unit, then models × seeds
 * (model-major, in the config's order). Ids are 0..U−1 in that order.
 */
import { seriesColumn } from '../../data/series.js';
import type { ModelKind } from '../models.js';
import { checkBacktestConfig, daysNeeded, foldDays, minTrainDays } from './folds.js';
import { fnv1a64, hashOf } from './hash.js';
import type { BacktestConfig, BacktestPlan, BacktestSeries, BacktestUnit, GridCell } from './types.js';

export const BACKTEST_PLAN_FORMAT = 'rnnlab-backtest-plan/v1';

/** Checksum of a series' closes: FNV-1a 64 of their shortest round-trip decimal forms joined by commas. */
export function seriesChecksum(s: BacktestSeries): string {
  return fnv1a64(Array.from(seriesColumn(s.series, 'close')).join(','));
}

/** Recurrent gate blocks per layer and direction. */
const GATES: Record<ModelKind, number> = { drnn: 1, brnn: 2, lstm: 4, gru: 3 };

/**
 * Relative cost of a unit, for `--plan` and the ETA. Model: epochs × training windows × T × layers × gates ×
 * hidden × (hidden + 2) / 10⁶ (the multiply-adds of the recurrent matrix products, up to a constant). Baselines:
 * training days × T² / 2000 (the AR least squares), scaled so that a cost unit takes about as long for both kinds
 * (measured: an LSTM of 64 × 2 on 2,200 windows and the baselines of a 2,500-day series, both ≈ 2,800 units/s).
 */
export function unitCost(
  config: BacktestConfig,
  cell: GridCell,
  model: ModelKind | 'baselines',
  trainDays: number,
): number {
  const T = cell.seqLen;
  if (model === 'baselines') return (trainDays * T * T) / 2000;
  const windows = Math.max(trainDays - T, 1);
  return (
    (config.train.epochs * windows * T * cell.layers * GATES[model] * cell.hidden * (cell.hidden + 2)) / 1e6
  );
}

export function planBacktest(series: BacktestSeries[], config: BacktestConfig): BacktestPlan {
  checkBacktestConfig(config);
  if (series.length === 0)
    throw new Error('backtest: no series given; pass at least one --csv or a --manifest');
  const names = new Set<string>();
  for (const s of series) {
    if (!/^[A-Za-z0-9._-]+$/.test(s.name))
      throw new Error(
        `backtest: series name "${s.name.slice(0, 60)}" may only use letters, digits, '.', '_' and '-' (it is part of unit keys); rename it`,
      );
    if (names.has(s.name))
      throw new Error(`backtest: two series are named "${s.name}"; give every series a unique name`);
    names.add(s.name);
    const need = daysNeeded(config);
    if (s.series.rows < need) {
      const train = Math.max(...config.grid.map(minTrainDays));
      throw new Error(
        `backtest: series "${s.name}" has ${s.series.rows} days but ${config.folds} folds of step ${config.step}, ` +
          `horizon ${config.horizon}, ${config.valDays} validation days and at least ${train} training days need ` +
          `${need}. Use fewer --folds, a smaller --step or --val-days, or a longer series.`,
      );
    }
  }
  const units: BacktestUnit[] = [];
  for (const s of series) {
    for (let fold = 0; fold < config.folds; fold++) {
      const f = foldDays(s.series.rows, config, fold);
      const trainDays = f.valStart - f.trainStart;
      config.grid.forEach((cell, c) => {
        const prefix = `${s.name}/f${fold}/c${c}`;
        const add = (model: ModelKind | 'baselines', seed: number) =>
          units.push({
            id: units.length,
            key: model === 'baselines' ? `${prefix}/baselines` : `${prefix}/${model}/s${seed}`,
            series: s.name,
            fold,
            cell: c,
            model,
            seed,
            cost: unitCost(config, cell, model, trainDays),
          });
        add('baselines', -1);
        for (const m of config.models) for (const seed of config.seeds) add(m, seed);
      });
    }
  }
  const identities = series.map((s) => ({
    name: s.name,
    rows: s.series.rows,
    firstDate: s.series.dates[0]!,
    lastDate: s.series.dates[s.series.rows - 1]!,
    checksum: seriesChecksum(s),
  }));
  return {
    format: BACKTEST_PLAN_FORMAT,
    hash: hashOf({ format: BACKTEST_PLAN_FORMAT, config, series: identities, units }),
    config,
    series: identities,
    units,
  };
}
