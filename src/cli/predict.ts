/** `rnnlab predict`: forecast the next days after the end of a price file with a saved model. */
import { Command } from 'commander';
import { loadDataset } from '../data/dataset.js';
import { buildFeatures } from '../data/features.js';
import { loadCheckpoint } from '../forecast/checkpoint.js';
import { predictLast, predictRecursive } from '../forecast/predict.js';
import { scaleWith, unscaleWith } from '../forecast/prepare.js';
import { int } from './options.js';

interface PredictFlags {
  model: string;
  csv?: string;
  range: string;
  horizon: number;
  json?: boolean;
}

export function predictCommand(): Command {
  return new Command('predict')
    .description(
      'Forecast the trading days after the last row of a price file with a model saved by `rnnlab train --save`.',
    )
    .requiredOption(
      '--model <file.safetensors>',
      'checkpoint written by rnnlab train --save or compare --save-dir',
    )
    .option('--csv <file>', 'daily price CSV (default: the shipped Dow Jones file)')
    .option(
      '--range <from:to>',
      'use rows in this inclusive date range; the forecast starts after its last row',
      ':',
    )
    .option('--horizon <n>', 'days ahead (recursive beyond 1; univariate models only)', int(1), 1)
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', '\nExample:\n  rnnlab predict --model lstm.safetensors --csv dji.csv --horizon 5')
    .action((f: PredictFlags) => {
      const { model, data } = loadCheckpoint(f.model);
      const series = loadDataset(f.csv, f.range);
      const table = buildFeatures(series, data.features);
      const T = data.seqLen;
      if (table.rows < T) {
        throw new Error(
          `${series.source}: ${table.rows} usable rows, but the model needs the last ${T} days; use a longer --range`,
        );
      }
      const F = data.features.length;
      const x = new Float32Array(T * F);
      data.features.forEach((_, fi) => {
        const scaled = scaleWith(data.scalers[fi], table.columns[fi].subarray(table.rows - T));
        for (let t = 0; t < T; t++) x[t * F + fi] = scaled[t];
      });
      if (f.horizon > 1 && F !== 1) {
        throw new Error(
          `--horizon ${f.horizon} needs a univariate model; this one uses features ${data.features.join(', ')}. Use --horizon 1.`,
        );
      }
      const scaled =
        f.horizon === 1 ? predictLast(model, x, 1, T, F) : predictRecursive(model, x, 1, T, f.horizon);
      const v = unscaleWith(data.targetScaler, scaled);
      const lastClose = series.columns.close[series.rows - 1];
      let acc = 0;
      const prices = Array.from(v, (p) => (data.target === 'close' ? p : lastClose * Math.exp((acc += p))));
      const lastDate = series.dates[series.rows - 1];
      if (f.json) {
        process.stdout.write(
          `${JSON.stringify({ model: model.config, lastDate, lastClose, forecast: prices })}\n`,
        );
        return;
      }
      process.stdout.write(
        `${model.config.kind.toUpperCase()} forecast after ${lastDate} (last close ${lastClose.toFixed(2)}):\n`,
      );
      prices.forEach((p, k) => {
        const change = ((p / lastClose - 1) * 100).toFixed(2);
        process.stdout.write(
          `  +${k + 1} trading day${k ? 's' : ' '}  ${p.toFixed(2).padStart(10)}  (${Number(change) >= 0 ? '+' : ''}${change}%)\n`,
        );
      });
    });
}
