/**
 * The peer harness (bench/peers/run.mjs) and the runner contract (bench/peers/contract.mjs), without the peers:
 * the harness runs only the rnnlab runner here (PyTorch and TF.js never run in CI).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const harness = fileURLToPath(new URL('../../../bench/peers/run.mjs', import.meta.url));
const contractUrl = new URL('../../../bench/peers/contract.mjs', import.meta.url);
const { contractProblems } = (await import(contractUrl.href)) as {
  contractProblems: (result: unknown, expect?: Record<string, unknown>) => string[];
};

const good = {
  runner: 'torch',
  model: 'lstm',
  epochs: 2,
  msPerEpoch: 88.1,
  msInference: 12.3,
  msLatencyB1: 0.07,
  finalMse: 0.0123,
  peakRssMb: 95.2,
  versions: { torch: '1.13' },
  mode: 'epochs',
  msPerEpochAll: [120.5, 88.1],
  mseByEpoch: [0.13, 0.0123],
};

describe('bench/peers/contract.mjs', () => {
  test('accepts the README example and names what is wrong otherwise', () => {
    assert.deepEqual(contractProblems(good, { mode: 'epochs', model: 'lstm', epochs: 2 }), []);
    const { finalMse: _drop, ...noMse } = good;
    assert.deepEqual(contractProblems(noMse), ['missing finalMse']);
    // A NaN serialises as null: not a finite number.
    assert.deepEqual(contractProblems({ ...good, msPerEpoch: null }), ['bad msPerEpoch: null']);
    assert.deepEqual(contractProblems({ ...good, mseByEpoch: [0.1] }), ['bad mseByEpoch: [0.1]']);
    assert.deepEqual(contractProblems(good, { model: 'gru' }), ['model "lstm", expected "gru"']);
    assert.deepEqual(contractProblems({ ...good, mode: 'steps' }, { mode: 'epochs' }), [
      'mode steps, expected epochs',
    ]);
    assert.deepEqual(contractProblems([1, 2]), ['the result is not a JSON object']);
  });

  test('scaling mode has its own required fields', () => {
    const steps = {
      runner: 'rnnlab',
      model: 'lstm',
      hidden: 32,
      seq: 8,
      batch: 16,
      steps: 2,
      msPerStep: 1.5,
      peakRssMb: 80,
      versions: {},
      mode: 'steps',
    };
    assert.deepEqual(contractProblems(steps, { mode: 'steps', hidden: 32, seq: 8, steps: 2 }), []);
    assert.deepEqual(contractProblems({ ...steps, msPerStep: 0 }, { mode: 'steps' }), ['bad msPerStep: 0']);
  });
});

describe('bench/peers/run.mjs with the rnnlab runner only', () => {
  test('a 1-epoch, 1-rep suite run prints the medians and writes JSON + SVG', () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnlab-bench-'));
    const r = spawnSync(
      process.execPath,
      [harness, '--runners', 'rnnlab', '--models', 'drnn', '--reps', '1', '--epochs', '1', '--out', out],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^drnn\s+rnnlab\s+\d/m);
    assert.doesNotMatch(r.stdout, /failed/);
    const files = readdirSync(out).sort();
    assert.equal(files.length, 2, files.join(', '));
    const json = files.find((f) => f.endsWith('.json'))!;
    assert.match(json, /^\d{4}-\d\d-\d\d\.json$/);
    const report = JSON.parse(readFileSync(join(out, json), 'utf8'));
    assert.equal(report.kind, 'suite');
    assert.equal(report.runs.length, 1);
    assert.equal(report.runs[0].ok, true, report.runs[0].error);
    assert.equal(report.medians.drnn.rnnlab.n, 1);
    assert.ok('commit' in report.repo && 'dirty' in report.repo);
    assert.ok(readFileSync(join(out, files.find((f) => f.endsWith('.svg'))!), 'utf8').startsWith('<svg'));
  });

  test('rejects two modes at once', () => {
    const r = spawnSync(process.execPath, [harness, '--compare', '--memory'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /choose one mode/);
  });
});
