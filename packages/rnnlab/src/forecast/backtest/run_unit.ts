/**
 * Runs one unit of a backtest plan: the baselines or one model × seed of one series, fold and grid cell.
 * Deterministic: the same plan, unit and series give the same result (bit for bit, apart from `seconds`) in any
 * process, so shards can run anywhere and be merged.
 */
import type { ReplicaThreads } from '../data_parallel.js';
import { baselineForecasts, evalSet } from '../evaluation.js';
import { runModelJob } from '../job.js';
import { naiveMae } from '../metrics.js';
import { foldDays } from './folds.js';
import { hashOf } from './hash.js';
import { seriesChecksum } from './plan.js';
import { prepareFold } from './prepare_fold.js';
import type { BacktestPlan, BacktestSeries, BacktestUnit, UnitResult } from './types.js';

/** Hash of a unit result's content: everything but `hash` and `seconds`. */
export function unitResultHash(r: UnitResult): string {
  const { hash: _hash, seconds: _seconds, ...content } = r;
  return hashOf(content);
}

/**
 * Runs `unit` of `plan` on its series. `replicas` starts the threads of a plan with `train.threads` > 1
 * (`nodeReplicaThreads` from rnnlab/node, the `replicas` of rnnlab/browser's `webThreads`).
 */
export function runBacktestUnit(
  plan: BacktestPlan,
  unit: BacktestUnit,
  series: BacktestSeries,
  replicas?: ReplicaThreads,
): UnitResult {
  const t0 = performance.now();
  const planned = plan.units[unit.id];
  if (!planned || planned.key !== unit.key)
    throw new Error(
      `backtest: unit ${unit.id} "${unit.key}" is not in this plan (plan ${plan.hash}); rebuild the plan`,
    );
  if (series.name !== unit.series)
    throw new Error(
      `backtest: unit "${unit.key}" belongs to series "${unit.series}" but series "${series.name}" was given`,
    );
  const identity = plan.series.find((s) => s.name === series.name);
  if (!identity || identity.rows !== series.series.rows || identity.checksum !== seriesChecksum(series))
    throw new Error(
      `backtest: series "${series.name}" (${series.series.source}) differs from the one the plan ${plan.hash} was made ` +
        'from (rows or closes changed); use the same data or make a new plan',
    );
  const { config } = plan;
  const cell = config.grid[unit.cell]!;
  const f = foldDays(series.series.rows, config, unit.fold);
  // refit 'once': scalers and models are fitted on fold 0's blocks; fold k only scores its own origins.
  const fit = config.refit === 'once' ? foldDays(series.series.rows, config, 0) : f;
  const d = prepareFold(series.series, fit, cell, config.scaler, config.horizon, f);
  const test = evalSet(d, 'test');
  const val = evalSet(d, 'val');
  if (test.ids.length !== config.step)
    throw new Error(
      `backtest: internal: fold ${unit.fold} of "${series.name}" scores ${test.ids.length} origins, not ${config.step}`,
    );

  const forecasts: Record<string, number[]> = {};
  const valForecasts: Record<string, number[]> = {};
  const notes: string[] = [];
  if (unit.model === 'baselines') {
    const t = baselineForecasts(d, test);
    const v = baselineForecasts(d, val);
    for (const name of Object.keys(t) as Array<keyof typeof t>) {
      forecasts[name] = Array.from(t[name]);
      valForecasts[name] = Array.from(v[name]);
    }
  } else {
    const r = runModelJob(
      d,
      {
        kind: unit.model,
        seed: unit.seed,
        model: {
          hiddenSize: cell.hidden,
          numLayers: cell.layers,
          nonlinearity: config.train.nonlinearity,
          dropout: config.train.dropout,
        },
        train: {
          epochs: config.train.epochs,
          lr: cell.lr,
          batchSize: config.train.batchSize,
          clip: config.train.clip,
          patience: config.train.patience,
          threads: config.train.threads,
        },
      },
      { replicas },
    );
    forecasts[unit.model] = Array.from(r.forecast);
    valForecasts[unit.model] = Array.from(r.valForecast);
    if (r.diverged || r.stopReason !== 'completed') notes.push(r.stopReason);
  }
  const train = d.prices.subarray(0, d.split.trainEnd);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of train) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const result: UnitResult = {
    unit: { ...planned },
    planHash: plan.hash,
    hash: '',
    origins: Array.from(test.ends, (e) => d.dates[e]!),
    forecasts,
    valForecasts,
    actual: Array.from(test.actual),
    previous: Array.from(test.previous),
    valActual: Array.from(val.actual),
    valPrevious: Array.from(val.previous),
    seconds: 0,
    notes,
    targetDates: test.dates,
    valTargetDates: val.dates,
    train: { naiveMae: naiveMae(train), min, max },
  };
  result.hash = unitResultHash(result);
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
