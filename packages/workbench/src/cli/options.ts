/** Shared CLI options: parsing and validation with messages that name the option, the value and the fix. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_BYTES, FEATURE_NAMES } from 'rnnlab/data';
import { MAX_THREADS, MODEL_KINDS, type ModelKind, SCALER_KINDS, type ScalerKind } from 'rnnlab/forecast';
import { DEFAULT_RANGE, defaultDatasetPath } from 'rnnlab/node';

export function int(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected an integer >= ${min}, got '${v}'.`);
    return n;
  };
}

/** Largest seed: seeds are used as unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

/** A seed: an integer 0..4294967295, written in decimal (no exponent, no fraction). */
export function seedValue(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n > MAX_SEED)
    throw new InvalidArgumentError(`expected an integer seed from 0 to ${MAX_SEED}, got '${v}'.`);
  return n;
}

/**
 * `--seeds`: a count N (the seeds --seed, --seed+1, …, --seed+N−1) or an explicit comma-separated list of seeds.
 * Returns the count as a number or the list as an array.
 */
export function seedsSpec(v: string): number | number[] {
  if (v.includes(',')) {
    const list = v.split(',').map((x) => seedValue(x.trim()));
    if (new Set(list).size !== list.length)
      throw new InvalidArgumentError(`the seed list '${v}' repeats a seed; give each seed once.`);
    return list;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new InvalidArgumentError(
      `expected a number of seeds from 1 to 100 or a comma-separated list of seeds, got '${v}'.`,
    );
  return n;
}

/** The seed list of a `--seed` and `--seeds` pair. */
export function resolveSeeds(seed: number, seeds: number | number[]): number[] {
  if (Array.isArray(seeds)) return seeds;
  if (seed + seeds - 1 > MAX_SEED)
    throw new InvalidArgumentError(
      `--seed ${seed} with --seeds ${seeds} runs past the largest seed ${MAX_SEED}.`,
    );
  return Array.from({ length: seeds }, (_, i) => seed + i);
}

/** `--threads`: an integer from 1 to MAX_THREADS. */
export function threadsValue(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_THREADS)
    throw new InvalidArgumentError(
      `expected a number of threads from 1 to ${MAX_THREADS} (1 = no data parallelism), got '${v}'.`,
    );
  return n;
}

/**
 * `--threads`, with the default `defaultText` describes. Splitting a batch over threads changes the order of a
 * few sums, so the thread count is part of what makes a run reproducible.
 */
export function addThreadsOption(cmd: Command, defaultText: string): Command {
  return cmd.option(
    '--threads <n>',
    'threads per training run: each batch is split into n row slices whose gradients are computed in parallel ' +
      'and summed (data parallelism; results change in the last bits with n, and are reproducible bit for bit ' +
      `for a given n) (default: ${defaultText})`,
    threadsValue,
  );
}

export function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got '${v}'.`);
  return n;
}

export function fraction(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`expected a number in [0, 1), got '${v}'.`);
  return n;
}

export function modelList(v: string): ModelKind[] {
  const list = v
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const m of list) {
    if (!MODEL_KINDS.includes(m as ModelKind))
      throw new InvalidArgumentError(`unknown model '${m}'; choose from ${MODEL_KINDS.join(', ')}.`);
  }
  if (list.length === 0)
    throw new InvalidArgumentError(`give at least one model: ${MODEL_KINDS.join(', ')}.`);
  return [...new Set(list)] as ModelKind[];
}

export function featureList(v: string): string[] {
  const list = v
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0)
    throw new InvalidArgumentError(`give at least one feature, e.g. ${FEATURE_NAMES.join(', ')}.`);
  return list;
}

export function splitFractions(v: string): { train: number; val: number; test: number } {
  const parts = v.split(',').map(Number);
  if (
    parts.length !== 3 ||
    parts.some((p) => !(p > 0)) ||
    Math.abs(parts[0] + parts[1] + parts[2] - 1) > 1e-9
  ) {
    throw new InvalidArgumentError(
      `expected three positive shares that sum to 1, like 0.7,0.15,0.15; got '${v}'.`,
    );
  }
  return { train: parts[0], val: parts[1], test: parts[2] };
}

/** Data options shared by compare and train. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option(
      '--csv <file>',
      `daily price CSV (stooq or Yahoo layout) (default: the shipped Dow Jones file ${defaultDatasetPath()})`,
    )
    .option(
      '--range <from:to>',
      "inclusive date range YYYY-MM-DD:YYYY-MM-DD, either side may be empty (default: the tutorial's window " +
        `${DEFAULT_RANGE} for the shipped Dow Jones file; every row of a --csv file)`,
    )
    .addOption(
      new Option('--target <column>', 'what the models predict')
        .choices(['close', 'log_return'])
        .default('close'),
    )
    .option(
      '--features <list>',
      `input features per step, comma-separated (${FEATURE_NAMES.join(', ')}) (default: the target)`,
      featureList,
    )
    .addOption(
      new Option('--scaler <kind>', 'feature scaling, fitted on training days only')
        .choices(SCALER_KINDS as string[])
        .default('zscore' as ScalerKind),
    )
    .addOption(
      new Option('--split <train,val,test>', 'chronological shares of the windows')
        .argParser(splitFractions)
        .default({ train: 0.7, val: 0.15, test: 0.15 }, '0.7,0.15,0.15'),
    )
    .option('--seq-len <n>', 'window length in days', int(1), 16)
    .option('--horizon <n>', 'days ahead to forecast recursively and score per step', int(1), 1)
    .option('--drop-invalid', 'drop unparseable/empty/non-positive rows with a warning instead of failing')
    .option(
      '--max-bytes <n>',
      `largest CSV file read, in bytes (default ${DEFAULT_MAX_BYTES}, 256 MiB; a daily price file is a few MB)`,
      int(1),
    );
}

/** Model and training options shared by compare and train. */
export function addTrainingOptions(cmd: Command): Command {
  return cmd
    .option('--hidden <n>', 'hidden units per layer', int(1), 64)
    .option('--layers <n>', 'stacked recurrent layers', int(1), 2)
    .addOption(
      new Option('--nonlinearity <fn>', 'activation of the drnn/brnn models')
        .choices(['tanh', 'relu'])
        .default('tanh'),
    )
    .option('--dropout <p>', 'dropout between recurrent layers (training only)', fraction, 0)
    .option('--epochs <n>', 'training epochs', int(1), 20)
    .option('--batch-size <n>', 'windows per batch', int(1), 16)
    .option('--lr <rate>', 'Adam learning rate', positive, 1e-3)
    .option('--clip <norm>', 'clip the global gradient norm to this value', positive)
    .option(
      '--patience <n>',
      'early stopping: epochs without validation improvement before stopping (restores the best weights)',
      int(1),
    )
    .option(
      '--seed <n>',
      `random seed (weights, dropout, shuffling), an integer 0..${MAX_SEED}; same seed → same run, bit for bit`,
      seedValue,
      0,
    );
}
