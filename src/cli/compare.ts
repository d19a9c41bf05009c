/** `rnnlab compare`: train the four tutorial models, score them and the baselines on the test split, write the report. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { checkpointDataOf, saveCheckpoint } from '../forecast/checkpoint.js';
import { compareModels, defaultWorkers } from '../forecast/compare.js';
import { MODEL_KINDS, type ModelKind } from '../forecast/models.js';
import { formatMetricsTable, formatVerdict } from '../report/table.js';
import { writeReport } from '../report/write.js';
import { type DataFlags, loadSeries, makeJobs, packageVersion, prepare, type TrainFlags } from './common.js';
import { addDataOptions, addTrainingOptions, int, modelList } from './options.js';
import { TrainingProgress } from './progress.js';
import { buildReportData } from './report_data.js';

interface CompareFlags extends DataFlags, TrainFlags {
  models: ModelKind[];
  workers?: number;
  out: string;
  report: boolean;
  png: boolean;
  saveDir?: string;
  quiet?: boolean;
  color: boolean;
}

export function compareCommand(): Command {
  const cmd = new Command('compare')
    .description(
      "Train the tutorial's four models (drnn, brnn, lstm, gru) on the same chronological split, forecast the " +
        'held-out test period, score them against naive, drift and linear-AR baselines in price units, and write ' +
        'an HTML report with charts.',
    )
    .addOption(
      new Option('--models <list>', 'models to train, comma-separated')
        .argParser(modelList)
        .default([...MODEL_KINDS], MODEL_KINDS.join(',')),
    );
  addDataOptions(cmd);
  addTrainingOptions(cmd);
  return cmd
    .option(
      '--workers <n>',
      'worker threads training models in parallel (0 = in the main thread; default: one per core)',
      int(0),
    )
    .option('--out <dir>', 'report directory (index.html, charts/*.svg, charts/*.png)', 'report')
    .option('--no-report', 'skip writing the report')
    .option('--no-png', 'skip PNG copies of the charts')
    .option('--save-dir <dir>', 'also save each trained model as <dir>/<model>.safetensors')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'plain terminal output')
    .addHelpText(
      'after',
      '\nDefaults reproduce the tutorial: Dow Jones close 2019-03-25..2024-03-20, 16-day windows, hidden 64, 2 layers,\n' +
        'batch 16, Adam lr 1e-3, 20 epochs, summed MSE — but with data sorted by date, a 70/15/15 chronological\n' +
        'split, the scaler fitted on training days only, each model trained by its own optimizer, and the BRNN\n' +
        'trained and scored on the last position only.\n\nExample:\n  rnnlab compare --epochs 5 --models lstm,gru --out /tmp/report',
    )
    .action(async (f: CompareFlags) => {
      const log = (s: string) => process.stdout.write(`${s}\n`);
      const warn = (s: string) => process.stderr.write(`${pc.yellow('warning:')} ${s}\n`);
      const color = f.color && process.stdout.isTTY === true;
      const t0 = performance.now();
      const series = loadSeries(f, warn);
      const d = prepare(series, f);
      const jobs = makeJobs(f.models, f);
      const workers = f.workers ?? defaultWorkers(jobs.length);
      if (!f.quiet) {
        log(
          `${series.source}: ${d.dates.length} rows ${d.dates[0]}..${d.dates[d.dates.length - 1]}; windows ` +
            `train ${d.split.train.windows.length} / val ${d.split.val.windows.length} / test ${d.split.test.windows.length}; ` +
            `training ${f.models.join(', ')} for ${f.epochs} epochs on ${workers === 0 ? 'the main thread' : `${workers} worker threads`}`,
        );
      }
      const batches = Math.ceil(d.split.train.windows.length / f.batchSize);
      const progress = new TrainingProgress(f.models, f.epochs, batches, {
        tty: process.stdout.isTTY === true,
        quiet: f.quiet ?? false,
        log,
      });
      let r: Awaited<ReturnType<typeof compareModels>>;
      try {
        r = await compareModels(d, jobs, { workers, onEvent: progress.onEvent });
      } finally {
        progress.stop();
      }
      for (const m of r.models)
        if (m.diverged || m.stopReason !== 'completed') warn(`${m.kind}: ${m.stopReason}`);
      log('');
      log(
        `Test period ${r.eval.dates[0]}..${r.eval.dates[r.eval.dates.length - 1]} (${r.eval.ids.length} one-step-ahead forecasts, price units):`,
      );
      log(formatMetricsTable(r.metrics, { color }));
      log(formatVerdict(r.metrics));
      if (r.horizonErrors.length > 0) {
        log(`\nMAE per horizon step (1..${r.eval.H}):`);
        const names = [...new Set(r.horizonErrors.map((e) => e.model))];
        for (const n of names) {
          log(
            `  ${n.padEnd(6)} ${r.horizonErrors
              .filter((e) => e.model === n)
              .map((e) => e.mae.toFixed(1).padStart(8))
              .join(' ')}`,
          );
        }
      }
      if (f.saveDir) {
        mkdirSync(f.saveDir, { recursive: true });
        for (const m of r.models) {
          const path = join(f.saveDir, `${m.kind}.safetensors`);
          saveCheckpoint(path, m.state, m.config, checkpointDataOf(d));
          log(`saved ${path}`);
        }
      }
      if (f.report) {
        const config = {
          models: f.models.join(', '),
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
          seed: f.seed,
        };
        const data = buildReportData(r, { range: f.range, config, version: await packageVersion() });
        data.runtime.wallSeconds = (performance.now() - t0) / 1000;
        const written = await writeReport(data, resolve(f.out), { png: f.png });
        log(`\nreport: ${written.html}`);
      }
      log(`wall time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
}
