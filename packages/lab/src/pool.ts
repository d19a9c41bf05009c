/**
 * A pool of training workers: one run per worker at a time, at most one worker per core
 * (`navigator.hardwareConcurrency`), runs started longest first. Pause, resume and stop reach every worker.
 */
import type { EpochRecord, ModelJob, ModelResult, PreparedData } from 'rnnlab/forecast';
import type { FromWorker, ToWorker } from './protocol.js';

export interface RunRequest {
  data: PreparedData;
  job: ModelJob;
  live: boolean;
  allPositions: boolean;
}

export interface RunCallbacks {
  onBatch?(batch: number, batches: number, epoch: number, loss: number): void;
  onEpoch?(record: EpochRecord, epochs: number, valForecast?: Float64Array): void;
}

export interface RunOutcome {
  result: ModelResult;
  allPositions?: Float64Array;
}

export class StoppedError extends Error {
  override name = 'StoppedError';
  constructor() {
    super('training stopped');
  }
}

interface Task {
  id: number;
  request: RunRequest;
  callbacks: RunCallbacks;
  resolve(o: RunOutcome): void;
  reject(e: Error): void;
}

/** Relative cost of one epoch per model kind, to start the longest first (as `rnnlab compare` does). */
const COST = { lstm: 3, gru: 2.5, brnn: 2.5, drnn: 1 } as const;

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  /** Workers started but not yet ready: work is posted only once a worker has said so, after its top-level await. */
  private starting = 0;
  private nextId = 1;
  private paused = false;

  constructor(
    private readonly url: URL,
    readonly size = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)),
  ) {}

  /** Trains one run; resolves with its result, rejects with StoppedError when stopped. */
  run(request: RunRequest, callbacks: RunCallbacks = {}): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, callbacks, resolve, reject });
      this.queue.sort((a, b) => COST[b.request.job.kind] - COST[a.request.job.kind] || a.id - b.id);
      this.dispatch();
    });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
    for (const w of this.running.keys()) w.postMessage({ type: 'pause' } satisfies ToWorker);
  }

  resume(): void {
    this.paused = false;
    for (const w of this.workers) w.postMessage({ type: 'resume' } satisfies ToWorker);
    this.dispatch();
  }

  /** Stops the running runs and drops the queued ones (each rejects with StoppedError). */
  stop(): void {
    for (const t of this.queue.splice(0)) t.reject(new StoppedError());
    for (const w of this.running.keys()) w.postMessage({ type: 'stop' } satisfies ToWorker);
    this.paused = false;
    for (const w of this.workers) w.postMessage({ type: 'resume' } satisfies ToWorker);
  }

  private spawn(): void {
    const w = new Worker(this.url, { type: 'module', name: `rnnlab-trainer-${this.workers.length + 1}` });
    w.addEventListener('message', (e: MessageEvent<FromWorker>) => this.onMessage(w, e.data));
    w.addEventListener('error', (e) => {
      e.preventDefault();
      const t = this.running.get(w) ?? this.queue.shift();
      this.running.delete(w);
      t?.reject(new Error(`training worker failed: ${e.message || 'could not start (see the console)'}`));
    });
    this.workers.push(w);
    this.starting++;
  }

  private dispatch(): void {
    if (this.paused) return;
    while (this.queue.length > 0) {
      const w = this.idle.pop();
      if (w === undefined) {
        // Start workers for the queued runs; each takes work when it says it is ready.
        const wanted = Math.min(this.size - this.workers.length, this.queue.length - this.starting);
        for (let i = 0; i < wanted; i++) this.spawn();
        return;
      }
      const t = this.queue.shift()!;
      this.running.set(w, t);
      const { data, job, live, allPositions } = t.request;
      w.postMessage({ type: 'run', id: t.id, data, job, live, allPositions } satisfies ToWorker);
    }
  }

  private onMessage(w: Worker, m: FromWorker): void {
    if (m.type === 'ready') {
      this.starting--;
      this.idle.push(w);
      this.dispatch();
      return;
    }
    const t = this.running.get(w);
    if (t === undefined || t.id !== m.id) return;
    if (m.type === 'batch') t.callbacks.onBatch?.(m.batch, m.batches, m.epoch, m.loss);
    else if (m.type === 'epoch') t.callbacks.onEpoch?.(m.record, m.epochs, m.valForecast);
    else {
      this.running.delete(w);
      this.idle.push(w);
      if (m.type === 'result') t.resolve({ result: m.result, allPositions: m.allPositions });
      else if (m.type === 'stopped') t.reject(new StoppedError());
      else t.reject(new Error(`${t.request.job.kind} seed ${t.request.job.seed}: ${m.message}`));
      this.dispatch();
    }
  }

  /** Ends every worker. */
  terminate(): void {
    this.stop();
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
    this.idle.length = 0;
    this.running.clear();
  }
}
