/**
 * The two kernel builds: the relaxed-SIMD one (fused multiply-add) runs by default, the plain SIMD128 one is the
 * fallback. The whole kernel and module parity suite is run again on the fallback in a child process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gemmNN } from '../../src/kernels/gemm.js';
import { kernelBuild, sharedKernels } from '../../src/kernels/wasm.js';
import { Arena, read } from './util.js';

const inChild = process.env.RNNLAB_KERNELS !== undefined;
const wasmModule = fileURLToPath(new URL('../../src/kernels/wasm.js', import.meta.url));

/**
 * C = (-1)·1 + a·a with a = 1 + 2⁻¹²: a·a = 1 + 2⁻¹¹ + 2⁻²⁴ exactly. Fused, a·a - 1 is rounded once and keeps
 * 2⁻²⁴; multiply-then-add first rounds a·a to 1 + 2⁻¹¹ (a tie, to even) and loses it.
 */
function fusedProbe(): number {
  const arena = new Arena();
  try {
    const a = 1 + 2 ** -12;
    const A = arena.put([-1, a]);
    const B = arena.put([1, a]);
    const C = arena.zeros(1);
    gemmNN(1, 1, 2, A, 2, B, 1, C, 1, false);
    return read(C, 1)[0];
  } finally {
    arena.freeAll();
  }
}

const cpuHasFma = (() => {
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
})();

test('Node >= 20 runs the relaxed-SIMD build by default', { skip: inChild && 'child run' }, () => {
  assert.equal(kernelBuild, 'relaxed-simd');
});

test('the GEMM rounds a·b + c once in the relaxed-SIMD build (on an FMA CPU) and twice in the plain one', () => {
  const got = fusedProbe();
  if (kernelBuild === 'simd') assert.equal(got, 2 ** -11);
  else if (cpuHasFma) assert.equal(got, 2 ** -11 + 2 ** -24);
  else assert.ok(got === 2 ** -11 || got === 2 ** -11 + 2 ** -24);
});

test('RNNLAB_KERNELS=simd: every kernel and module parity test passes on the plain SIMD build', {
  skip: inChild && 'child run',
  timeout: 120_000,
}, () => {
  // Test files, not folders: Node 22+ no longer expands a folder given to --test.
  const dirs = ['../kernels/', '../nn/', '../optim/'].flatMap((d) => {
    const dir = fileURLToPath(new URL(d, import.meta.url));
    return readdirSync(dir)
      .filter((f) => f.endsWith('.test.js'))
      .map((f) => join(dir, f));
  });
  // Without NODE_TEST_CONTEXT the child is a top-level test run that prints its own TAP summary.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', ...dirs], {
    encoding: 'utf8',
    env: { ...env, RNNLAB_KERNELS: 'simd' },
  });
  const summary = (r.stdout.match(/^# (tests|pass|fail) \d+$/gm) ?? []).join(', ');
  assert.equal(r.status, 0, `child suite failed (${summary}):\n${r.stdout.slice(-3000)}${r.stderr}`);
  assert.match(summary, /# fail 0/);
  const tests = Number(/# tests (\d+)/.exec(summary)?.[1] ?? 0);
  assert.ok(tests >= 100, `child ran only ${tests} tests`);
});

test('a bad RNNLAB_KERNELS value is refused with the accepted values', {
  skip: inChild && 'child run',
}, () => {
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(wasmModule)})`],
    {
      encoding: 'utf8',
      env: { ...process.env, RNNLAB_KERNELS: 'avx512' },
    },
  );
  assert.notEqual(r.status, 0);
  assert.match(
    r.stderr,
    /RNNLAB_KERNELS='avx512' is not a kernel build: use 'relaxed-simd', 'simd' or 'auto'/,
  );
});

/** Starts a worker that imports the kernels and reports whether it took the module from its workerData. */
function workerReusesModule(workerData: object): Promise<{ reused: boolean; build: string; sum: number }> {
  const url = new URL('../../src/kernels/wasm.js', import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(${JSON.stringify(url)}).then((k) => {
      const a = new Float32Array(k.kernels.memory.buffer, k.kernels.heapBase() + 1024, 4);
      a.set([1, 2, 3, 4]);
      k.kernels.exp_f32(a.byteOffset, a.byteOffset, 4);
      parentPort.postMessage({
        reused: k.sharedKernels.module === workerData.rnnlabKernels?.module,
        build: k.kernelBuild,
        sum: a.reduce((s, v) => s + v, 0),
      });
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

test('a worker given workerData.rnnlabKernels reuses the compiled module; without it, it compiles its own', {
  skip: inChild && 'child run',
}, async () => {
  const e = Math.E;
  const expSum = e + e ** 2 + e ** 3 + e ** 4;
  const shared = await workerReusesModule({ rnnlabKernels: sharedKernels });
  assert.equal(shared.reused, true);
  assert.equal(shared.build, kernelBuild);
  assert.ok(Math.abs(shared.sum - expSum) < 1e-4 * expSum, `exp sum ${shared.sum}`);
  const own = await workerReusesModule({});
  assert.equal(own.reused, false);
  assert.equal(own.build, kernelBuild);
  assert.ok(Math.abs(own.sum - expSum) < 1e-4 * expSum, `exp sum ${own.sum}`);
});
