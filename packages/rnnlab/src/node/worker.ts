/** Worker-thread entry: runs one ModelJob on the PreparedData it is given and posts events and the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { type ModelJob, runModelJob } from '../forecast/job.js';
import type { PreparedData } from '../forecast/prepare.js';
import { nodeReplicaThreads } from './replicas.js';

const port = parentPort;
if (port === null) throw new Error('forecast/worker.js must run as a worker thread');
const { data, job } = workerData as { data: PreparedData; job: ModelJob };
try {
  const result = runModelJob(data, job, {
    onEvent: (event) => port.postMessage({ type: 'event', event }),
    replicas: nodeReplicaThreads,
  });
  port.postMessage({ type: 'result', result });
} catch (e) {
  port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
