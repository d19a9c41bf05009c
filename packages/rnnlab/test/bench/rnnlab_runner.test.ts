/**
 * The rnnlab benchmark runner (bench/rnnlab_runner.ts) keeps the runner contract of bench/peers/README.md:
 * a 1-epoch smoke run, a scaling-mode call, the memory-growth option and argument errors. Checks shapes and
 * semantics, never speed (timings only have to be positive and finite).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('../../bench/rnnlab_runner.js', import.meta.url));
const contractUrl = new URL('../../../bench/peers/contract.mjs', import.meta.url);
const { contractProblems } = (await import(contractUrl.href)) as {
  contractProblems: (result: unknown, expect?: Record<string, unknown>) => string[];
};

type Result = Record<string, unknown> & {
  msPerEpochAll: number[];
  mseByEpoch: number[];
  rssMbAt: number[];
  memoryAt: Array<Record<string, number>>;
};

function run(args: string[], nodeFlags: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, runner, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The same, without blocking: for independent calls that may overlap (two cores). */
function runAsync(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [runner, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
    });
  });
}

/** Runs with --json and returns the single JSON line of stdout, parsed. */
function runJson(args: string[], nodeFlags: string[] = []): Result {
  const r = run([...args, '--json'], nodeFlags);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stdout, got:\n${r.out}`);
  return JSON.parse(lines[0]!) as Result;
}

const positiveFinite = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('bench/rnnlab_runner', () => {
  test('1-epoch DRNN smoke run: every contract field, the tutorial workload, finalMse = last epoch mean', () => {
    const r = runJson(['--model', 'drnn', '--epochs', '1']);
    assert.deepEqual(contractProblems(r, { mode: 'epochs', model: 'drnn', epochs: 1 }), []);
    for (const key of [
      'msPerEpoch',
      'msInference',
      'msInferenceAll',
      'msLatencyB1',
      'finalMse',
      'peakRssMb',
    ]) {
      assert.ok(positiveFinite(r[key]), `${key} = ${r[key]}`);
    }
    assert.equal(r.runner, 'rnnlab');
    assert.equal(r.mode, 'epochs');
    assert.equal(r.model, 'drnn');
    assert.equal(r.epochs, 1);
    assert.equal(typeof r.versions, 'object');
    assert.match(String((r.versions as Record<string, unknown>).rnnlab), /^\d+\.\d+\.\d+/);
    // 1257 rows 2019-03-25..2024-03-20, T = 16 → 1241 windows.
    assert.equal(r.windows, 1241);
    // RNN(1, 64, 2): (64·1 + 64·64 + 64 + 64) + (64·64 + 64·64 + 64 + 64) = 4288 + 8320; Linear(64, 1) = 65.
    assert.equal(r.params, 12673);
    assert.deepEqual(
      [r.hidden, r.layers, r.seq, r.batch, r.inferenceBatch, r.threads, r.seed],
      [64, 2, 16, 16, 16, 1, 0],
    );
    assert.ok((r.latencyCalls as number) >= 200);
    // With one epoch, the epoch-1 time is the only (and so the median) time.
    assert.equal(r.msPerEpochAll.length, 1);
    assert.equal(r.msPerEpoch, r.msPerEpochAll[0]);
    assert.equal(r.mseByEpoch.length, 1);
    assert.equal(r.finalMse, r.mseByEpoch[0]);
    // Mean per element of z-scored targets: an untrained-ish model is well below the series' variance of 1.
    assert.ok((r.finalMse as number) < 1, `finalMse ${r.finalMse}`);
  });

  test("finalMse has fit()'s semantics: the manual loop and the library's fit() agree", () => {
    const manual = runJson(['--model', 'drnn', '--epochs', '1', '--inference-reps', '1']);
    const viaFit = runJson(['--model', 'drnn', '--epochs', '1', '--inference-reps', '1', '--loop', 'fit']);
    assert.equal((viaFit.versions as Record<string, unknown>).loop, 'fit');
    // fit() reports Σ loss / scored elements; the runner Σ loss / (1241 · 16): same batches, same weights.
    assert.ok(
      Math.abs((manual.finalMse as number) - (viaFit.finalMse as number)) <=
        1e-9 * (manual.finalMse as number),
      `manual ${manual.finalMse} vs fit ${viaFit.finalMse}`,
    );
  });

  test('scaling mode: --steps 2 --hidden 32 --seq 8 times training steps of that size', () => {
    const r = runJson(['--model', 'lstm', '--steps', '2', '--hidden', '32', '--seq', '8']);
    assert.deepEqual(contractProblems(r, { mode: 'steps', hidden: 32, seq: 8, steps: 2 }), []);
    assert.equal(r.mode, 'steps');
    assert.equal(r.model, 'lstm');
    assert.deepEqual([r.hidden, r.seq, r.batch, r.steps, r.layers], [32, 8, 16, 2, 2]);
    assert.ok(positiveFinite(r.msPerStep) && positiveFinite(r.msPerStepMean) && positiveFinite(r.peakRssMb));
    // Windows of 8 steps over the same 1257 days.
    assert.equal(r.windows, 1249);
    // LSTM(1, 32, 2): (4·32·1 + 4·32·32 + 2·4·32) + (4·32·32 + 4·32·32 + 2·4·32) = 4480 + 8448; Linear(32, 1) = 33.
    assert.equal(r.params, 12961);
    assert.ok(!('msPerEpoch' in r), 'no epoch fields in scaling mode');
  });

  test('parameter counts of two more tutorial models match PyTorch', async () => {
    // BRNN 8576 + 24832 + 129; GRU 12864 + 24960 + 65 (PyTorch's two bias vectors per layer and direction).
    const expected = { brnn: 33537, gru: 37889 };
    const runs = await Promise.all(
      Object.keys(expected).map((model) => runAsync(['--model', model, '--steps', '1', '--json'])),
    );
    for (const [i, [model, params]] of Object.entries(expected).entries()) {
      assert.equal(runs[i]!.code, 0, runs[i]!.err);
      assert.equal(JSON.parse(runs[i]!.out).params, params, model);
    }
  });

  test('--rss-epochs samples RSS after those epochs, with a forced GC under --expose-gc', () => {
    const r = runJson(
      ['--model', 'drnn', '--epochs', '1', '--rss-epochs', '1,2', '--inference-reps', '1'],
      ['--expose-gc'],
    );
    assert.deepEqual(contractProblems(r, { mode: 'epochs', model: 'drnn', epochs: 2 }), []);
    assert.equal(r.epochs, 2, 'trains up to the last sample epoch');
    assert.deepEqual(r.rssEpochs, [1, 2]);
    assert.equal(r.rssMbAt.length, 2);
    assert.ok(r.rssMbAt.every(positiveFinite));
    const growth = (100 * (r.rssMbAt[1]! - r.rssMbAt[0]!)) / r.rssMbAt[0]!;
    assert.ok(Math.abs((r.rssGrowthPct as number) - growth) < 1e-9);
    assert.equal(r.rssForcedGc, true);
    assert.deepEqual(
      r.memoryAt.map((m) => m.epoch),
      [1, 2],
    );
    for (const m of r.memoryAt) {
      assert.ok(positiveFinite(m.wasmMemoryMb) && positiveFinite(m.heapUsedMb) && m.wasmAllocatedMb! >= 0);
    }
  });

  test('without --expose-gc the memory samples say so', () => {
    const r = run([
      '--model',
      'drnn',
      '--epochs',
      '1',
      '--rss-epochs',
      '1,2',
      '--inference-reps',
      '1',
      '--json',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).rssForcedGc, false);
    assert.match(r.err, /--expose-gc/);
  });

  test('--check prints versions; bad arguments exit 2 with a message', async () => {
    const cases = [
      [['--model', 'rnn'], /--model must be one of drnn, brnn, lstm, gru/],
      [['--epochs', '0'], /--epochs must be an integer >= 1/],
      [['--rss-epochs', '200,10'], /--rss-epochs needs at least two ascending epochs/],
      [['--bogus'], /Unknown option/],
    ] as const;
    const [check, ...bad] = await Promise.all([
      runAsync(['--check']),
      ...cases.map(([args]) => runAsync([...args])),
    ]);
    assert.equal(check!.code, 0, check!.err);
    const c = JSON.parse(check!.out) as Record<string, unknown>;
    assert.equal(c.runner, 'rnnlab');
    assert.equal(c.ok, true);
    cases.forEach(([args, pattern], i) => {
      const r = bad[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
      assert.match(r.err, pattern);
      assert.equal(r.out, '', 'nothing on stdout');
    });
  });
});
