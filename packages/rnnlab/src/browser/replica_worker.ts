/**
 * A Web Worker that serves data-parallel replicas (see index.ts). It loads the engine with the kernel build named
 * in its name (replica_build.ts, imported first), posts 'ready' with that build, and then runs one replica per
 * 'setup' message until that run stops.
 */
import './replica_build.js';
import { serveReplica } from '../forecast/data_parallel.js';
import { type ReplicaSetup, reportFailure } from '../forecast/replica_protocol.js';
import { kernelBuild } from '../kernels/wasm.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = ({ data }: MessageEvent) => {
  if (data?.type !== 'setup') return;
  const setup = data.setup as ReplicaSetup;
  try {
    serveReplica(setup);
  } catch (e) {
    reportFailure(setup, e);
  }
};
scope.postMessage({ type: 'ready', build: kernelBuild });
