/**
 * Worker-thread entry of a data-parallel replica: serves the driving thread until it says stop. A failure —
 * including the engine failing to load — is written to shared memory, where the driving thread reads it.
 */
import { workerData } from 'node:worker_threads';
import { type ReplicaSetup, reportFailure } from '../forecast/replica_protocol.js';

const { setup } = workerData as { setup: ReplicaSetup };
try {
  const { serveReplica } = await import('../forecast/data_parallel.js');
  serveReplica(setup);
} catch (e) {
  reportFailure(setup, e);
}
