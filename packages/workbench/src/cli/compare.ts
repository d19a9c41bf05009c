/**
 * `rnnlab compare`: train the tutorial's models on several seeds, score their seed ensembles and the baselines on
 * the test split, test them against naive, and write the report with results.json and forecasts.csv.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { printable } from 'rnnlab';
import { forecastsCsv, MODEL_KINDS, type ModelKind, resultsJson, verdictRule } from 'rnnlab/forecast';
import { type CompareResult, compareModels, defaultThreads, defaultWorkers } from 'rnnlab/node';
import { formatMetricsTable, formatVerdict } from '../report/table.js';
import { checkReportFolder, writeReport } from '../report/write.js';
import {
  checkModelFlags,
  type DataFlags,
  describeRows,
  loadSeries,
  makeJobs,
  packageVersion,
  prepare,
  saveRun,
  type TrainFlags,
  unitOf,
} from './common.js';
import {
  addDataOptions,
  addThreadsOption,
  addTrainingOptions,
  int,
  modelList,
  resolveSeeds,
  seedsSpec,
} from './options.js';
import { checkOutputDir } from './output_paths.js';
import { TrainingProgress } from './progress.js';
import { buildReportData } from './report_data.js';
import { resultNotes } from './result_notes.js';

interface CompareFlags extends DataFlags, TrainFlags {
  models: ModelKind[];
  seeds: number | number[];
  workers?: number;
  out: string;
  report: boolean;
  png: boolean;
  saveDir?: string;
  quiet?: boolean;
  color: boolean;
}

/** Files compare adds to the report folder. */
const REPORT_EXTRA_FILES = ['results.json', 'forecasts.csv'];

/** Default number of seeds per model. */
export const DEFAULT_SEEDS = 3;

export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description(
      "Train the tutorial's four models (drnn, brnn, lstm, gru) on several seeds and the same chronological split, " +
        'forecast the held-out test period with each seed ensemble, score them against naive, drift, mean-return ' +
        'and linear-AR baselines in price units with significance tests and prediction intervals, and write an ' +
        'HTML report with results.json and forecasts.csv.',
    )
    .addOption(
      new Option('--models <list>', 'models to train, comma-separated')
        .argParser(modelList)
        .default([...MODEL_KINDS], MODEL_KINDS.join(',')),
    );
  addDataOptions(cmd);
  addTrainingOptions(cmd);
  addThreadsOption(
    cmd,
    `1 when several runs train (they run in parallel on --workers); one per core, here ${defaultThreads()}, for a ` +
      'single run',
  );
  return cmd
    .option(
      '--seeds <n|list>',
      'seeds per model: a count N (seeds --seed, --seed+1, …, --seed+N−1) or a comma-separated list; every model ' +
        'trains once per seed, and `rnnlab train --model M --seed S` reproduces run S exactly',
      seedsSpec,
      DEFAULT_SEEDS,
    )
    .option(
      '--workers <n>',
      'worker threads training runs in parallel (0 = in the main thread; default: one per core, or cores / --threads ' +
        'when --threads is given)',
      int(0),
    )
    .option('--out <dir>', 'report directory (index.html, results.json, forecasts.csv, charts/)', 'report')
    .option('--no-report', 'skip writing the report folder (and its results.json and forecasts.csv)')
    .option('--no-png', 'skip PNG copies of the charts')
    .option('--save-dir <dir>', 'also save every trained run as <dir>/<model>-seed<S>.safetensors')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'plain terminal output')
    .addHelpText(
      'after',
      '\nDefaults reproduce the tutorial: Dow Jones close 2019-03-25..2024-03-20, 16-day windows, hidden 64, 2 layers,\n' +
        'batch 16, Adam lr 1e-3, 20 epochs, summed MSE — but with data sorted by date, a 70/15/15 chronological\n' +
        'split, the scaler fitted on training days only, each model trained by its own optimizer, the BRNN\n' +
        `trained and scored on the last position only, and ${DEFAULT_SEEDS} seeds per model.\n\n` +
        'Seeds: each model trains once per seed; the table scores each seed ensemble (the mean forecast of its\n' +
        'seeds) and shows the MAE over seeds as mean ± sd (min–max).\n\n' +
        'Threads: --workers trains whole runs in parallel; --threads splits each batch of one run across threads\n' +
        '(data parallelism). A run is reproducible bit for bit for a given --threads; another thread count changes\n' +
        'the last bits of its numbers, so a table made with --threads 2 differs slightly from one made with 1.\n\n' +
        'Intervals: split-conformal 80% and 95% intervals from the validation period’s relative errors, per\n' +
        'forecast step; the table shows their coverage on the test period.\n\n' +
        `Verdict: ${verdictRule()}\n\n` +
        'Example:\n  rnnlab compare --epochs 5 --models lstm,gru --seeds 5 --out /tmp/report',
    )
    .action(async (f: CompareFlags) => {
      const log = (s: string) => process.stdout.write(`${s}\n`);
      const warn = (s: string) => process.stderr.write(`${pc.yellow('warning:')} ${printable(s, 1000)}\n`);
      const color = f.color && process.stdout.isTTY === true;
      const t0 = performance.now();
      // Output paths are checked before any work, so a bad --out fails in a second, not after training.
      const outDir = f.report ? checkOutputDir(f.out, '--out', { replaceWhole: true }) : undefined;
      if (outDir) checkReportFolder(outDir, REPORT_EXTRA_FILES);
      const saveDir = f.saveDir ? checkOutputDir(f.saveDir, '--save-dir') : undefined;
      const seeds = resolveSeeds(f.seed, f.seeds);
      const loaded = loadSeries(f, warn);
      const d = prepare(loaded.series, f);
      checkModelFlags(f.models, d, f);
      const threads = f.threads ?? (f.models.length * seeds.length === 1 ? defaultThreads() : 1);
      const jobs = makeJobs(f.models, seeds, { ...f, threads });
      const workers = f.workers ?? defaultWorkers(jobs.length, threads);
      if (!f.quiet) {
        log(describeRows(loaded));
        log(
          `windows: train ${d.split.train.windows.length} / val ${d.split.val.windows.length} / test ${d.split.test.windows.length}; ` +
            `training ${f.models.join(', ')} × seeds ${seeds.join(', ')} (${jobs.length} runs) for ${f.epochs} epochs ` +
            `on ${workers === 0 ? 'the main thread' : `${workers} worker threads`}` +
            (threads > 1 ? `, ${threads} threads per run` : ''),
        );
      }
      const batches = Math.ceil(d.split.train.windows.length / f.batchSize);
      const progress = new TrainingProgress(
        f.models,
        f.epochs,
        batches,
        { tty: process.stdout.isTTY === true, quiet: f.quiet ?? false, log },
        seeds.length,
      );
      let r: CompareResult;
      try {
        r = await compareModels(d, jobs, { workers, onEvent: progress.onEvent, unit: unitOf(loaded) });
      } finally {
        progress.stop();
      }
      for (const m of r.models)
        if (m.diverged || m.stopReason !== 'completed') warn(`${m.kind} seed ${m.seed}: ${m.stopReason}`);
      const res = r.results;
      log('');
      log(
        `Test period ${res.testPeriod.from}..${res.testPeriod.to} (${res.testPeriod.n} one-step-ahead forecasts, ` +
          `${res.unit}); seeds ${res.seeds.join(', ')}; intervals calibrated on ${res.calibrationPeriod.from}..${res.calibrationPeriod.to}:`,
      );
      log(formatMetricsTable(res, { color }));
      log(formatVerdict(res));
      for (const n of resultNotes(res)) log(n);
      if (r.horizonErrors.length > 0) {
        log(`\nMAE per horizon step (1..${r.eval.H}):`);
        const names = [...new Set(r.horizonErrors.map((e) => e.model))];
        const width = Math.max(...names.map((n) => n.length));
        for (const n of names) {
          log(
            `  ${n.padEnd(width)} ${r.horizonErrors
              .filter((e) => e.model === n)
              .map((e) => e.mae.toFixed(1).padStart(8))
              .join(' ')}`,
          );
        }
      }
      if (saveDir) {
        mkdirSync(saveDir, { recursive: true });
        for (const m of r.models) {
          const path = join(saveDir, `${m.kind}-seed${m.seed}.safetensors`);
          saveRun(path, d, r.val, m);
          log(`saved ${printable(path)}`);
        }
      }
      if (outDir) {
        const config = {
          models: f.models.join(', '),
          seeds: seeds.join(', '),
          seqLen: f.seqLen,
          horizon: f.horizon,
          hidden: f.hidden,
          layers: f.layers,
          nonlinearity: f.nonlinearity,
          dropout: f.dropout,
          batchSize: f.batchSize,
          lr: f.lr,
          epochs: f.epochs,
          clip: f.clip ?? 'off',
          patience: f.patience ?? 'off',
          scaler: f.scaler,
          target: f.target,
          features: d.featureNames.join(', '),
          split: `${f.split.train}/${f.split.val}/${f.split.test}`,
        };
        const data = buildReportData(r, {
          range: loaded.range,
          unit: unitOf(loaded),
          config,
          version: await packageVersion(),
        });
        data.runtime.wallSeconds = (performance.now() - t0) / 1000;
        const written = await writeReport(data, outDir, {
          png: f.png,
          extraFiles: [
            { name: 'results.json', data: resultsJson(r) },
            { name: 'forecasts.csv', data: forecastsCsv(r) },
          ],
        });
        log(`\nreport: ${printable(written.html)} (with results.json and forecasts.csv)`);
      }
      log(`wall time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
}
