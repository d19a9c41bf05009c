/**
 * The training worker: runs one model job at a time with the engine's `runModelJobAsync`, which hands control back
 * after every optimizer step. At most every 25 ms the worker lets its event loop run, so 'pause', 'resume' and
 * 'stop' arrive between steps; the run's numbers do not depend on when that happens.
 */
import { evalSet, forecastPrices, runModelJobAsync } from 'rnnlab/forecast';
import { allPositionForecast } from './mistakes.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { trainedModel } from './trained_model.js';

interface WorkerScope {
  postMessage(m: FromWorker): void;
  addEventListener(type: 'message', f: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = self as unknown as WorkerScope;

class Stopped extends Error {}

let paused = false;
let stopRequested = false;
let resume: (() => void) | null = null;

/** Lets queued messages in without the 4 ms clamp of nested timers. */
const channel = new MessageChannel();
const pendingTicks: Array<() => void> = [];
channel.port1.onmessage = () => pendingTicks.shift()?.();
const tick = () =>
  new Promise<void>((done) => {
    pendingTicks.push(done);
    channel.port2.postMessage(0);
  });

let lastYield = 0;
async function between(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < 25 && !paused) return;
  lastYield = now;
  await tick();
  while (paused && !stopRequested) await new Promise<void>((r) => (resume = r));
  if (stopRequested) throw new Stopped();
}

async function run(m: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const { id, data: d, job } = m;
  stopRequested = false;
  const val = m.live ? evalSet(d, 'val') : null;
  let lastBatchPost = 0;
  try {
    const result = await runModelJobAsync(d, job, {
      between,
      onEvent: (e) => {
        if (e.type === 'batch') {
          const now = performance.now();
          if (now - lastBatchPost < 100 && e.batch !== e.batches) return;
          lastBatchPost = now;
          scope.postMessage({
            type: 'batch',
            id,
            epoch: e.epoch,
            batch: e.batch,
            batches: e.batches,
            loss: e.loss,
          });
        }
      },
      onEpochModel: (model, record) => {
        const valForecast = val ? forecastPrices(d, model, val) : undefined;
        scope.postMessage({ type: 'epoch', id, record, epochs: job.train.epochs, valForecast });
      },
    });
    let allPositions: Float64Array | undefined;
    if (m.allPositions) {
      // The trained model, rebuilt from its weights, forecasts every position of the test windows.
      allPositions = allPositionForecast(d, trainedModel(result), evalSet(d, 'test'));
    }
    scope.postMessage({ type: 'result', id, result, allPositions });
  } catch (e) {
    if (e instanceof Stopped) scope.postMessage({ type: 'stopped', id });
    else scope.postMessage({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
  }
}

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'run') void run(m);
  else if (m.type === 'pause') paused = true;
  else if (m.type === 'resume') {
    paused = false;
    resume?.();
  } else if (m.type === 'stop') {
    stopRequested = true;
    resume?.();
  }
});
scope.postMessage({ type: 'ready' });
