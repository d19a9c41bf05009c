/** Steps shared by the CLI commands: load and prepare data, build jobs, print warnings. */
import { loadDataset } from '../data/dataset.js';
import type { PriceSeries } from '../data/series.js';
import type { ModelJob } from '../forecast/job.js';
import type { ModelKind } from '../forecast/models.js';
import { type PreparedData, prepareData, type ScalerKind } from '../forecast/prepare.js';

export interface DataFlags {
  csv?: string;
  range: string;
  target: string;
  features?: string[];
  scaler: ScalerKind;
  split: { train: number; val: number; test: number };
  seqLen: number;
  horizon: number;
  dropInvalid?: boolean;
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
}

export function loadSeries(f: DataFlags, warn: (s: string) => void): PriceSeries {
  const series = loadDataset(f.csv, f.range, { dropInvalid: f.dropInvalid ?? false });
  for (const w of series.warnings) warn(w);
  return series;
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

export function makeJobs(kinds: readonly ModelKind[], t: TrainFlags): ModelJob[] {
  return kinds.map((kind, index) => ({
    kind,
    index,
    model: { hiddenSize: t.hidden, numLayers: t.layers, nonlinearity: t.nonlinearity, dropout: t.dropout },
    train: {
      epochs: t.epochs,
      lr: t.lr,
      batchSize: t.batchSize,
      seed: t.seed,
      clip: t.clip,
      patience: t.patience,
    },
  }));
}

/** The rnnlab version from package.json. */
export async function packageVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
