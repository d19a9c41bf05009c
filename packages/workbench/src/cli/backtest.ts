/**
 * `rnnlab backtest`: rolling-origin evaluation over one or many series, every (series × fold × model × seed × grid
 * cell) a unit of work with a stable id. Runs every unit, or one shard of them (`--shard I/N`, or `--shards N`
 * with the index from a Kubernetes Indexed Job or an AWS Batch array job); each finished unit is saved at once,
 * so a re-run resumes. Unsharded, it writes results.json and the report; sharded, a part file for `rnnlab merge`.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { printable } from 'rnnlab';
import { DEFAULT_MAX_BYTES } from 'rnnlab/data';
import {
  type BacktestConfig,
  type BacktestPlan,
  type BacktestUnit,
  MODEL_KINDS,
  type ModelKind,
  planBacktest,
  runBacktestUnit,
  SCALER_KINDS,
  type ScalerKind,
} from 'rnnlab/forecast';
import { DEFAULT_RANGE, defaultDatasetPath, nodeReplicaThreads } from 'rnnlab/node';
import { BacktestProgress } from './backtest_progress.js';
import { loadBacktestSeries, manifestTarget, seriesEntries } from './backtest_series.js';
import { readValidUnit, type StoredUnit, viaJson, writePartFile, writeUnitFile } from './backtest_store.js';
import type { TrainFlags } from './common.js';
import { DEFAULT_SEEDS } from './compare.js';
import { describeCell, parseGrid } from './grid.js';
import { crossSeriesLines, writeBacktestReport } from './merge.js';
import { addThreadsOption, addTrainingOptions, int, modelList, resolveSeeds, seedsSpec } from './options.js';
import { checkOutputDir } from './output_paths.js';
import { partFileName, resolveShard, SHARD_INDEX_VARS, type Shard, shardSpec, shardUnits } from './shard.js';

interface BacktestFlags extends TrainFlags {
  csv?: string[];
  manifest?: string;
  dir?: string;
  range?: string;
  target?: 'close' | 'log_return';
  scaler: ScalerKind;
  seqLen: number;
  horizon: number;
  dropInvalid?: boolean;
  maxBytes?: number;
  models: ModelKind[];
  seeds: number | number[];
  folds: number;
  step: number;
  window: 'expanding' | 'sliding';
  trainDays?: number;
  valDays: number;
  refit: 'every' | 'once';
  grid?: string;
  plan?: boolean;
  shard?: { index: number; count: number };
  shards?: number;
  out: string;
  quiet?: boolean;
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

/** The engine's config from the flags (grid cells default to --hidden, --layers, --seq-len, --lr, --target). */
export function backtestConfig(f: BacktestFlags, target: 'close' | 'log_return'): BacktestConfig {
  if (f.window === 'sliding' && f.trainDays === undefined)
    throw new Error(
      '--window sliding needs --train-days N (the training days before each validation block).',
    );
  if (f.window === 'expanding' && f.trainDays !== undefined)
    throw new Error(
      '--train-days applies to --window sliding only. Fix: add --window sliding or drop --train-days.',
    );
  return {
    folds: f.folds,
    step: f.step,
    horizon: f.horizon,
    window: f.window,
    refit: f.refit,
    valDays: f.valDays,
    trainDays: f.trainDays,
    models: f.models,
    seeds: resolveSeeds(f.seed, f.seeds),
    grid: parseGrid(f.grid, { hidden: f.hidden, layers: f.layers, seqLen: f.seqLen, lr: f.lr, target }),
    train: {
      epochs: f.epochs,
      batchSize: f.batchSize,
      clip: f.clip,
      patience: f.patience,
      nonlinearity: f.nonlinearity,
      dropout: f.dropout,
      // Left out at 1, so plans without --threads keep their hashes.
      threads: f.threads !== undefined && f.threads > 1 ? f.threads : undefined,
    },
    scaler: f.scaler,
  };
}

/** `--plan`: every unit (id, key, estimated cost) and the totals, per shard when sharded. */
export function planLines(plan: BacktestPlan, shard: Shard | undefined, shards = shard?.count): string[] {
  const c = plan.config;
  const total = plan.units.reduce((s, u) => s + u.cost, 0);
  const lines = [
    `plan ${plan.hash}: ${plan.series.length} series × ${c.folds} folds × ${c.grid.length} grid cell${c.grid.length === 1 ? '' : 's'} × ` +
      `(${c.models.length} models × ${c.seeds.length} seeds + baselines) = ${plan.units.length} units, estimated cost ${fmtCost(total)}`,
  ];
  for (const [i, cell] of c.grid.entries()) lines.push(`  c${i}: ${describeCell(cell)}`);
  const units = shardUnits(plan.units, shard);
  const idWidth = String(plan.units.length - 1).length;
  lines.push(`${'id'.padStart(idWidth)}  cost        key`);
  for (const u of units)
    lines.push(`${String(u.id).padStart(idWidth)}  ${fmtCost(u.cost).padEnd(10)}  ${u.key}`);
  if (shard) {
    lines.push(
      `shard ${shard.index}/${shard.count}: ${units.length} units, estimated cost ${fmtCost(units.reduce((s, u) => s + u.cost, 0))}`,
    );
  }
  const count = shards;
  if (count !== undefined && count > 1) {
    const costs = Array.from({ length: count }, () => 0);
    for (const u of plan.units) costs[u.id % count] += u.cost;
    lines.push(
      `cost per shard: min ${fmtCost(Math.min(...costs))}, max ${fmtCost(Math.max(...costs))} (of ${count} shards)`,
    );
  }
  lines.push(
    `total: ${plan.units.length} units, estimated cost ${fmtCost(total)} (relative units: epochs × windows × model size)`,
  );
  return lines;
}

/** A relative cost: 3 significant digits below 1000, whole numbers up to a million, then exponent form. */
function fmtCost(c: number): string {
  if (c >= 1e6) return c.toExponential(2);
  return c >= 1000 ? String(Math.round(c)) : String(Number(c.toPrecision(3)));
}

export function backtestCommand(): Command {
  const cmd = new Command('backtest')
    .description(
      'Rolling-origin backtest: at K forecast origins per series, refit the scalers and models on the data before ' +
        'the origin only, forecast the next H days with every model and baseline, and pool the errors over folds; ' +
        'then summarize across series (relative MAE vs naive, geometric mean with interval, wins/ties/losses). ' +
        'Every series × fold × model × seed × grid cell is a unit with a stable id, so the work can be split ' +
        'into shards run on many machines and merged with `rnnlab merge`.',
    )
    .option('--csv <file>', 'a daily price CSV; repeat for several series (name: the file stem)', collect)
    .option(
      '--manifest <file>',
      'series list: a JSON array of {path, name, range?, target?} or a CSV with the columns path,name[,range][,target]',
    )
    .option('--dir <folder>', 'every *.csv file in this folder, one series each')
    .option(
      '--range <from:to>',
      `date range YYYY-MM-DD:YYYY-MM-DD for --csv/--dir files (default: all rows; the shipped Dow Jones file ${defaultDatasetPath()} uses ${DEFAULT_RANGE})`,
    )
    .addOption(
      new Option('--target <column>', 'what the models predict (default: close)').choices([
        'close',
        'log_return',
      ]),
    )
    .addOption(
      new Option('--scaler <kind>', 'feature scaling, fitted on each fold’s training days only')
        .choices(SCALER_KINDS as string[])
        .default('zscore' as ScalerKind),
    )
    .option('--seq-len <n>', 'window length in days', int(1), 16)
    .option('--horizon <n>', 'days ahead forecast from every origin', int(1), 1)
    .option('--drop-invalid', 'drop unparseable/empty/non-positive rows with a warning instead of failing')
    .option('--max-bytes <n>', `largest CSV file read, in bytes (default ${DEFAULT_MAX_BYTES})`, int(1))
    .addOption(
      new Option('--models <list>', 'models to train, comma-separated')
        .argParser(modelList)
        .default([...MODEL_KINDS], MODEL_KINDS.join(',')),
    );
  addTrainingOptions(cmd);
  addThreadsOption(
    cmd,
    '1; part of the plan, so every shard of a backtest must be given the same --threads, whatever its cores',
  );
  return cmd
    .option(
      '--seeds <n|list>',
      'seeds per model: a count N (--seed … --seed+N−1) or a comma-separated list',
      seedsSpec,
      DEFAULT_SEEDS,
    )
    .option('--folds <k>', 'forecast origins (folds) per series', int(1), 5)
    .option(
      '--step <days>',
      'days between consecutive origins; each fold scores the origins up to the next one',
      int(1),
      20,
    )
    .addOption(
      new Option(
        '--window <kind>',
        'expanding: train from the first day; sliding: the last --train-days days',
      )
        .choices(['expanding', 'sliding'])
        .default('expanding'),
    )
    .option('--train-days <n>', 'training days of a sliding window', int(1))
    .option(
      '--val-days <n>',
      'validation days before each origin (early stopping, interval calibration)',
      int(1),
      60,
    )
    .addOption(
      new Option(
        '--refit <when>',
        'every: refit scalers and models at every fold; once: fit at the first fold and reuse',
      )
        .choices(['every', 'once'])
        .default('every'),
    )
    .option(
      '--grid <spec>',
      'sweep, e.g. "hidden=32,64;layers=1,2;seq-len=8,16;lr=0.001,0.003;target=close,log_return"',
    )
    .option('--plan', 'print the units (id, key, estimated cost) and totals, and run nothing')
    .option('--shard <I/N>', 'run only the units with id mod N = I and write part-I-of-N.json', shardSpec)
    .option('--shards <n>', `run one of N shards, its index from ${SHARD_INDEX_VARS.join(' or ')}`, int(1))
    .option(
      '--out <dir>',
      'output folder: units/<id>.json, then results.json + index.html, or part-I-of-N.json',
      'backtest',
    )
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Folds: the last K × --step days of each series (before the final H target days) are scored, as K folds of
--step consecutive origins each; an origin is the last known day and is forecast H days ahead. Fold k validates on
the --val-days days before its first origin and trains on the days before those: all of them (--window expanding)
or the last --train-days (--window sliding). --refit every refits scalers and models at every fold; once fits them
at the first fold and reuses them. Nothing after an origin is seen before its forecast.

Units: series × fold × grid cell × (model × seed, plus one baselines unit). Ids are 0..U−1 in plan order;
--plan lists them. The plan hash covers the flags, the series' data and the units: parts of different runs never mix.

Shards: --shard I/N runs the units with id mod N = I. --shards N reads I from JOB_COMPLETION_INDEX (Kubernetes
Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job). Each unit's result is written to
OUT/units/<id>.json as soon as it finishes (temp file + rename); a re-run skips units whose file is valid (same
plan hash, content hash matches), so a killed pod is simply retried. See docs/scale-out.md.

Examples:
  rnnlab backtest --epochs 5 --models lstm,gru --seeds 3 --out bt1
  rnnlab backtest --dir prices/ --grid "hidden=32,64;seq-len=8,16" --plan --shards 8
  rnnlab backtest --manifest series.csv --shard 2/8 --out /shared/run1
  JOB_COMPLETION_INDEX=2 rnnlab backtest --manifest series.csv --shards 8 --out /shared/run1
  rnnlab merge /shared/run1/part-*.json --out /shared/run1/report`,
    )
    .action(async (f: BacktestFlags) => {
      const log = (s: string) => process.stdout.write(`${s}\n`);
      const warn = (s: string) => process.stderr.write(`${pc.yellow('warning:')} ${printable(s, 1000)}\n`);
      const t0 = performance.now();
      // --plan --shards N without an index in the environment lists the whole plan with the cost per shard.
      const planOnly = f.plan && f.shards !== undefined && !SHARD_INDEX_VARS.some((v) => process.env[v]);
      const shard = planOnly ? undefined : resolveShard(f, process.env);
      const outDir = f.plan ? undefined : checkOutputDir(f.out, '--out');
      const entries = seriesEntries({ csv: f.csv, manifest: f.manifest, dir: f.dir, range: f.range });
      const config = backtestConfig(f, f.target ?? manifestTarget(entries) ?? 'close');
      const series = loadBacktestSeries(entries, { dropInvalid: f.dropInvalid, maxBytes: f.maxBytes, warn });
      const plan = planBacktest(series, config);
      if (f.plan) {
        for (const line of planLines(plan, shard, shard?.count ?? f.shards)) log(line);
        return;
      }
      const out = outDir as string;
      const units = shardUnits(plan.units, shard);
      const byName = new Map(series.map((s) => [s.name, s]));
      if (!f.quiet) {
        for (const s of plan.series) log(`${s.name}: ${s.rows} rows, ${s.firstDate}..${s.lastDate}`);
        log(
          `plan ${plan.hash}: ${plan.units.length} units` +
            (shard
              ? `; shard ${shard.index}/${shard.count} (index from ${shard.from}) runs ${units.length}`
              : '') +
            ` → ${printable(out)}`,
        );
      }
      const progress = new BacktestProgress(units, {
        tty: process.stdout.isTTY === true,
        quiet: f.quiet ?? false,
        log,
      });
      const stored: StoredUnit[] = [];
      let ran = 0;
      let skipped = 0;
      let replaced = 0;
      try {
        for (const unit of units) {
          const existing = readValidUnit(out, unit, plan);
          if (existing.stored) {
            stored.push(existing.stored);
            skipped++;
            progress.unitDone(unit, { skipped: 'already done' });
            continue;
          }
          if (existing.reason) {
            replaced++;
            if (replaced <= 3)
              warn(`${unit.key}: replacing ${join('units', `${unit.id}.json`)}: ${existing.reason}`);
          }
          const s = seriesOf(byName, unit);
          const u0 = performance.now();
          const result = runBacktestUnit(plan, unit, s, nodeReplicaThreads);
          const seconds = (performance.now() - u0) / 1000;
          stored.push(await writeUnitFile(out, result));
          ran++;
          progress.unitDone(unit, { seconds });
        }
      } finally {
        progress.stop();
      }
      if (replaced > 3) warn(`${replaced} unit files in total could not be used and were replaced`);
      if (!f.quiet) log(`units: ${ran} run, ${skipped} skipped (already done)`);
      if (shard) {
        const path = join(out, partFileName(shard));
        await writePartFile(path, {
          format: 'rnnlab-backtest-part/v1',
          plan: viaJson(plan),
          shard,
          units: stored,
        });
        log(`part: ${printable(path)} (${stored.length} units)`);
      } else {
        const summary = await writeBacktestReport(
          out,
          viaJson(plan),
          stored.map((s) => s.result),
        );
        log('');
        for (const line of crossSeriesLines(summary)) log(line);
        log(`report: ${printable(join(out, 'index.html'))} (with results.json)`);
      }
      log(`wall time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
}

function seriesOf<S>(byName: Map<string, S>, unit: BacktestUnit): S {
  const s = byName.get(unit.series);
  if (!s)
    throw new Error(
      `internal: the plan's unit ${unit.key} names series '${unit.series}', which was not loaded.`,
    );
  return s;
}
