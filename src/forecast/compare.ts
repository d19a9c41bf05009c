/**
 * The four-model comparison: train each model (in parallel on worker threads when cores allow), forecast the
 * test split, compute the baselines on the same windows, and score everything in price units.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sharedKernels } from '../kernels/wasm.js';
import { baselineForecasts, type EvalSet, evalSet, perStepErrors, stepOneMetrics } from './evaluation.js';
import { type JobEvent, type ModelJob, type ModelResult, runModelJob } from './job.js';
import type { ForecastMetrics } from './metrics.js';
import { rankByMetric } from './metrics.js';
import { MODEL_LABELS, type ModelKind } from './models.js';
import type { PreparedData } from './prepare.js';

export const BASELINE_LABELS = {
  naive: 'Naive (last value)',
  drift: 'Drift',
  ar: 'Linear AR (least squares)',
} as const;
export type BaselineName = keyof typeof BASELINE_LABELS;

export interface MetricRow extends ForecastMetrics {
  model: string;
  label: string;
  kind: 'model' | 'baseline';
}

export interface CompareResult {
  data: PreparedData;
  eval: EvalSet;
  models: ModelResult[];
  baselines: Record<BaselineName, Float64Array>;
  /** One-step metrics of models and baselines, ranked by MAE (best first). */
  metrics: MetricRow[];
  /** Per-step MAE/RMSE for every forecaster (when H > 1). */
  horizonErrors: Array<{ model: string; step: number; mae: number; rmse: number }>;
  workers: number;
  wallSeconds: number;
}

/** How many worker threads to use for `jobs` models: one per core, at most one per model; 0 = in-process. */
export function defaultWorkers(jobs: number): number {
  const cores = availableParallelism();
  return cores > 1 && jobs > 1 ? Math.min(cores, jobs) : 0;
}

/** Runs jobs on up to `workers` threads (0 = sequentially in this thread), keeping the input order. */
export async function runJobs(
  d: PreparedData,
  jobs: ModelJob[],
  workers: number,
  onEvent?: (e: JobEvent) => void,
): Promise<ModelResult[]> {
  if (workers <= 0) return jobs.map((j) => runModelJob(d, j, onEvent));
  const results = new Array<ModelResult>(jobs.length);
  let next = 0;
  const url = new URL('./worker.js', import.meta.url);
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await new Promise<ModelResult>((resolve, reject) => {
        const w = new Worker(url, { workerData: { data: d, job: jobs[i], rnnlabKernels: sharedKernels } });
        let settled = false;
        w.on('message', (m: { type: string; event?: JobEvent; result?: ModelResult; message?: string }) => {
          if (m.type === 'event') onEvent?.(m.event!);
          else if (m.type === 'result') {
            settled = true;
            resolve(m.result!);
          } else if (m.type === 'error') {
            settled = true;
            reject(new Error(`${jobs[i].kind}: ${m.message}`));
          }
        });
        w.on('error', (e) => {
          settled = true;
          reject(e);
        });
        w.on('exit', (code) => {
          if (!settled)
            reject(new Error(`${jobs[i].kind}: worker exited with code ${code} before finishing`));
        });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, lane));
  return results;
}

export async function compareModels(
  d: PreparedData,
  jobs: ModelJob[],
  options: { workers?: number; onEvent?: (e: JobEvent) => void } = {},
): Promise<CompareResult> {
  const t0 = performance.now();
  const workers = options.workers ?? defaultWorkers(jobs.length);
  const s = evalSet(d);
  const baselines = baselineForecasts(d, s);
  const models = await runJobs(d, jobs, workers, options.onEvent);
  const rows: MetricRow[] = [
    ...models.map((m) => ({
      model: m.kind,
      label: MODEL_LABELS[m.kind as ModelKind],
      kind: 'model' as const,
      ...stepOneMetrics(d, s, m.forecast),
    })),
    ...(Object.keys(baselines) as BaselineName[]).map((b) => ({
      model: b,
      label: BASELINE_LABELS[b],
      kind: 'baseline' as const,
      ...stepOneMetrics(d, s, baselines[b]),
    })),
  ];
  const forecasters: Array<[string, Float64Array]> = [
    ...models.map((m) => [m.kind, m.forecast] as [string, Float64Array]),
    ...Object.entries(baselines),
  ];
  const horizonErrors =
    s.H > 1
      ? forecasters.flatMap(([name, f]) => perStepErrors(s, f).map((e) => ({ model: name, ...e })))
      : [];
  return {
    data: d,
    eval: s,
    models,
    baselines,
    metrics: rankByMetric(rows, 'mae'),
    horizonErrors,
    workers,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}
