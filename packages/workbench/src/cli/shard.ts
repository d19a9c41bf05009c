/**
 * Which units a process runs: `--shard I/N` (units with id mod N = I), or `--shards N` with the index I from the
 * orchestrator's environment — JOB_COMPLETION_INDEX in a Kubernetes Indexed Job, AWS_BATCH_JOB_ARRAY_INDEX in an
 * AWS Batch array job.
 */
import { InvalidArgumentError } from 'commander';
import type { BacktestUnit } from 'rnnlab/forecast';

export interface Shard {
  index: number;
  count: number;
  /** Where the index came from, for the start-up line. */
  from: string;
}

/** The environment variables that carry a shard index, in the order they are read. */
export const SHARD_INDEX_VARS = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

/** Largest shard count. */
export const MAX_SHARDS = 100_000;

/** `--shard I/N`: 0 ≤ I < N. */
export function shardSpec(v: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !(count >= 1 && count <= MAX_SHARDS) || !(index < count))
    throw new InvalidArgumentError(
      `expected I/N with 0 <= I < N <= ${MAX_SHARDS} (e.g. 0/4 for the first of 4 shards), got '${v}'.`,
    );
  return { index, count };
}

/**
 * The shard of this process from `--shard` or `--shards` and `env`; undefined when neither flag is given (run
 * every unit). Throws a message naming the variables when `--shards` is given and no index is set.
 */
export function resolveShard(
  f: { shard?: { index: number; count: number }; shards?: number },
  env: NodeJS.ProcessEnv,
): Shard | undefined {
  if (f.shard && f.shards !== undefined)
    throw new Error(
      '--shard and --shards were both given. Fix: use --shard I/N, or --shards N with the index in the environment.',
    );
  if (f.shard) return { ...f.shard, from: '--shard' };
  if (f.shards === undefined) return undefined;
  for (const name of SHARD_INDEX_VARS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const index = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !(index < f.shards))
      throw new Error(
        `${name}=${JSON.stringify(raw.slice(0, 40))} is not a shard index below --shards ${f.shards}. ` +
          `Fix: make the job's completions/array size equal --shards (${f.shards}).`,
      );
    return { index, count: f.shards, from: name };
  }
  throw new Error(
    `--shards ${f.shards} needs this shard's index from the environment, and neither ${SHARD_INDEX_VARS.join(' nor ')} is set. ` +
      'Fix: run it as a Kubernetes Indexed Job or an AWS Batch array job, or give --shard I/N.',
  );
}

/** The units of `shard` (id mod N = I), in plan order; every unit without a shard. */
export function shardUnits<U extends Pick<BacktestUnit, 'id'>>(
  units: readonly U[],
  shard: Shard | undefined,
): U[] {
  return shard ? units.filter((u) => u.id % shard.count === shard.index) : [...units];
}

/** "part-2-of-8.json". */
export function partFileName(shard: { index: number; count: number }): string {
  return `part-${shard.index}-of-${shard.count}.json`;
}
