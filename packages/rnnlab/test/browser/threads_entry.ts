/**
 * What the threads test's pages and workers import (bundled by esbuild): the run of threads_job.ts on 1 and
 * 2 threads through `webThreads` (rnnlab/browser), and `webThreads` where it must fall back to one thread.
 */
import { webThreads } from 'rnnlab/browser';
import { runModelJobAsync } from 'rnnlab/forecast';
import { type RunBits, runBits, threadsData, withThreads } from './threads_job.js';

export interface ThreadRuns {
  crossOriginIsolated: boolean;
  threads: number;
  warning: string | undefined;
  one: RunBits;
  two: RunBits;
  twoAgain: RunBits;
  msOne: number;
  msTwo: number;
}

/** In a Web Worker of a cross-origin isolated page: the run on 1 thread, then twice on 2. */
export async function runThreads(csvUrl: string, replicaWorkerUrl: string): Promise<ThreadRuns> {
  const response = await fetch(csvUrl);
  if (!response.ok) throw new Error(`GET ${csvUrl}: HTTP ${response.status}`);
  const d = threadsData(await response.text());
  const t = await webThreads(2, { workerUrl: replicaWorkerUrl });
  try {
    let t0 = performance.now();
    const one = runBits(await runModelJobAsync(d, withThreads(1)));
    const msOne = performance.now() - t0;
    t0 = performance.now();
    const two = runBits(await runModelJobAsync(d, withThreads(t.threads), { replicas: t.replicas }));
    const msTwo = performance.now() - t0;
    const twoAgain = runBits(await runModelJobAsync(d, withThreads(t.threads), { replicas: t.replicas }));
    return {
      crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      threads: t.threads,
      warning: t.warning,
      one,
      two,
      twoAgain,
      msOne,
      msTwo,
    };
  } finally {
    t.close();
  }
}

/** What `webThreads(2)` gives where it cannot start threads (a page's main thread, or no isolation). */
export async function fallback(): Promise<{ threads: number; warning: string | undefined }> {
  const t = await webThreads(2);
  t.close();
  return { threads: t.threads, warning: t.warning };
}
