/** `rnnlab train`: train one model, score it against the baselines on the test split, save a checkpoint. */
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { printable } from 'rnnlab';
import { MODEL_KINDS, type ModelKind } from 'rnnlab/forecast';
import { type CompareResult, compareModels, defaultThreads } from 'rnnlab/node';
import { formatMetricsTable, formatVerdict } from '../report/table.js';
import {
  checkModelFlags,
  type DataFlags,
  describeRows,
  loadSeries,
  makeJobs,
  prepare,
  saveRun,
  type TrainFlags,
  unitOf,
} from './common.js';
import { addDataOptions, addThreadsOption, addTrainingOptions } from './options.js';
import { checkOutputFile } from './output_paths.js';
import { TrainingProgress } from './progress.js';
import { resultNotes } from './result_notes.js';

interface TrainCmdFlags extends DataFlags, TrainFlags {
  model: ModelKind;
  save?: string;
  quiet?: boolean;
  color: boolean;
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description(
      'Train one model with one seed on the chronological training split, score it on the test split against the ' +
        "baselines (the same run as compare's for that seed), and optionally save it.",
    )
    .addOption(new Option('--model <kind>', 'model preset').choices([...MODEL_KINDS]).default('lstm'));
  addDataOptions(cmd);
  addTrainingOptions(cmd);
  addThreadsOption(cmd, `one per core, here ${defaultThreads()}`);
  return cmd
    .option(
      '--save <file.safetensors>',
      'write the trained weights (PyTorch state-dict names) with config and scaler statistics',
    )
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'plain terminal output')
    .addHelpText(
      'after',
      '\n`rnnlab train --model M --seed S` is bit for bit the run of model M for seed S in `rnnlab compare` with the\n' +
        'same data and training options and the same --threads (compare trains several runs with --threads 1 by\n' +
        'default, so give `--threads 1` here to reproduce them). The checkpoint stores the validation-calibrated\n' +
        '80%/95% interval widths that `rnnlab predict` prints.\n\n' +
        'Threads: every batch is split across --threads worker threads, each with its own copy of the model; their\n' +
        'gradients are summed in a fixed order and one Adam step is taken. A run is reproducible bit for bit for a\n' +
        'given --threads; another thread count changes the last bits of the numbers. With --dropout, every thread\n' +
        "draws its slice's masks from a per-batch seed, so the masks too depend on --threads. Threads pay off with\n" +
        'arithmetic per batch: 1.6-2.1x on 2 cores at --hidden 256 --batch-size 64 --seq-len 64, 1.2-1.5x for the\n' +
        "tutorial's LSTM and GRU; its small drnn/brnn run 10-20% slower on 2 threads (give them --threads 1).\n\n" +
        'Example:\n  rnnlab train --model gru --epochs 30 --patience 5 --save gru.safetensors',
    )
    .action(async (f: TrainCmdFlags) => {
      const log = (s: string) => process.stdout.write(`${s}\n`);
      const warn = (s: string) => process.stderr.write(`${pc.yellow('warning:')} ${printable(s, 1000)}\n`);
      // Checked before any work, so a bad --save fails in a second, not after training.
      const savePath = f.save ? checkOutputFile(f.save, '--save') : undefined;
      const loaded = loadSeries(f, warn);
      const d = prepare(loaded.series, f);
      checkModelFlags([f.model], d, f);
      const threads = f.threads ?? defaultThreads();
      if (!f.quiet) {
        log(describeRows(loaded));
        log(
          `training ${f.model} (seed ${f.seed}) for ${f.epochs} epochs on ${threads === 1 ? '1 thread' : `${threads} threads`}`,
        );
      }
      const batches = Math.ceil(d.split.train.windows.length / f.batchSize);
      const progress = new TrainingProgress([f.model], f.epochs, batches, {
        tty: process.stdout.isTTY === true,
        quiet: f.quiet ?? false,
        log,
      });
      let r: CompareResult;
      try {
        r = await compareModels(d, makeJobs([f.model], [f.seed], { ...f, threads }), {
          workers: 0,
          onEvent: progress.onEvent,
          unit: unitOf(loaded),
        });
      } finally {
        progress.stop();
      }
      const m = r.models[0];
      if (m.stopReason !== 'completed') warn(`${m.kind}: ${m.stopReason}`);
      const res = r.results;
      log(
        `\nTest period ${res.testPeriod.from}..${res.testPeriod.to} (${res.testPeriod.n} one-step-ahead forecasts, ${res.unit}); seed ${f.seed}:`,
      );
      log(formatMetricsTable(res, { color: f.color && process.stdout.isTTY === true }));
      log(formatVerdict(res));
      for (const n of resultNotes(res)) log(n);
      if (savePath) {
        saveRun(savePath, d, r.val, m);
        log(
          `saved ${printable(savePath)}${m.diverged ? ' (marked as diverged: predict will refuse it)' : ''}`,
        );
      }
    });
}
