/**
 * What the fixtures page (and its Web Worker) imports, bundled by esbuild: fetches the PyTorch fixture files from
 * `baseUrl` (test/fixtures/torch/ on the local server) and checks every case through the public API
 * (torch_parity.ts).
 */
import { kernelBuild } from 'rnnlab';
import { checkTorchFixtures, FIXTURE_NAMES, type FieldCheck, type TorchFixtures } from './torch_parity.js';

export interface FixturesRun {
  /** The kernel build that ran ('relaxed-simd' or 'simd'). */
  kernelBuild: string;
  checks: FieldCheck[];
  /** Milliseconds spent checking (after the fixtures were fetched and parsed). */
  ms: number;
}

export async function runTorchFixtures(baseUrl: string): Promise<FixturesRun> {
  const entries = await Promise.all(
    FIXTURE_NAMES.map(async (name) => {
      const url = `${baseUrl}${name}.json`;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
      return [name, await response.json()] as const;
    }),
  );
  const started = performance.now();
  const checks = checkTorchFixtures(Object.fromEntries(entries) as unknown as TorchFixtures);
  return { kernelBuild, checks, ms: performance.now() - started };
}
