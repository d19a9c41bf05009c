/**
 * `rnnlab predict`: forecast the trading days after a forecast origin with a saved model, with dates, the
 * checkpoint's split-conformal intervals, and the actual closes where the file already has them.
 */
import { Command } from 'commander';
import pc from 'picocolors';
import { printable } from 'rnnlab';
import { buildFeatures, DEFAULT_MAX_BYTES, daysBetween, nextBusinessDays, sliceByDate } from 'rnnlab/data';
import { predictLast, predictRecursive, scaleWith, unscaleWith } from 'rnnlab/forecast';
import { defaultDatasetPath, loadCheckpoint, readPriceCsv } from 'rnnlab/node';
import { loadProgress } from './common.js';
import { int } from './options.js';

interface PredictFlags {
  model: string;
  csv?: string;
  range?: string;
  origin?: string;
  horizon: number;
  json?: boolean;
  force?: boolean;
  maxBytes?: number;
}

/** Calendar days between the checkpoint's last data day and the origin above which predict warns. */
export const STALE_DAYS = 30;

export interface PredictedStep {
  step: number;
  date: string;
  /** Whether `date` is a row of the file (else a weekday after its last row; holidays are not known). */
  dateFromFile: boolean;
  forecast: number;
  lo80: number | null;
  hi80: number | null;
  lo95: number | null;
  hi95: number | null;
  /** The close on `date` when the file has it. */
  actual: number | null;
}

const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(2));

export function predictCommand(): Command {
  return new Command('predict')
    .description(
      'Forecast the trading days after a forecast origin (default: the last row of the data) with a model saved by ' +
        '`rnnlab train --save` or `compare --save-dir`: dates, forecasts, 80%/95% intervals, and actual closes where ' +
        'the file has them.',
    )
    .requiredOption(
      '--model <file.safetensors>',
      'checkpoint written by rnnlab train --save or compare --save-dir',
    )
    .option('--csv <file>', 'daily price CSV (default: the shipped Dow Jones file)')
    .option(
      '--origin <date>',
      'forecast from the last row on or before this date (YYYY-MM-DD); later rows of the file are shown as actuals',
    )
    .option(
      '--range <from:to>',
      'only use rows in this inclusive date range as input; the origin is its last row (later rows of the file are shown as actuals)',
    )
    .option('--horizon <n>', 'days ahead (recursive beyond 1; univariate models only)', int(1), 1)
    .option('--json', 'print JSON instead of a table')
    .option('--force', 'predict with a checkpoint that is marked as diverged')
    .option(
      '--max-bytes <n>',
      `largest CSV file read, in bytes (default ${DEFAULT_MAX_BYTES}, 256 MiB)`,
      int(1),
    )
    .addHelpText(
      'after',
      '\nIntervals: split-conformal, from the checkpoint’s validation-period errors relative to the last close\n' +
        '(stored by train/compare); steps beyond the calibrated ones show "–". Dates after the file’s last row are\n' +
        'weekdays (exchange holidays are not known).\n\n' +
        'Examples:\n  rnnlab predict --model lstm.safetensors --horizon 5\n' +
        '  rnnlab predict --model lstm.safetensors --origin 2024-03-01 --horizon 5   # compare with actual closes',
    )
    .action((f: PredictFlags) => {
      const warnings: string[] = [];
      const warn = (s: string) => {
        warnings.push(s);
        if (!f.json) process.stderr.write(`${pc.yellow('warning:')} ${printable(s, 1000)}\n`);
      };
      if (f.origin !== undefined && f.range !== undefined)
        throw new Error('give either --origin or --range, not both (--origin D is the same as --range :D)');
      const { model, data } = loadCheckpoint(f.model);
      if (data.diverged && !f.force) {
        throw new Error(
          `${f.model}: this model's training diverged, so its forecasts are meaningless. Retrain it (e.g. a lower --lr ` +
            'or --clip 1), or pass --force to predict anyway.',
        );
      }
      const csvPath = f.csv ?? defaultDatasetPath();
      const file = readPriceCsv(csvPath, { maxBytes: f.maxBytes, onProgress: loadProgress(csvPath) });
      const series = sliceByDate(file, f.origin !== undefined ? `:${f.origin}` : (f.range ?? ':'));
      const table = buildFeatures(series, data.features);
      const T = data.seqLen;
      if (table.rows < T) {
        throw new Error(
          `${series.source}: ${table.rows} usable rows up to the origin, but the model needs the last ${T} days; use a later --origin or a wider --range`,
        );
      }
      const F = data.features.length;
      if (f.horizon > 1 && F !== 1) {
        throw new Error(
          `--horizon ${f.horizon} needs a univariate model; this one uses features ${data.features.join(', ')}. Use --horizon 1.`,
        );
      }
      const x = new Float32Array(T * F);
      data.features.forEach((_, fi) => {
        const scaled = scaleWith(data.scalers[fi], table.columns[fi].subarray(table.rows - T));
        for (let t = 0; t < T; t++) x[t * F + fi] = scaled[t];
      });
      const scaled =
        f.horizon === 1 ? predictLast(model, x, 1, T, F) : predictRecursive(model, x, 1, T, f.horizon);
      const v = unscaleWith(data.targetScaler, scaled);
      const originDate = series.dates[series.rows - 1];
      const lastClose = series.columns.close[series.rows - 1];
      let acc = 0;
      const prices = Array.from(v, (p) => (data.target === 'close' ? p : lastClose * Math.exp((acc += p))));
      if (!prices.every(Number.isFinite)) {
        throw new Error(
          `${f.model}: the model's forecast is not a finite number (${prices.join(', ')}); the checkpoint is damaged or ` +
            'its training diverged. Retrain it.',
        );
      }
      const dataEnd = data.dataEnd ?? data.trainedThrough;
      const gap = daysBetween(dataEnd, originDate);
      if (gap > STALE_DAYS) {
        warn(
          `the model's data ended ${dataEnd}, ${gap} days before the forecast origin ${originDate}: its scaling and ` +
            'intervals come from an older price level. Retrain on data up to the origin for a current forecast.',
        );
      }
      if (gap < 0) {
        warn(
          `the forecast origin ${originDate} lies before the end of the model's data (${dataEnd}): the model has seen ` +
            'these days, so the actual closes shown are not out of sample.',
        );
      }
      // Dates and actuals: the file's rows after the origin, then weekdays after its last row.
      const from = file.dates.indexOf(originDate);
      const fileDates = file.dates.slice(from + 1, from + 1 + f.horizon);
      const extra = nextBusinessDays(file.dates[file.rows - 1], f.horizon - fileDates.length);
      const q = data.intervals;
      const half = (level: number, k: number): number | null => {
        const i = q ? q.levels.indexOf(level) : -1;
        const w = i >= 0 ? q!.relativeHalfWidth[i][k] : undefined;
        return w === undefined || !Number.isFinite(w) ? null : w * lastClose;
      };
      const steps: PredictedStep[] = prices.map((p, k) => {
        const h80 = half(0.8, k);
        const h95 = half(0.95, k);
        const inFile = k < fileDates.length;
        return {
          step: k + 1,
          date: inFile ? fileDates[k] : extra[k - fileDates.length],
          dateFromFile: inFile,
          forecast: p,
          lo80: h80 === null ? null : p - h80,
          hi80: h80 === null ? null : p + h80,
          lo95: h95 === null ? null : p - h95,
          hi95: h95 === null ? null : p + h95,
          actual: inFile ? file.columns.close[from + 1 + k] : null,
        };
      });
      if (!q)
        warn('this checkpoint has no interval widths (written by an older rnnlab); retrain to get intervals');
      if (f.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              model: model.config,
              checkpoint: {
                path: f.model,
                seed: data.seed ?? null,
                trainedThrough: data.trainedThrough,
                dataEnd,
              },
              origin: { date: originDate, close: lastClose },
              steps,
              warnings,
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const out: string[] = [];
      out.push(
        `${printable(model.config.kind.toUpperCase())} forecast from ${originDate} (close ${lastClose.toFixed(2)}); model data ended ${dataEnd}:`,
      );
      const head = ['step', 'date', 'forecast', 'change', '80% interval', '95% interval', 'actual'];
      const rows = steps.map((s) => [
        `+${s.step}`,
        `${s.date}${s.dateFromFile ? '' : '*'}`,
        s.forecast.toFixed(2),
        `${s.forecast >= lastClose ? '+' : ''}${((s.forecast / lastClose - 1) * 100).toFixed(2)}%`,
        s.lo80 === null ? '–' : `${fmt(s.lo80)}..${fmt(s.hi80)}`,
        s.lo95 === null ? '–' : `${fmt(s.lo95)}..${fmt(s.hi95)}`,
        fmt(s.actual),
      ]);
      const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
      const line = (cells: string[]) =>
        `  ${cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
      out.push(line(head), ...rows.map(line));
      if (steps.some((s) => !s.dateFromFile))
        out.push('  * weekday after the last row of the file (exchange holidays are not known)');
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
