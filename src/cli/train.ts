/** `rnnlab train`: train one model, score it against the baselines on the test split, save a checkpoint. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { checkpointDataOf, saveCheckpoint } from '../forecast/checkpoint.js';
import { compareModels } from '../forecast/compare.js';
import { MODEL_KINDS, type ModelKind } from '../forecast/models.js';
import { formatMetricsTable, formatVerdict } from '../report/table.js';
import { type DataFlags, loadSeries, makeJobs, prepare, type TrainFlags } from './common.js';
import { addDataOptions, addTrainingOptions } from './options.js';
import { TrainingProgress } from './progress.js';

interface TrainCmdFlags extends DataFlags, TrainFlags {
  model: ModelKind;
  save?: string;
  quiet?: boolean;
  color: boolean;
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description(
      'Train one model on the chronological training split, score it on the test split against the baselines, and optionally save it.',
    )
    .addOption(new Option('--model <kind>', 'model preset').choices([...MODEL_KINDS]).default('lstm'));
  addDataOptions(cmd);
  addTrainingOptions(cmd);
  return cmd
    .option(
      '--save <file.safetensors>',
      'write the trained weights (PyTorch state-dict names) with config and scaler statistics',
    )
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'plain terminal output')
    .addHelpText(
      'after',
      '\nExample:\n  rnnlab train --model gru --epochs 30 --patience 5 --save gru.safetensors',
    )
    .action(async (f: TrainCmdFlags) => {
      const log = (s: string) => process.stdout.write(`${s}\n`);
      const warn = (s: string) => process.stderr.write(`${pc.yellow('warning:')} ${s}\n`);
      const series = loadSeries(f, warn);
      const d = prepare(series, f);
      const batches = Math.ceil(d.split.train.windows.length / f.batchSize);
      const progress = new TrainingProgress([f.model], f.epochs, batches, {
        tty: process.stdout.isTTY === true,
        quiet: f.quiet ?? false,
        log,
      });
      let r: Awaited<ReturnType<typeof compareModels>>;
      try {
        r = await compareModels(d, makeJobs([f.model], f), { workers: 0, onEvent: progress.onEvent });
      } finally {
        progress.stop();
      }
      const m = r.models[0];
      if (m.stopReason !== 'completed') warn(`${m.kind}: ${m.stopReason}`);
      log(formatMetricsTable(r.metrics, { color: f.color && process.stdout.isTTY === true }));
      log(formatVerdict(r.metrics));
      if (f.save) {
        const path = resolve(f.save);
        saveCheckpoint(path, m.state, m.config, checkpointDataOf(d));
        log(`saved ${path}`);
      }
    });
}
