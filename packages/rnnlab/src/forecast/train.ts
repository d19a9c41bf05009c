/**
 * Training loop: each model with its own Adam optimizer, per-epoch training and validation loss, optional
 * gradient clipping and early stopping (restoring the best weights), and divergence detection.
 *
 * Loss: Σ (ŷ − y)² over the batch and the scored positions (the tutorial's MSELoss(reduction='none').sum()).
 * Scored positions: every step for causal models ('all-positions'); the last step only for bidirectional
 * models ('last-position'), because with a next-step target at every step the reverse direction of a BRNN
 * reads the answer from the following input. Reported losses are means per scored element, in scaled units.
 */
import { clipGradNorm } from '../nn/utils/clip_grad.js';
import { gradSquaredNorm } from '../nn/utils/grad_norm.js';
import { Adam } from '../optim/adam.js';
import { noGrad } from '../tensor/grad_mode.js';
import { batchLoss, type TargetPositions, type WindowBatch } from './batch_loss.js';
import { checkThreads, DataParallel, type ReplicaThreads } from './data_parallel.js';
import type { ModelConfig, SequenceRegressor } from './models.js';
import type { ScalerKind } from './prepare.js';

export { scoredPair, type TargetPositions, type WindowBatch } from './batch_loss.js';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  /** Largest global gradient norm seen in the epoch (before clipping). */
  maxGradNorm: number;
  seconds: number;
}

export interface FitOptions {
  epochs: number;
  lr: number;
  target: TargetPositions;
  /** Clip the global gradient norm to this value (off when undefined). */
  clip?: number;
  /** Stop after this many epochs without validation improvement and restore the best weights (off when 0/undefined). */
  patience?: number;
  /** A gradient norm above this counts as divergence (default 1e6). */
  maxGradNorm?: number;
  /** How the inputs were scaled; only used to word the divergence advice (unknown when undefined). */
  scaler?: ScalerKind;
  /** Called after every epoch. */
  onEpoch?: (r: EpochRecord) => void;
  /** Called after every batch with (batch index, batches per epoch, running mean loss). */
  onBatch?: (i: number, n: number, loss: number) => void;
  /**
   * Threads that compute each batch's gradient (default 1: this thread alone, the plain loop). With n > 1 every
   * batch is split into n row slices computed in parallel by replicas of the model (see data_parallel.ts), which
   * `replicas` starts; results are reproducible for a given n and differ from other n in the last bits.
   */
  threads?: number;
  /** Starts the replica threads when `threads` > 1: `nodeReplicaThreads` (rnnlab/node) or `webThreads` (rnnlab/browser). */
  replicas?: ReplicaThreads;
}

export interface FitResult {
  history: EpochRecord[];
  /** 1-based epoch whose weights the model holds at the end. */
  bestEpoch: number;
  /** Why training ended: 'completed', 'early stopping …' or 'diverged …' (with advice). */
  stopReason: string;
  diverged: boolean;
}

/** Mean squared error per scored element over batches, in eval mode without recording gradients. */
export function evaluateLoss(
  model: SequenceRegressor,
  batches: Iterable<WindowBatch>,
  target: TargetPositions,
): number {
  const wasTraining = model.training;
  model.eval();
  let sum = 0;
  let n = 0;
  noGrad(() => {
    for (const b of batches) {
      const [l, k] = batchLoss(model, b, target);
      sum += l.item();
      n += k;
    }
  });
  model.train(wasTraining);
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * What to try after a divergence, worded from the run's own settings so that it never suggests what is already
 * set: z-score scaling unless the inputs were scaled, a tenth of the learning rate, clipping (or a tenth of the
 * clipping threshold), and the bounded tanh for a relu DRNN/BRNN.
 */
function divergenceAdvice(c: Pick<Required<ModelConfig>, 'kind' | 'nonlinearity'>, o: FitOptions): string {
  const tips: string[] = [];
  if (o.scaler === undefined || o.scaler === 'none') tips.push('normalizing the inputs (--scaler zscore)');
  tips.push(`a lower learning rate (e.g. --lr ${tenth(o.lr)})`);
  tips.push(
    o.clip === undefined
      ? 'gradient clipping (--clip 1)'
      : `a lower clipping threshold (e.g. --clip ${tenth(o.clip)})`,
  );
  if ((c.kind === 'drnn' || c.kind === 'brnn') && c.nonlinearity === 'relu') {
    tips.push("nonlinearity 'tanh' instead of 'relu' (--nonlinearity tanh)");
  }
  return `try ${tips.slice(0, -1).join(', ')} or ${tips[tips.length - 1]}`;
}

/** v / 10 with two significant digits, as a user would type it (1e-4 → 0.00001, 3 → 0.3). */
function tenth(v: number): string {
  return String(Number((v / 10).toPrecision(2)));
}

/**
 * Trains `model` on `train()` batches (a fresh, possibly reshuffled iteration per epoch) and scores `val`
 * batches after every epoch.
 */
export function fit(
  model: SequenceRegressor,
  train: () => Iterable<WindowBatch>,
  val: readonly WindowBatch[],
  o: FitOptions,
): FitResult {
  return drain(fitSteps(model, train, val, o));
}

/**
 * `fit` as steps: yields after every optimizer step and returns the result, so a caller can hand control back to
 * an event loop between batches (pause, stop, keep a page responsive: see `runModelJobAsync`). Driving it to
 * the end without pausing is exactly `fit`.
 */
export function* fitSteps(
  model: SequenceRegressor,
  train: () => Iterable<WindowBatch>,
  val: readonly WindowBatch[],
  o: FitOptions,
): Generator<void, FitResult, void> {
  const opt = new Adam(model.parameters(), { lr: o.lr });
  const limit = o.maxGradNorm ?? 1e6;
  const history: EpochRecord[] = [];
  let best = { epoch: 0, loss: Number.POSITIVE_INFINITY, weights: null as Float32Array[] | null };
  let stopReason = 'completed';
  let diverged = false;
  const name = model.config.kind.toUpperCase();
  const threads = checkThreads(o.threads ?? 1);
  const replicas = o.replicas;
  if (threads > 1 && replicas === undefined)
    throw new Error(
      `training on ${threads} threads needs a way to start them: pass replicas (nodeReplicaThreads from ` +
        'rnnlab/node, or the replicas of webThreads from rnnlab/browser), or train with threads: 1',
    );
  let parallel: DataParallel | null = null;

  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      model.train();
      const batches = [...train()];
      if (threads > 1 && parallel === null && batches.length > 0) {
        const [, T, F] = batches[0].xShape;
        const rows = Math.max(...[...batches, ...val].map((b) => b.xShape[0]));
        parallel = new DataParallel(model, o.target, threads, replicas!, { rows, T, F });
      }
      let sum = 0;
      let count = 0;
      let maxNorm = 0;
      for (let i = 0; i < batches.length; i++) {
        opt.zeroGrad();
        let value: number;
        let k: number;
        let norm: number;
        if (parallel) {
          const [v, scored, sq] = parallel.gradient(batches[i]);
          value = v;
          k = scored;
          norm = o.clip !== undefined ? clipGradNorm(model.parameters(), o.clip) : Math.sqrt(sq);
        } else {
          const [loss, scored] = batchLoss(model, batches[i], o.target);
          value = loss.item();
          k = scored;
          loss.backward();
          norm = o.clip !== undefined ? clipGradNorm(model.parameters(), o.clip) : globalNorm(model);
        }
        maxNorm = Math.max(maxNorm, norm);
        if (!Number.isFinite(value) || !Number.isFinite(norm) || norm > limit) {
          const what = !Number.isFinite(value)
            ? `loss ${value}`
            : `gradient norm ${norm.toExponential(2)} (limit ${limit})`;
          stopReason = `diverged at epoch ${epoch}, batch ${i + 1}: ${what}; ${divergenceAdvice(model.config, o)}`;
          diverged = true;
          break;
        }
        opt.step();
        sum += value;
        count += k;
        o.onBatch?.(i + 1, batches.length, sum / count);
        yield;
      }
      if (diverged) break;
      const valLoss = parallel ? parallel.evaluate(val) : evaluateLoss(model, val, o.target);
      const rec: EpochRecord = {
        epoch,
        trainLoss: sum / count,
        valLoss,
        maxGradNorm: maxNorm,
        seconds: (performance.now() - t0) / 1000,
      };
      history.push(rec);
      o.onEpoch?.(rec);
      if (valLoss < best.loss) best = { epoch, loss: valLoss, weights: o.patience ? snapshot(model) : null };
      if (o.patience && epoch - best.epoch >= o.patience) {
        stopReason = `early stopping at epoch ${epoch}: no validation improvement for ${o.patience} epochs; restored epoch ${best.epoch}`;
        break;
      }
    }
  } finally {
    parallel?.close();
  }
  let bestEpoch = history.length;
  if (o.patience && best.weights) {
    restore(model, best.weights);
    bestEpoch = best.epoch;
  }
  if (diverged) stopReason = `${name} ${stopReason}`;
  return { history, bestEpoch, stopReason, diverged };
}

function globalNorm(model: SequenceRegressor): number {
  return Math.sqrt(gradSquaredNorm(model.parameters()));
}

function snapshot(model: SequenceRegressor): Float32Array[] {
  return model.parameters().map((p) => Float32Array.from(p.data));
}

function restore(model: SequenceRegressor, w: Float32Array[]): void {
  for (const [i, p] of model.parameters().entries()) p.data.set(w[i]);
}

/** Runs steps to the end without pausing and returns the generator's result. */
export function drain<R>(steps: Generator<void, R, void>): R {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
