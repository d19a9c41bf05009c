/**
 * The comparison: train every model on every seed (in parallel on worker threads when cores allow), forecast the
 * validation and test splits, compute the baselines on the same windows, and summarise everything in price units
 * (seed spreads and ensembles, significance against naive, conformal intervals, the verdict).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkThreads } from '../forecast/data_parallel.js';
import { type EvalSet, evalSet } from '../forecast/evaluation.js';
import { type JobEvent, type ModelJob, type ModelResult, runModelJob } from '../forecast/job.js';
import type { ModelKind } from '../forecast/models.js';
import type { PreparedData } from '../forecast/prepare.js';
import type { CompareResults } from '../forecast/results.js';
import { type ScoredForecast, summarize } from '../forecast/summary.js';
import { sharedKernels } from '../kernels/wasm.js';
import { nodeReplicaThreads } from './replicas.js';

export interface CompareResult {
  data: PreparedData;
  /** The scored test windows and the validation windows that calibrate the intervals. */
  eval: EvalSet;
  val: EvalSet;
  /** One run per model kind and seed, in the order of the jobs. */
  models: ModelResult[];
  /** Everything results.json holds: rows, tests, intervals, verdict. */
  results: CompareResults;
  /** Seed ensembles and baselines with their test forecasts (N, H) and interval bounds. */
  forecasts: ScoredForecast[];
  /** Per-step MAE/RMSE for every forecaster (when H > 1). */
  horizonErrors: Array<{ model: string; step: number; mae: number; rmse: number }>;
  workers: number;
  /** Threads per run (the most any job used; 1 = no data parallelism). */
  threads: number;
  wallSeconds: number;
}

/**
 * How many worker threads to use for `jobs` models of `threads` threads each: one per core (cores / threads lanes),
 * at most one per model; 0 = in-process.
 */
export function defaultWorkers(jobs: number, threads = 1): number {
  const lanes = Math.floor(availableParallelism() / threads);
  return lanes > 1 && jobs > 1 ? Math.min(lanes, jobs) : 0;
}

/**
 * Runs jobs on up to `workers` threads (0 = sequentially in this thread), keeping the input order. Each worker
 * gets the data once and then takes the next job as it finishes one (its kernels and JIT stay warm); on a worker
 * thread, batch events reach `onEvent` thinned to about one per 50 ms per job (every epoch event, and the last
 * batch of each epoch, always arrive).
 */
export async function runJobs(
  d: PreparedData,
  jobs: ModelJob[],
  workers: number,
  onEvent?: (e: JobEvent) => void,
): Promise<ModelResult[]> {
  if (workers <= 0) return jobs.map((j) => runModelJob(d, j, { onEvent, replicas: nodeReplicaThreads }));
  const results = new Array<ModelResult>(jobs.length);
  let next = 0;
  const url = new URL('./worker.js', import.meta.url);
  const pool: Worker[] = [];
  const lane = async (): Promise<void> => {
    if (next >= jobs.length) return;
    const w = new Worker(url, { workerData: { data: d, rnnlabKernels: sharedKernels } });
    pool.push(w);
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runOn(w, i, jobs[i], onEvent);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, lane));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

/** Runs job number `id` on worker `w` and resolves with its result (rejects on its error or exit). */
function runOn(
  w: Worker,
  id: number,
  job: ModelJob,
  onEvent: ((e: JobEvent) => void) | undefined,
): Promise<ModelResult> {
  return new Promise<ModelResult>((resolve, reject) => {
    const done = (): void => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (m: {
      type: string;
      id: number;
      event?: JobEvent;
      result?: ModelResult;
      message?: string;
    }): void => {
      if (m.id !== id) return;
      if (m.type === 'event') onEvent?.(m.event!);
      else if (m.type === 'result') {
        done();
        resolve(m.result!);
      } else if (m.type === 'error') {
        done();
        reject(new Error(`${job.kind}: ${m.message}`));
      }
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`${job.kind}: worker exited with code ${code} before finishing`));
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ type: 'job', id, job });
  });
}

/** Relative cost of one epoch per model kind (measured on the tutorial workload), to start the longest first. */
const COST: Record<ModelKind, number> = { lstm: 3, gru: 2.5, brnn: 2.5, drnn: 1 };

/** The model jobs for every kind × seed, seeds outermost. */
export function jobsFor(
  kinds: readonly ModelKind[],
  seeds: readonly number[],
  spec: Omit<ModelJob, 'kind' | 'seed'>,
): ModelJob[] {
  return seeds.flatMap((seed) => kinds.map((kind) => ({ ...spec, kind, seed })));
}

export interface CompareOptions {
  /** Worker threads (0 = this thread); default one per core (cores / threads), at most one per job. */
  workers?: number;
  /**
   * Threads per run for jobs that do not set `train.threads` (default 1): each batch is split across them
   * (data parallelism, see rnnlab/forecast `DataParallel`).
   */
  threads?: number;
  onEvent?: (e: JobEvent) => void;
  /** Price unit named in texts; default 'price'. */
  unit?: string;
}

/**
 * Runs the jobs (any kinds × seeds; every kind must have a run for every seed) and summarises them. Jobs start
 * longest first; results do not depend on the order or the number of workers.
 */
export async function compareModels(
  d: PreparedData,
  jobs: ModelJob[],
  options: CompareOptions = {},
): Promise<CompareResult> {
  const t0 = performance.now();
  if (jobs.length === 0) throw new Error('compareModels: no jobs; give at least one model and one seed');
  if (options.threads !== undefined) {
    const threads = checkThreads(options.threads, 'compareModels: threads');
    jobs = jobs.map((j) => (j.train.threads === undefined ? { ...j, train: { ...j.train, threads } } : j));
  }
  for (const j of jobs)
    if (j.train.threads !== undefined) checkThreads(j.train.threads, `${j.kind}: threads`);
  const threads = Math.max(1, ...jobs.map((j) => j.train.threads ?? 1));
  const workers = options.workers ?? defaultWorkers(jobs.length, threads);
  const test = evalSet(d, 'test');
  const val = evalSet(d, 'val');
  const order = jobs.map((j, i) => ({ j, i })).sort((a, b) => COST[b.j.kind] - COST[a.j.kind] || a.i - b.i);
  const done = await runJobs(
    d,
    order.map((o) => o.j),
    workers,
    options.onEvent,
  );
  const models = new Array<ModelResult>(jobs.length);
  order.forEach((o, k) => {
    models[o.i] = done[k];
  });
  const seeds = [...new Set(jobs.map((j) => j.seed))];
  const summary = summarize({ data: d, test, val, runs: models, seeds, unit: options.unit ?? 'price' });
  return {
    data: d,
    eval: test,
    val,
    models,
    results: summary.results,
    forecasts: summary.forecasts,
    horizonErrors: summary.horizonErrors,
    workers,
    threads,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}
