/**
 * One model's whole run for one seed: seed, build, train on the training windows, score on validation, forecast
 * the validation windows (to calibrate prediction intervals) and the test windows (recursively for H > 1), and
 * return plain data (history, forecasts in prices, weights). Runs the same in the main thread or in a worker
 * thread, so results do not depend on how many workers ran, nor on which other models or seeds run beside it:
 * `rnnlab train --model lstm --seed S` is exactly `rnnlab compare`'s LSTM run for seed S.
 */
import { DataLoader } from '../data/loader.js';
import { manualSeed } from '../tensor/random.js';
import type { ReplicaThreads } from './data_parallel.js';
import { type EvalSet, evalSet, windowInputs } from './evaluation.js';
import { type ModelConfig, type ModelKind, SequenceRegressor } from './models.js';
import { predictLast, predictRecursive } from './predict.js';
import { type PreparedData, targetToPrice, unscaleWith } from './prepare.js';
import { drain, type EpochRecord, fitSteps, type TargetPositions, type WindowBatch } from './train.js';

export interface TrainConfig {
  epochs: number;
  lr: number;
  batchSize: number;
  clip?: number;
  patience?: number;
  /**
   * Threads that compute each batch's gradient (default 1). More than 1 needs `JobHooks.replicas`; a run is
   * reproducible bit for bit for a given number of threads, and another number changes the last bits.
   */
  threads?: number;
}

export interface ModelJob {
  kind: ModelKind;
  /** Seeds everything random in the run (initial weights, dropout, shuffling) through `manualSeed`. */
  seed: number;
  model: Omit<ModelConfig, 'kind' | 'inputSize' | 'outputSize'>;
  train: TrainConfig;
  /**
   * Positions trained and scored (default `targetFor(kind)`: the last one for the bidirectional model, every one
   * otherwise). 'all-positions' for a BRNN reproduces the tutorial's mistake: its reverse direction reads the
   * answer from the next input.
   */
  target?: TargetPositions;
}

/** Hooks of a run beside its events. */
export interface JobHooks {
  onEvent?: (e: JobEvent) => void;
  /** Called after every epoch with the model as it is then (e.g. to forecast the validation period live). */
  onEpochModel?: (model: SequenceRegressor, record: EpochRecord) => void;
  /**
   * Starts the replica threads when `job.train.threads` > 1: `nodeReplicaThreads` from rnnlab/node, or the
   * `replicas` of `webThreads` from rnnlab/browser.
   */
  replicas?: ReplicaThreads;
}

/** Hooks of an asynchronous run. */
export interface AsyncJobHooks extends JobHooks {
  /**
   * Awaited after every optimizer step: return at once to go on, wait to pause, throw to stop (the error is
   * rethrown by `runModelJobAsync`). The run's numbers do not depend on it.
   */
  between?: () => void | Promise<void>;
}

export type JobEvent =
  | {
      type: 'batch';
      kind: ModelKind;
      seed: number;
      epoch: number;
      batch: number;
      batches: number;
      loss: number;
    }
  | { type: 'epoch'; kind: ModelKind; seed: number; record: EpochRecord; epochs: number };

export interface ModelResult {
  kind: ModelKind;
  seed: number;
  target: TargetPositions;
  config: Required<ModelConfig>;
  history: EpochRecord[];
  bestEpoch: number;
  stopReason: string;
  diverged: boolean;
  trainSeconds: number;
  parameters: number;
  /** Forecasts (N, H) in prices for the test eval set's windows (`evalSet(d, 'test')`). */
  forecast: Float64Array;
  /** Forecasts (M, H) in prices for the validation windows (`evalSet(d, 'val')`), for interval calibration. */
  valForecast: Float64Array;
  /** Trained weights by PyTorch state-dict name. */
  state: Record<string, { shape: number[]; data: Float32Array }>;
}

/** Bidirectional models are trained and scored on the last position only (see train.ts). */
export function targetFor(kind: ModelKind): TargetPositions {
  return kind === 'brnn' ? 'last-position' : 'all-positions';
}

/** Runs a job to the end; the third argument is its event callback or its hooks. */
export function runModelJob(
  d: PreparedData,
  job: ModelJob,
  hooks?: ((e: JobEvent) => void) | JobHooks,
): ModelResult {
  return drain(modelJobSteps(d, job, typeof hooks === 'function' ? { onEvent: hooks } : hooks));
}

/**
 * `runModelJob` that gives control back after every optimizer step (see `AsyncJobHooks.between`), for Web
 * Workers and pages that must pause, stop or stay responsive. Same numbers as `runModelJob` for the same job.
 */
export async function runModelJobAsync(
  d: PreparedData,
  job: ModelJob,
  hooks: AsyncJobHooks = {},
): Promise<ModelResult> {
  const steps = modelJobSteps(d, job, hooks);
  try {
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      await hooks.between?.();
    }
  } finally {
    steps.return(undefined as never); // a stopped run lets its replica threads go
  }
}

/** A model run as steps (one per optimizer step); the generator's result is the run's `ModelResult`. */
export function* modelJobSteps(
  d: PreparedData,
  job: ModelJob,
  hooks: JobHooks = {},
): Generator<void, ModelResult, void> {
  const { onEvent } = hooks;
  const { seed, kind } = job;
  manualSeed(seed);
  const model = new SequenceRegressor({
    ...job.model,
    kind,
    inputSize: d.windows.features,
    outputSize: 1,
  });
  const loader = new DataLoader(d.windows, {
    batchSize: job.train.batchSize,
    shuffle: true, // each epoch's order comes from the generator manualSeed(seed) seeded above
    indices: d.split.train.windows,
  });
  const val: WindowBatch[] = [...new DataLoader(d.windows, { batchSize: 256, indices: d.split.val.windows })];
  const target = job.target ?? targetFor(kind);
  let epoch = 1;
  const t0 = performance.now();
  const r = yield* fitSteps(model, () => loader, val, {
    epochs: job.train.epochs,
    lr: job.train.lr,
    target,
    clip: job.train.clip,
    patience: job.train.patience,
    scaler: d.scalerKind,
    threads: job.train.threads,
    replicas: hooks.replicas,
    onBatch: (batch, batches, loss) => onEvent?.({ type: 'batch', kind, seed, epoch, batch, batches, loss }),
    onEpoch: (record) => {
      onEvent?.({ type: 'epoch', kind, seed, record, epochs: job.train.epochs });
      hooks.onEpochModel?.(model, record);
      epoch = record.epoch + 1;
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const state = Object.fromEntries(
    model.namedParameters().map(([n, p]) => [n, { shape: [...p.shape], data: Float32Array.from(p.data) }]),
  );
  return {
    kind,
    seed,
    target,
    config: model.config,
    history: r.history,
    bestEpoch: r.bestEpoch,
    stopReason: r.stopReason,
    diverged: r.diverged,
    trainSeconds,
    parameters: model.numParameters(),
    forecast: forecastPrices(d, model, evalSet(d, 'test')),
    valForecast: forecastPrices(d, model, evalSet(d, 'val')),
    state,
  };
}

/**
 * Forecasts (N, H) in prices for the windows of `s`: the last position's output for H = 1, recursive
 * forecasts (each prediction fed back as the next input) for H > 1. Log-return targets are compounded from each
 * window's last actual close.
 */
export function forecastPrices(d: PreparedData, model: SequenceRegressor, s: EvalSet): Float64Array {
  const N = s.ids.length;
  const x = windowInputs(d, s.ids);
  const T = d.seqLen;
  if (s.H === 1) return targetToPrice(d, predictLast(model, x, N, T, d.windows.features), s.previous);
  const v = unscaleWith(d.targetScaler, predictRecursive(model, x, N, T, s.H));
  if (d.target === 'close') return v;
  const out = new Float64Array(v.length);
  for (let i = 0; i < N; i++) {
    let acc = 0;
    for (let k = 0; k < s.H; k++) out[i * s.H + k] = s.previous[i] * Math.exp((acc += v[i * s.H + k]));
  }
  return out;
}
