/**
 * `rnnlab/browser`: data-parallel training in browsers — the replicas of `DataParallel` (rnnlab/forecast) on Web
 * Workers that share memory with the driving thread. Threads need
 *   - a cross-origin isolated page (served with `Cross-Origin-Opener-Policy: same-origin` and
 *     `Cross-Origin-Embedder-Policy: require-corp`), for SharedArrayBuffer; and
 *   - a driving thread that may block in Atomics.wait: a Web Worker, not the page's main thread.
 * Where either is missing, `webThreads` falls back to one thread and says why in `warning`.
 *
 *   const t = await webThreads(navigator.hardwareConcurrency);   // in a Web Worker
 *   if (t.warning) postMessage({ warning: t.warning });
 *   await runModelJobAsync(d, { ...job, train: { ...job.train, threads: t.threads } }, { replicas: t.replicas });
 *   t.close();
 */
import { checkThreads, type ReplicaSetup, type ReplicaThreads } from '../forecast/data_parallel.js';
import { kernelBuild } from '../kernels/wasm.js';

export interface WebThreads {
  /** Threads to train with: the number asked for, or 1 when threads cannot run here (see `warning`). */
  threads: number;
  /** Starts the replicas on the workers started for them; undefined for one thread. */
  replicas: ReplicaThreads | undefined;
  /** Why training falls back to one thread, worded for the user; undefined when it does not. */
  warning: string | undefined;
  /** Ends the workers (after the last training run that uses them). */
  close(): void;
}

export interface WebThreadsOptions {
  /**
   * The replica worker's script, started as a module worker. Default: `replica_worker.js` beside this file, as
   * published; an app that bundles rnnlab bundles the `rnnlab/browser/replica-worker` entry and passes its URL.
   */
  workerUrl?: string | URL;
}

/** What a replica worker posts once it has loaded. */
type FromWorker = { type: 'ready'; build: string };

/** True when this thread may block in Atomics.wait (workers may; a page's main thread may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why this thread cannot drive replica threads, or undefined when it can. */
function unavailable(): string | undefined {
  if (
    typeof SharedArrayBuffer === 'undefined' ||
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true
  )
    return (
      'the page is not cross-origin isolated, so there is no SharedArrayBuffer; serve it with the headers ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp'
    );
  if (!canBlock())
    return "the page's main thread may not wait for other threads (Atomics.wait); run the training in a Web Worker";
  if (typeof Worker === 'undefined') return 'this thread cannot start Web Workers';
  return undefined;
}

function single(threads: number, why: string | undefined): WebThreads {
  return {
    threads: 1,
    replicas: undefined,
    warning: why === undefined ? undefined : `training on 1 thread instead of ${threads}: ${why}`,
    close() {},
  };
}

/**
 * Starts threads − 1 replica workers (each loads the engine once, with the kernel build of this thread) and returns
 * what to train with. Never throws for a missing capability: it falls back to one thread with a warning.
 */
export async function webThreads(
  threads = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ??
    1,
  options: WebThreadsOptions = {},
): Promise<WebThreads> {
  const n = checkThreads(threads, 'webThreads: threads');
  if (n === 1) return single(1, undefined);
  const why = unavailable();
  if (why !== undefined) return single(n, why);
  const url = options.workerUrl ?? new URL('./replica_worker.js', import.meta.url);
  const workers: Worker[] = [];
  const close = () => {
    for (const w of workers) w.terminate();
  };
  try {
    await Promise.all(
      Array.from({ length: n - 1 }, () => {
        const w = new Worker(url, { type: 'module', name: `rnnlab-replica ${kernelBuild}` });
        workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.onmessage = ({ data }: MessageEvent<FromWorker>) => {
            if (data?.type !== 'ready') return;
            if (data.build === kernelBuild) resolve();
            else reject(new Error(`it runs the ${data.build} kernels, this thread the ${kernelBuild} ones`));
          };
          w.onerror = (e) => reject(new Error(e.message || `could not load ${String(url)}`));
        });
      }),
    );
  } catch (e) {
    close();
    return single(n, `a replica worker failed to start: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const w of workers) {
    w.onmessage = null;
    w.onerror = null;
  }
  const replicas: ReplicaThreads = {
    start(setup: ReplicaSetup) {
      const w = workers[setup.index - 1];
      if (w === undefined)
        throw new Error(
          `webThreads: started ${workers.length + 1} threads, a run asked for ${setup.threads}`,
        );
      w.postMessage({ type: 'setup', setup });
      // The worker returns to its event loop when its replica stops, ready for the next run.
      return { release() {} };
    },
  };
  return { threads: n, replicas, warning: undefined, close };
}
