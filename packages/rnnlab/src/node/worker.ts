/**
 * Worker-thread entry of `runJobs`: receives the PreparedData once (workerData), then runs one ModelJob per
 * `{ type: 'job' }` message and posts its events and result, until the pool terminates it. Batch events are
 * thinned to at most one per BATCH_EVENT_MS (and always the last batch of an epoch); epoch events all pass.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type JobEvent, type ModelJob, runModelJob } from '../forecast/job.js';
import type { PreparedData } from '../forecast/prepare.js';
import { nodeReplicaThreads } from './replicas.js';

/** Fewest milliseconds between two batch events posted (progress bars redraw about this often anyway). */
const BATCH_EVENT_MS = 50;

const port = parentPort;
if (port === null) throw new Error('node/worker.js must run as a worker thread');
const { data } = workerData as { data: PreparedData };
port.on('message', (m: { type: 'job'; id: number; job: ModelJob }) => {
  if (m.type !== 'job') return;
  let last = -Infinity;
  const onEvent = (event: JobEvent): void => {
    if (event.type === 'batch' && event.batch < event.batches) {
      const now = performance.now();
      if (now - last < BATCH_EVENT_MS) return;
      last = now;
    }
    port.postMessage({ type: 'event', id: m.id, event });
  };
  try {
    const result = runModelJob(data, m.job, { onEvent, replicas: nodeReplicaThreads });
    port.postMessage({ type: 'result', id: m.id, result });
  } catch (e) {
    port.postMessage({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
});
