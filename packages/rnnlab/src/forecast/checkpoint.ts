/**
 * Checkpoints as safetensors files: tensors named by PyTorch's state-dict names (`rnn.weight_ih_l0`, …,
 * `linear.bias`) so `model.load_state_dict(safetensors.torch.load_file(path))` works on the tutorial's classes,
 * and `__metadata__` holding the model config and the data settings (features, target, window length, the
 * scalers' training statistics) as JSON strings under `rnnlab.model` and `rnnlab.data`.
 *
 * Loading trusts nothing in the file. In order, before any model is built: the safetensors structure, the
 * format tag, the model config (types, enumerations, bounds), the tensor list (exactly the names and shapes the
 * config implies), every weight finite, and every data field (see `checkCheckpointData`). Every problem is a
 * CheckpointError whose message names the file, the field and the fix, and stays short.
 */
import type { ScalerJSON } from '../data/scalers.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsContents,
  SafetensorsError,
} from '../nn/safetensors.js';
import { formatShape } from '../tensor/shape.js';
import { printable } from '../util/printable.js';
import type { EvalSet } from './evaluation.js';
import { calibrateIntervals } from './intervals.js';
import type { ModelResult } from './job.js';
import {
  type ModelConfig,
  ModelConfigError,
  modelParameterShapes,
  resolveModelConfig,
  SequenceRegressor,
} from './models.js';
import type { PreparedData } from './prepare.js';

export interface CheckpointData {
  /** What the model predicts: the close, or the log return priced from the previous close. */
  target: 'close' | 'log_return';
  /** Input features per step, in the model's input order. */
  features: string[];
  /** Window length T. */
  seqLen: number;
  /** One scaler per feature (null = unscaled), fitted on the training days. */
  scalers: Array<ScalerJSON | null>;
  /** Scaler of the target (the target feature's own when the target is an input). */
  targetScaler: ScalerJSON | null;
  /** Source of the training data (informational). */
  source: string;
  /** Last training day, YYYY-MM-DD. */
  trainedThrough: string;
  /** Last date of the validation period (the newest day whose data shaped the model). */
  dataEnd?: string; // YYYY-MM-DD
  /** Training diverged (non-finite or exploding loss); predict refuses such a checkpoint unless forced. */
  diverged?: boolean;
  /** The seed the model was trained with. */
  seed?: number;
  /**
   * Split-conformal prediction intervals from the validation period: half-width of the level-L interval at
   * step k is relativeHalfWidth[i][k] × (last known close), i ↔ levels[i] (e.g. [0.8, 0.95]). A width is a
   * number ≥ 0 or Infinity (too few validation forecasts for that level: unbounded); the file stores Infinity
   * (and, for a diverged model only, NaN) as null, which loads as Infinity.
   */
  intervals?: { levels: number[]; relativeHalfWidth: number[][] };
}

export const CHECKPOINT_FORMAT = 'rnnlab-checkpoint/v1';

/** Bounds on the data settings of a checkpoint; far above useful values, they stop crafted files early. */
export const CHECKPOINT_LIMITS = {
  features: 64,
  seqLen: 10_000,
  /** Interval levels and forecast steps. */
  levels: 16,
  steps: 1000,
  /** Length of `source`. */
  sourceChars: 4096,
  /** Safetensors header: ≤ 802 tensor entries and the metadata take well under 1 MB. */
  headerBytes: 4_000_000,
  /** |statistic| of a daily log-return scaler (a log return of 1 is a ×2.7 day). */
  logReturn: 1,
  /** |statistic| of any scaler: far above any price or volume, far below where unscaling overflows. */
  statistic: 1e15,
} as const;

/** A checkpoint that cannot be written or loaded; the message names the file, the field and the fix. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** The data settings a model trained on `d` needs at prediction time. */
export function checkpointDataOf(d: PreparedData): CheckpointData {
  return {
    target: d.target as CheckpointData['target'],
    features: d.featureNames,
    seqLen: d.seqLen,
    scalers: d.scalers,
    targetScaler: d.targetScaler,
    source: d.source,
    trainedThrough: d.dates[d.split.trainEnd - 1]!,
  };
}

/**
 * What a trained run's checkpoint stores beyond the weights: the data settings, the last day of validation data,
 * the seed, whether training diverged, and the run's own validation-calibrated interval widths (relative to the
 * last close, per step), which `predict` prints.
 */
export function runCheckpointData(
  d: PreparedData,
  val: EvalSet,
  run: Pick<ModelResult, 'seed' | 'diverged' | 'valForecast'>,
): CheckpointData {
  return {
    ...checkpointDataOf(d),
    dataEnd: d.dates[d.split.val.lastDay],
    seed: run.seed,
    diverged: run.diverged,
    intervals: {
      levels: [0.8, 0.95],
      relativeHalfWidth: Object.values(calibrateIntervals(val, run.valForecast)),
    },
  };
}

/**
 * The bytes of a checkpoint: the model's weights, `config` and `data` as a safetensors file. `data` is checked first
 * (the same checks as loading), so a checkpoint that could not be loaded is never produced; errors start with
 * `sourceName`.
 */
export function encodeCheckpoint(
  model: SequenceRegressor | Record<string, { shape: number[]; data: Float32Array }>,
  config: Required<ModelConfig>,
  data: CheckpointData,
  sourceName = 'checkpoint',
): Uint8Array {
  const problem = checkCheckpointData(data, config);
  if (problem !== null) {
    throw new CheckpointError(`${printable(sourceName, 200)}: cannot save: checkpoint data ${problem}`);
  }
  const tensors =
    model instanceof SequenceRegressor
      ? Object.fromEntries(
          model
            .namedParameters()
            .map(([n, p]) => [n, { shape: [...p.shape], data: Float32Array.from(p.data) }]),
        )
      : model;
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    'rnnlab.model': JSON.stringify(config),
    'rnnlab.data': JSON.stringify(data, (_key, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? null : v,
    ),
  });
}

/** How checkpoints are read: non-finite weights are reported by this module, headers are small. */
export const READ_OPTIONS = { allowNonFinite: true, maxHeaderBytes: CHECKPOINT_LIMITS.headerBytes };

/** `loadCheckpoint` for the bytes of a checkpoint file; errors start with `sourceName`. */
export function decodeCheckpoint(
  bytes: Uint8Array,
  sourceName = 'checkpoint buffer',
): { model: SequenceRegressor; data: CheckpointData } {
  return checkpointFrom(() => decodeSafetensors(bytes, sourceName, READ_OPTIONS), sourceName);
}

/** Validates decoded checkpoint contents and builds the model; errors name `sourceName`. */
export function checkpointFrom(
  read: () => SafetensorsContents,
  sourceName: string,
): { model: SequenceRegressor; data: CheckpointData } {
  const file = printable(sourceName, 200);
  const fail = (what: string, fix = 'Re-save it with `rnnlab train --save`.'): never => {
    throw new CheckpointError(`${file}: ${what}. ${fix}`);
  };
  let contents: SafetensorsContents;
  try {
    contents = read();
  } catch (e) {
    if (e instanceof SafetensorsError) throw new CheckpointError(e.message, { cause: e });
    throw e;
  }
  const { tensors, metadata } = contents;
  if (metadata.format !== CHECKPOINT_FORMAT) {
    fail(
      `metadata "format" is ${describe(metadata.format)}, expected "${CHECKPOINT_FORMAT}": not an rnnlab checkpoint`,
      'Give a file written by `rnnlab train --save` or `compare --save-dir`.',
    );
  }
  const rawConfig = parseMetadata(metadata, 'rnnlab.model', fail);
  const rawData = parseMetadata(metadata, 'rnnlab.data', fail);

  let config: Required<ModelConfig>;
  try {
    if (typeof rawConfig !== 'object' || rawConfig === null || Array.isArray(rawConfig)) {
      throw new ModelConfigError(
        'kind',
        `it is ${describe(rawConfig)}, not an object such as {"kind":"lstm"}`,
      );
    }
    config = resolveModelConfig(rawConfig as ModelConfig);
  } catch (e) {
    if (!(e instanceof ModelConfigError)) throw e;
    return fail(`metadata "rnnlab.model": ${e.message}`);
  }

  const tensorProblem = checkTensorList(tensors, config);
  if (tensorProblem !== null)
    fail(
      `its tensors do not fit the model its metadata declares, ${config.kind} (inputSize ${config.inputSize}, ` +
        `hiddenSize ${config.hiddenSize}, numLayers ${config.numLayers}, outputSize ${config.outputSize}): ${tensorProblem}`,
    );
  for (const [name, t] of Object.entries(tensors)) {
    const i = t.data.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) {
      const diverged = (rawData as { diverged?: unknown } | null)?.diverged === true;
      fail(
        `weight ${describe(name)} holds ${t.data[i]} at element ${i} of ${t.data.length}: ` +
          (diverged
            ? 'the checkpoint is marked as diverged'
            : 'its training diverged or the file is damaged'),
        'Retrain the model (e.g. with a lower --lr, or --clip 1).',
      );
    }
  }

  const dataProblem = checkCheckpointData(rawData, config);
  if (dataProblem !== null) fail(`metadata "rnnlab.data": ${dataProblem}`);
  const data = cleanData(rawData as CheckpointData);

  const model = new SequenceRegressor(config);
  model.loadStateDict(tensors);
  return { model, data };
}

/** JSON.parse of one metadata entry; missing or invalid JSON is a CheckpointError naming the key. */
function parseMetadata(
  metadata: Record<string, string>,
  key: string,
  fail: (what: string) => never,
): unknown {
  const text = metadata[key];
  if (text === undefined) return fail(`metadata "${key}" is missing`);
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`metadata "${key}" is not valid JSON (${printable((e as Error).message, 120)})`);
  }
}

/**
 * Null if the file's tensors are exactly those the config implies (names and shapes), else the problems:
 * at most 5 names per kind, so a file with 300 000 tensors still gives a short message.
 */
function checkTensorList(
  tensors: Record<string, { shape: number[] }>,
  config: Required<ModelConfig>,
): string | null {
  const expected = new Map(modelParameterShapes(config));
  const names = Object.keys(tensors);
  const missing = [...expected.keys()].filter((n) => !Object.hasOwn(tensors, n));
  const unexpected = names.filter((n) => !expected.has(n));
  const mismatched = names
    .filter((n) => expected.has(n) && formatShape(tensors[n]!.shape) !== formatShape(expected.get(n)!))
    .map((n) => `${n} is ${formatShape(tensors[n]!.shape)}, expected ${formatShape(expected.get(n)!)}`);
  const problems = [
    ...(missing.length ? [`missing ${listOf(missing)}`] : []),
    ...(unexpected.length ? [`unexpected ${listOf(unexpected.map((n) => describe(n)))}`] : []),
    ...(mismatched.length ? [`size mismatch: ${listOf(mismatched)}`] : []),
  ];
  if (problems.length === 0) return null;
  return `the file has ${names.length} tensors, the config implies ${expected.size}; ${problems.join('; ')}`;
}

function listOf(items: string[]): string {
  const shown = items.slice(0, 5).join(', ');
  return items.length > 5 ? `${shown}, … (${items.length - 5} more)` : shown;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Feature names the CSV reader can produce: lower case, digits and `_` (its canonical column names). */
const FEATURE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Null if `data` is well-formed data settings for a model with `config`, else the first problem, naming the
 * field: enumerations (target, scaler kinds), types, ranges (seqLen, levels in (0, 1), widths ≥ 0), finite
 * scaler statistics with std > 0 and max > min, one scaler per feature, features = config.inputSize, valid dates.
 */
export function checkCheckpointData(data: unknown, config: Required<ModelConfig>): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return `is ${describe(data)}, not an object of data settings`;
  }
  const d = data as Record<string, unknown>;
  if (d.target !== 'close' && d.target !== 'log_return') {
    return `"target" is ${describe(d.target)}; expected "close" or "log_return"`;
  }
  const features = d.features;
  if (!Array.isArray(features) || features.length < 1 || features.length > CHECKPOINT_LIMITS.features) {
    return `"features" is ${describe(features)}; expected 1 to ${CHECKPOINT_LIMITS.features} feature names`;
  }
  for (const [i, f] of features.entries()) {
    if (typeof f !== 'string' || !FEATURE_NAME.test(f)) {
      return `"features"[${i}] is ${describe(f)}; expected a column name such as "close" (lower case, digits, _)`;
    }
    if (features.indexOf(f) !== i) return `"features" lists ${describe(f)} twice`;
  }
  if (features.length !== config.inputSize) {
    return `"features" has ${features.length} names but the model takes inputSize ${config.inputSize} features`;
  }
  if (
    !Number.isInteger(d.seqLen) ||
    (d.seqLen as number) < 1 ||
    (d.seqLen as number) > CHECKPOINT_LIMITS.seqLen
  ) {
    return `"seqLen" is ${describe(d.seqLen)}; expected an integer in [1, ${CHECKPOINT_LIMITS.seqLen}]`;
  }
  if (!Array.isArray(d.scalers) || d.scalers.length !== features.length) {
    return `"scalers" is ${describe(d.scalers)}; expected one scaler (or null) per feature, ${features.length} in all`;
  }
  for (const [i, s] of d.scalers.entries()) {
    const problem = scalerProblem(s, features[i] === 'log_return');
    if (problem !== null) return `"scalers"[${i}] (feature ${features[i]}) ${problem}`;
  }
  const targetProblem = scalerProblem(d.targetScaler, d.target === 'log_return');
  if (targetProblem !== null) return `"targetScaler" ${targetProblem}`;
  const targetIndex = features.indexOf(d.target);
  if (targetIndex >= 0 && !sameScaler(d.scalers[targetIndex], d.targetScaler)) {
    return `"targetScaler" differs from the scaler of the target feature "${d.target}" ("scalers"[${targetIndex}])`;
  }
  if (typeof d.source !== 'string' || d.source.length > CHECKPOINT_LIMITS.sourceChars) {
    return `"source" is ${describe(d.source)}; expected a string of at most ${CHECKPOINT_LIMITS.sourceChars} characters`;
  }
  if (!isDate(d.trainedThrough))
    return `"trainedThrough" is ${describe(d.trainedThrough)}; expected a date YYYY-MM-DD`;
  if (d.dataEnd !== undefined) {
    if (!isDate(d.dataEnd)) return `"dataEnd" is ${describe(d.dataEnd)}; expected a date YYYY-MM-DD`;
    if (d.dataEnd < d.trainedThrough) {
      return `"dataEnd" ${d.dataEnd} is before "trainedThrough" ${d.trainedThrough}; the validation period follows training`;
    }
  }
  if (d.diverged !== undefined && typeof d.diverged !== 'boolean') {
    return `"diverged" is ${describe(d.diverged)}; expected true or false`;
  }
  if (d.seed !== undefined && !(Number.isSafeInteger(d.seed) && (d.seed as number) >= 0)) {
    return `"seed" is ${describe(d.seed)}; expected an integer in [0, 2^53 - 1]`;
  }
  if (d.intervals !== undefined) {
    const problem = intervalsProblem(d.intervals, d.diverged === true);
    if (problem !== null) return `"intervals" ${problem}`;
  }
  return null;
}

/**
 * Null if `s` is null or a well-formed scaler, else why not: statistics are numbers within
 * ±CHECKPOINT_LIMITS.statistic (1e15), std > 0 (with a finite 1/std), min < max, range [lo, hi] with lo < hi. For
 * log returns (`logReturn`) the statistics must also lie within ±CHECKPOINT_LIMITS.logReturn: larger ones mean
 * the scaler was fitted on prices, and the model's outputs would be priced as exp(price).
 */
function scalerProblem(s: unknown, logReturn: boolean): string | null {
  if (s === null) return null;
  if (typeof s !== 'object' || Array.isArray(s)) return `is ${describe(s)}; expected a scaler object or null`;
  const o = s as Record<string, unknown>;
  const limit = CHECKPOINT_LIMITS.statistic;
  const shown = limit.toExponential().replace('e+', 'e'); // 1e15
  const inBounds = (x: unknown): x is number => typeof x === 'number' && Math.abs(x) <= limit;
  if (o.kind === 'standard') {
    if (!inBounds(o.mean) || !inBounds(o.std) || !(o.std > 0) || !Number.isFinite(1 / o.std)) {
      return `is ${describe(s)}; a standard scaler needs a mean and a std > 0 within ±${shown}`;
    }
    if (typeof o.unbiased !== 'boolean') {
      return `has "unbiased" ${describe(o.unbiased)}; expected true or false`;
    }
    return logReturn ? logReturnProblem(s, [o.mean, o.std]) : null;
  }
  if (o.kind === 'minmax') {
    const r = o.range;
    const rangeOk = Array.isArray(r) && r.length === 2 && r.every(inBounds) && r[0] < r[1];
    if (!rangeOk || !inBounds(o.min) || !inBounds(o.max) || !(o.max > o.min)) {
      return `is ${describe(s)}; a minmax scaler needs min < max and a range [lo, hi] with lo < hi, all within ±${shown}`;
    }
    return logReturn ? logReturnProblem(s, [o.min, o.max]) : null;
  }
  return `has kind ${describe(o.kind)}; expected "standard" or "minmax"`;
}

function logReturnProblem(s: unknown, stats: unknown[]): string | null {
  const limit = CHECKPOINT_LIMITS.logReturn;
  if (stats.every((x) => Math.abs(x as number) <= limit)) return null;
  return `is ${describe(s)}; statistics of daily log returns lie within ±${limit} (these look like prices)`;
}

/** Whether two checked scalers (or nulls) hold the same kind and statistics. */
function sameScaler(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = x.kind === 'standard' ? ['kind', 'mean', 'std', 'unbiased'] : ['kind', 'min', 'max'];
  const range = (s: Record<string, unknown>) => JSON.stringify(s.range ?? null);
  return keys.every((k) => x[k] === y[k]) && range(x) === range(y);
}

/** Null if `q` is a well-formed intervals record (see CheckpointData.intervals), else why not. */
function intervalsProblem(q: unknown, diverged: boolean): string | null {
  if (typeof q !== 'object' || q === null || Array.isArray(q))
    return `is ${describe(q)}; expected { levels, relativeHalfWidth }`;
  const { levels, relativeHalfWidth: widths } = q as Record<string, unknown>;
  const L = CHECKPOINT_LIMITS.levels;
  if (
    !Array.isArray(levels) ||
    levels.length < 1 ||
    levels.length > L ||
    !levels.every((x, i) => typeof x === 'number' && x > 0 && x < 1 && (i === 0 || x > levels[i - 1]))
  ) {
    return `"levels" is ${describe(levels)}; expected 1 to ${L} increasing levels in (0, 1), e.g. [0.8, 0.95]`;
  }
  if (!Array.isArray(widths) || widths.length !== levels.length) {
    return `"relativeHalfWidth" is ${describe(widths)}; expected one row of widths per level (${levels.length})`;
  }
  const steps = Array.isArray(widths[0]) ? widths[0].length : -1;
  for (const [i, row] of widths.entries()) {
    if (!Array.isArray(row) || row.length !== steps || steps < 1 || steps > CHECKPOINT_LIMITS.steps) {
      return `"relativeHalfWidth"[${i}] is ${describe(row)}; expected 1 to ${CHECKPOINT_LIMITS.steps} widths, as many in every row`;
    }
    const bad = row.findIndex(
      (w) => !(w === null || (typeof w === 'number' && (w >= 0 || (diverged && Number.isNaN(w))))),
    );
    if (bad >= 0) {
      return `"relativeHalfWidth"[${i}][${bad}] is ${describe(row[bad])}; expected a number >= 0 (null: unbounded)`;
    }
  }
  return null;
}

/** The checked data with exactly the known fields (unknown keys dropped; interval nulls as Infinity). */
function cleanData(d: CheckpointData): CheckpointData {
  const out: CheckpointData = {
    target: d.target,
    features: [...d.features],
    seqLen: d.seqLen,
    scalers: d.scalers,
    targetScaler: d.targetScaler,
    source: d.source,
    trainedThrough: d.trainedThrough,
  };
  if (d.dataEnd !== undefined) out.dataEnd = d.dataEnd;
  if (d.diverged !== undefined) out.diverged = d.diverged;
  if (d.seed !== undefined) out.seed = d.seed;
  if (d.intervals !== undefined) {
    out.intervals = {
      levels: [...d.intervals.levels],
      relativeHalfWidth: d.intervals.relativeHalfWidth.map((row) =>
        row.map((w) => (w === null ? Number.POSITIVE_INFINITY : w)),
      ),
    };
  }
  return out;
}

function isDate(x: unknown): x is string {
  if (typeof x !== 'string') return false;
  const m = DATE.exec(x);
  if (m === null) return false;
  const t = new Date(`${x}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(x);
}

/** A JSON value for a message: control characters escaped, at most 80 characters. */
function describe(x: unknown): string {
  if (x === undefined) return 'missing';
  if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
  let text: string;
  try {
    text = JSON.stringify(Array.isArray(x) ? x.slice(0, 20) : x) ?? String(x);
  } catch {
    text = String(x);
  }
  return printable(text, 80);
}
