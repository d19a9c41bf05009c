/**
 * One model's whole run: seed, build, train on the training windows, score on validation, forecast the test
 * windows (recursively for H > 1) and return plain data (history, forecasts in prices, weights). Runs the
 * same in the main thread or in a worker thread, so results do not depend on how many workers ran.
 */
import { DataLoader } from '../data/loader.js';
import { manualSeed } from '../tensor/random.js';
import { evalSet, windowInputs } from './evaluation.js';
import { type ModelConfig, type ModelKind, SequenceRegressor } from './models.js';
import { predictLast, predictRecursive } from './predict.js';
import { type PreparedData, targetToPrice, unscaleWith } from './prepare.js';
import { type EpochRecord, fit, type TargetPositions, type WindowBatch } from './train.js';

export interface TrainConfig {
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  clip?: number;
  patience?: number;
}

export interface ModelJob {
  kind: ModelKind;
  /** Position in the run; the model's seed is train.seed + index. */
  index: number;
  model: Omit<ModelConfig, 'kind' | 'inputSize' | 'outputSize'>;
  train: TrainConfig;
}

export type JobEvent =
  | { type: 'batch'; kind: ModelKind; epoch: number; batch: number; batches: number; loss: number }
  | { type: 'epoch'; kind: ModelKind; record: EpochRecord; epochs: number };

export interface ModelResult {
  kind: ModelKind;
  target: TargetPositions;
  config: Required<ModelConfig>;
  history: EpochRecord[];
  bestEpoch: number;
  stopReason: string;
  diverged: boolean;
  trainSeconds: number;
  parameters: number;
  /** Forecasts (N, H) in prices for the eval set's windows. */
  forecast: Float64Array;
  /** Trained weights by PyTorch state-dict name. */
  state: Record<string, { shape: number[]; data: Float32Array }>;
}

/** Bidirectional models are trained and scored on the last position only (see train.ts). */
export function targetFor(kind: ModelKind): TargetPositions {
  return kind === 'brnn' ? 'last-position' : 'all-positions';
}

export function runModelJob(d: PreparedData, job: ModelJob, onEvent?: (e: JobEvent) => void): ModelResult {
  const seed = job.train.seed + job.index;
  manualSeed(seed);
  const model = new SequenceRegressor({
    ...job.model,
    kind: job.kind,
    inputSize: d.windows.features,
    outputSize: 1,
  });
  const loader = new DataLoader(d.windows, {
    batchSize: job.train.batchSize,
    shuffle: true,
    seed,
    indices: d.split.train.windows,
  });
  const val: WindowBatch[] = [...new DataLoader(d.windows, { batchSize: 256, indices: d.split.val.windows })];
  const target = targetFor(job.kind);
  let epoch = 1;
  const t0 = performance.now();
  const r = fit(model, () => loader, val, {
    epochs: job.train.epochs,
    lr: job.train.lr,
    target,
    clip: job.train.clip,
    patience: job.train.patience,
    onBatch: (batch, batches, loss) =>
      onEvent?.({ type: 'batch', kind: job.kind, epoch, batch, batches, loss }),
    onEpoch: (record) => {
      onEvent?.({ type: 'epoch', kind: job.kind, record, epochs: job.train.epochs });
      epoch = record.epoch + 1;
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;

  const s = evalSet(d);
  const N = s.ids.length;
  const x = windowInputs(d, s.ids);
  const T = d.seqLen;
  let forecast: Float64Array;
  if (s.H === 1) {
    forecast = targetToPrice(d, predictLast(model, x, N, T, d.windows.features), s.previous);
  } else {
    const scaled = predictRecursive(model, x, N, T, s.H);
    const v = unscaleWith(d.targetScaler, scaled);
    if (d.target === 'close') forecast = v;
    else {
      // Compound predicted log returns from each window's last actual close.
      forecast = new Float64Array(v.length);
      for (let i = 0; i < N; i++) {
        let acc = 0;
        for (let k = 0; k < s.H; k++)
          forecast[i * s.H + k] = s.previous[i] * Math.exp((acc += v[i * s.H + k]));
      }
    }
  }
  const state = Object.fromEntries(
    model.namedParameters().map(([n, p]) => [n, { shape: [...p.shape], data: Float32Array.from(p.data) }]),
  );
  return {
    kind: job.kind,
    target,
    config: model.config,
    history: r.history,
    bestEpoch: r.bestEpoch,
    stopReason: r.stopReason,
    diverged: r.diverged,
    trainSeconds,
    parameters: model.numParameters(),
    forecast,
    state,
  };
}
