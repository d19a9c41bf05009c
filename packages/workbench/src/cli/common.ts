/** Steps shared by the CLI commands: load and prepare data, build jobs, print warnings. */
import { resolve } from 'node:path';
import { printable } from 'rnnlab';
import { type PriceSeries, sliceByDate } from 'rnnlab/data';
import {
  type EvalSet,
  ModelConfigError,
  type ModelJob,
  type ModelKind,
  type ModelResult,
  type PreparedData,
  prepareData,
  resolveModelConfig,
  runCheckpointData,
  type ScalerKind,
} from 'rnnlab/forecast';
import { DEFAULT_RANGE, defaultDatasetPath, readPriceCsv, saveCheckpoint } from 'rnnlab/node';

export interface DataFlags {
  csv?: string;
  range?: string;
  target: string;
  features?: string[];
  scaler: ScalerKind;
  split: { train: number; val: number; test: number };
  seqLen: number;
  horizon: number;
  dropInvalid?: boolean;
  maxBytes?: number;
}

export interface TrainFlags {
  hidden: number;
  layers: number;
  nonlinearity: 'tanh' | 'relu';
  dropout: number;
  epochs: number;
  batchSize: number;
  lr: number;
  clip?: number;
  patience?: number;
  seed: number;
  /** Threads per run (data parallelism); undefined = 1. */
  threads?: number;
}

/** A loaded series and how it was chosen, for the start-up line and the report. */
export interface LoadedSeries {
  series: PriceSeries;
  /** The shipped Dow Jones file (prices in index points) rather than a user's file. */
  shipped: boolean;
  /** The range applied, and why: given by --range, the tutorial's default window, or all rows. */
  range: string;
  rangeReason: 'given' | 'tutorial window' | 'all rows';
  /** Rows in the file before the range was applied. */
  fileRows: number;
}

/**
 * Reads --csv (default: the shipped file) and applies --range. Without --range the tutorial's window applies to
 * the shipped Dow Jones file only; a user's file is used whole.
 */
export function loadSeries(f: DataFlags, warn: (s: string) => void): LoadedSeries {
  const shippedPath = defaultDatasetPath();
  const path = f.csv ?? shippedPath;
  const shipped = resolve(path) === shippedPath;
  const whole = readPriceCsv(path, {
    dropInvalid: f.dropInvalid ?? false,
    maxBytes: f.maxBytes,
    onProgress: loadProgress(path),
  });
  const rangeReason = f.range !== undefined ? 'given' : shipped ? 'tutorial window' : 'all rows';
  const range = f.range ?? (shipped ? DEFAULT_RANGE : ':');
  const series = sliceByDate(whole, range);
  for (const w of series.warnings) warn(w);
  return { series, shipped, range, rangeReason, fileRows: whole.rows };
}

/** Files above this size show a progress line on a terminal while they load. */
const PROGRESS_BYTES = 16 * 1024 * 1024;

/** A progress callback for readPriceCsv: "reading FILE: 45%" on stderr when it is a terminal and the file is big. */
export function loadProgress(path: string): ((read: number, total: number) => void) | undefined {
  if (process.stderr.isTTY !== true) return undefined;
  let shown = -1;
  return (read, total) => {
    if (total < PROGRESS_BYTES) return;
    const pct = Math.floor((read / total) * 100);
    if (pct === shown) return;
    shown = pct;
    process.stderr.write(`\rreading ${printable(path)}: ${pct}%${pct >= 100 ? '\n' : ''}`);
  };
}

/** "dji.csv: 1257 of 8363 rows, 2019-03-25..2024-03-20 (the tutorial window 2019-03-25:2024-03-20)". */
export function describeRows(l: LoadedSeries): string {
  const s = l.series;
  const why =
    l.rangeReason === 'given'
      ? `--range ${l.range}`
      : l.rangeReason === 'tutorial window'
        ? `the tutorial's window ${l.range}; --range changes it`
        : 'all rows; --range selects fewer';
  return `${printable(s.source)}: ${s.rows} of ${l.fileRows} rows, ${s.dates[0]}..${s.dates[s.rows - 1]} (${why})`;
}

/** Price unit of a loaded series: index points for the shipped Dow Jones file, "price" otherwise. */
export function unitOf(l: LoadedSeries): string {
  return l.shipped ? 'index points' : 'price';
}

export function prepare(series: PriceSeries, f: DataFlags): PreparedData {
  return prepareData(series, {
    target: f.target,
    features: f.features,
    seqLen: f.seqLen,
    horizon: f.horizon,
    scaler: f.scaler,
    fractions: f.split,
  });
}

/** The train/compare flag that sets each model-config field (for error messages). */
const FLAG_OF: Readonly<Record<string, string>> = {
  hiddenSize: '--hidden',
  numLayers: '--layers',
  dropout: '--dropout',
  nonlinearity: '--nonlinearity',
  inputSize: '--features',
  parameters: '--hidden or --layers',
};

/**
 * Checks every model's config (sizes, bounds, memory) before any training, so an absurd --hidden fails at once
 * naming the flag rather than inside a worker.
 */
export function checkModelFlags(kinds: readonly ModelKind[], d: PreparedData, t: TrainFlags): void {
  for (const kind of kinds) {
    try {
      resolveModelConfig({
        kind,
        inputSize: d.windows.features,
        outputSize: 1,
        hiddenSize: t.hidden,
        numLayers: t.layers,
        nonlinearity: t.nonlinearity,
        dropout: t.dropout,
      });
    } catch (e) {
      if (!(e instanceof ModelConfigError)) throw e;
      throw new ModelConfigError(e.field, `${FLAG_OF[e.field] ?? e.field}: ${e.message}`);
    }
  }
}

/** One job per model kind and seed (seeds outermost); seed S of a kind is the same run in train and compare. */
export function makeJobs(kinds: readonly ModelKind[], seeds: readonly number[], t: TrainFlags): ModelJob[] {
  return seeds.flatMap((seed) =>
    kinds.map((kind) => ({
      kind,
      seed,
      model: { hiddenSize: t.hidden, numLayers: t.layers, nonlinearity: t.nonlinearity, dropout: t.dropout },
      train: {
        epochs: t.epochs,
        lr: t.lr,
        batchSize: t.batchSize,
        clip: t.clip,
        patience: t.patience,
        threads: t.threads,
      },
    })),
  );
}

/** The rnnlab version from package.json. */
export async function packageVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Saves one trained run as a checkpoint (weights plus `runCheckpointData`: what predict needs). */
export function saveRun(path: string, d: PreparedData, val: EvalSet, m: ModelResult): void {
  saveCheckpoint(path, m.state, m.config, runCheckpointData(d, val, m));
}
