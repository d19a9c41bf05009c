/**
 * `rnnlab backtest` and `rnnlab merge`: the argument parsers, manifests, shard selection and part checks on their
 * own; then end to end on the shipped Dow Jones file (305 days, hidden 4, 1 epoch, 2 folds, lstm and gru, 1 seed):
 * one unsharded run and three shard processes (index from JOB_COMPLETION_INDEX) merge to the same results.json
 * byte for byte; missing and duplicated parts are errors naming the units; a shard re-run after losing a unit
 * resumes and merges identically; parts of another plan are refused; --plan runs nothing.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BacktestPlan, BacktestUnit, GridCell, UnitResult } from 'rnnlab/forecast';
import * as forecast from 'rnnlab/forecast';
import { defaultDatasetPath } from 'rnnlab/node';
import { parseManifest, seriesEntries } from '../../src/cli/backtest_series.js';
import {
  checkParts,
  type PartFile,
  readValidUnit,
  resultSha256,
  writeUnitFile,
} from '../../src/cli/backtest_store.js';
import { parseGrid } from '../../src/cli/grid.js';
import { partFileName, resolveShard, shardSpec, shardUnits } from '../../src/cli/shard.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnnlab-backtest-'));

const CELL: GridCell = { hidden: 4, layers: 1, seqLen: 8, lr: 0.001, target: 'close' };

describe('backtest argument parsing', () => {
  test('--grid is the cartesian product, last field fastest, the flags filling the rest', () => {
    const cells = parseGrid('hidden=32,64;target=close,log_return', CELL);
    assert.deepEqual(
      cells.map((c) => [c.hidden, c.target, c.layers, c.seqLen, c.lr]),
      [
        [32, 'close', 1, 8, 0.001],
        [32, 'log_return', 1, 8, 0.001],
        [64, 'close', 1, 8, 0.001],
        [64, 'log_return', 1, 8, 0.001],
      ],
    );
    assert.deepEqual(parseGrid(undefined, CELL), [CELL]);
    assert.equal(parseGrid('seq-len=4,8,16;lr=0.01,0.1;layers=1,2', CELL).length, 12);
    assert.throws(() => parseGrid('width=3', CELL), /'width=3' is not FIELD=v1,v2 with FIELD one of hidden/);
    assert.throws(() => parseGrid('hidden=0', CELL), /hidden value '0' is not an integer >= 1/);
    assert.throws(() => parseGrid('lr=-1', CELL), /lr value '-1' is not a positive number/);
    assert.throws(() => parseGrid('hidden=4;hidden=8', CELL), /hidden is listed twice/);
    assert.throws(() => parseGrid('hidden=4,4', CELL), /hidden repeats a value/);
  });

  test('--shard I/N and --shards N with the index from a Kubernetes or AWS Batch environment', () => {
    assert.deepEqual(shardSpec('2/5'), { index: 2, count: 5 });
    assert.throws(() => shardSpec('5/5'), /expected I\/N with 0 <= I < N/);
    assert.throws(() => shardSpec('a/2'), /got 'a\/2'/);
    assert.deepEqual(resolveShard({ shards: 4 }, { JOB_COMPLETION_INDEX: '3' }), {
      index: 3,
      count: 4,
      from: 'JOB_COMPLETION_INDEX',
    });
    assert.deepEqual(resolveShard({ shards: 4 }, { AWS_BATCH_JOB_ARRAY_INDEX: '1' }), {
      index: 1,
      count: 4,
      from: 'AWS_BATCH_JOB_ARRAY_INDEX',
    });
    assert.throws(
      () => resolveShard({ shards: 4 }, {}),
      /neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is set/,
    );
    assert.throws(
      () => resolveShard({ shards: 4 }, { JOB_COMPLETION_INDEX: '4' }),
      /not a shard index below --shards 4/,
    );
    assert.throws(() => resolveShard({ shard: { index: 0, count: 2 }, shards: 2 }, {}), /both given/);
    assert.equal(resolveShard({}, { JOB_COMPLETION_INDEX: '1' }), undefined);
    const units = Array.from({ length: 7 }, (_, id) => ({ id }));
    assert.deepEqual(
      shardUnits(units, { index: 1, count: 3, from: '' }).map((u) => u.id),
      [1, 4],
    );
    assert.equal(partFileName({ index: 1, count: 3 }), 'part-1-of-3.json');
  });

  test('manifests: JSON and CSV, paths relative to the manifest, one kind of source at a time', () => {
    const json = parseManifest(
      '[{"path":"a.csv","name":"alpha","range":"2020-01-01:"},{"path":"/x/B.csv"}]',
      'm.json',
      '/data',
    );
    assert.deepEqual(json, [
      { path: '/data/a.csv', name: 'alpha', range: '2020-01-01:', target: undefined },
      { path: '/x/B.csv', name: 'b', range: undefined, target: undefined },
    ]);
    const csv = parseManifest('path,name,target\nsub/c.csv,gamma,log_return\n', 'm.csv', '/data');
    assert.deepEqual(csv, [
      { path: '/data/sub/c.csv', name: 'gamma', range: undefined, target: 'log_return' },
    ]);
    assert.throws(() => parseManifest('name\nx\n', 'm.csv', '/'), /has no 'path' column/);
    assert.throws(
      () => parseManifest('[{"path":"a.csv","target":"open"}]', 'm.json', '/'),
      /target 'open' is not close or log_return/,
    );
    assert.throws(() => seriesEntries({ csv: ['a.csv'], dir: '/tmp' }), /--csv and --dir were both given/);
    const d = join(dir, 'folder');
    mkdirSync(d);
    writeFileSync(join(d, 'z.csv'), '');
    writeFileSync(join(d, 'a.csv'), '');
    writeFileSync(join(d, 'notes.txt'), '');
    assert.deepEqual(
      seriesEntries({ dir: d }).map((e) => e.name),
      ['a', 'z'],
    );
    assert.equal(seriesEntries({})[0].path, defaultDatasetPath());
  });
});

/** A hand-made plan of `n` units and a valid result for each (content hash by the engine's unitResultHash). */
function handMadePlan(hash: string, n: number): { plan: BacktestPlan; results: UnitResult[] } {
  const units: BacktestUnit[] = Array.from({ length: n }, (_, id) => ({
    id,
    key: `s/f${id}/c0/lstm/s0`,
    series: 's',
    fold: id,
    cell: 0,
    model: 'lstm',
    seed: 0,
    cost: 1,
  }));
  const plan = {
    format: 'rnnlab-backtest-plan/v1',
    hash,
    units,
    series: [],
    config: {},
  } as unknown as BacktestPlan;
  const results = units.map((unit) => {
    const r = {
      unit,
      planHash: hash,
      hash: '',
      origins: ['2024-01-02'],
      forecasts: { lstm: [unit.id + 0.5] },
      valForecasts: { lstm: [1] },
      actual: [1],
      previous: [1],
      valActual: [1],
      valPrevious: [1],
      seconds: 0.1,
      notes: [],
    } as UnitResult;
    r.hash = forecast.unitResultHash(r);
    return r;
  });
  return { plan, results };
}

function part(plan: BacktestPlan, results: UnitResult[], index: number, count: number): PartFile {
  return {
    format: 'rnnlab-backtest-part/v1',
    plan,
    shard: { index, count },
    units: results.map((result) => ({ sha256: resultSha256(result), result })),
  };
}

describe('part checks (hand-made results)', () => {
  const { plan, results } = handMadePlan('aaaa', 5);
  const p0 = part(
    plan,
    results.filter((r) => r.unit.id % 2 === 0),
    0,
    2,
  );
  const p1 = part(
    plan,
    results.filter((r) => r.unit.id % 2 === 1),
    1,
    2,
  );

  test('all units once: the results in unit order', () => {
    const { results: merged } = checkParts([
      { file: 'p1', part: p1 },
      { file: 'p0', part: p0 },
    ]);
    assert.deepEqual(
      merged.map((r) => r.unit.id),
      [0, 1, 2, 3, 4],
    );
  });

  test('a missing part names the missing units; a repeated part names the duplicated ones', () => {
    assert.throws(
      () => checkParts([{ file: 'p0', part: p0 }]),
      /2 of 5 units are missing: s\/f1\/c0\/lstm\/s0, s\/f3\/c0\/lstm\/s0/,
    );
    assert.throws(
      () =>
        checkParts([
          { file: 'p0', part: p0 },
          { file: 'p1', part: p1 },
          { file: 'p0-copy', part: p0 },
        ]),
      /3 units are present more than once: s\/f0\/c0\/lstm\/s0 \(in p0 and p0-copy\)/,
    );
  });

  test('parts of another plan are refused naming both files and hashes', () => {
    const other = handMadePlan('bbbb', 5);
    assert.throws(
      () =>
        checkParts([
          { file: 'p0', part: p0 },
          { file: 'q1', part: part(other.plan, other.results, 1, 2) },
        ]),
      /q1 is from plan bbbb but p0 is from plan aaaa/,
    );
  });

  test('an edited result is refused (content no longer matches its hashes)', () => {
    const edited = structuredClone(p1);
    edited.units[0].result.forecasts.lstm[0] = 99;
    assert.throws(
      () =>
        checkParts([
          { file: 'p0', part: p0 },
          { file: 'p1', part: edited },
        ]),
      /p1: s\/f1\/c0\/lstm\/s0: the file does not match its SHA-256/,
    );
    edited.units[0].sha256 = resultSha256(edited.units[0].result);
    assert.throws(
      () =>
        checkParts([
          { file: 'p0', part: p0 },
          { file: 'p1', part: edited },
        ]),
      /does not match its content hash/,
    );
  });

  test('unit files: a valid file is reused; truncated, edited or foreign files are not', async () => {
    const out = join(dir, 'store');
    await writeUnitFile(out, results[2]);
    assert.deepEqual(readValidUnit(out, plan.units[2], plan).stored?.result, results[2]);
    assert.deepEqual(readValidUnit(out, plan.units[3], plan), { stored: null });
    const file = join(out, 'units', '2.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, 40));
    assert.equal(readValidUnit(out, plan.units[2], plan).reason, 'it is not valid JSON');
    writeFileSync(file, text.replace('"origins":["2024-01-02"]', '"origins":["2024-01-03"]'));
    assert.equal(readValidUnit(out, plan.units[2], plan).reason, 'the file does not match its SHA-256');
    writeFileSync(file, text);
    const other = { ...plan, hash: 'cccc' };
    assert.match(readValidUnit(out, plan.units[2], other).reason ?? '', /belongs to plan aaaa, not cccc/);
  });
});

const engineReady = typeof (forecast as Record<string, unknown>).planBacktest === 'function';
const skip = engineReady
  ? false
  : "rnnlab/forecast does not export planBacktest yet (the engine's backtest is not built)";

/** A tiny backtest: 305 days of the shipped Dow Jones file, 2 folds, lstm and gru with hidden 4 for 1 epoch. */
const TINY = [
  'backtest',
  '--csv',
  defaultDatasetPath(),
  '--range',
  '2023-01-01:2024-03-20',
  '--folds',
  '2',
  '--step',
  '20',
  '--val-days',
  '30',
  '--seq-len',
  '8',
  '--hidden',
  '4',
  '--layers',
  '1',
  '--epochs',
  '1',
  '--models',
  'lstm,gru',
  '--seeds',
  '1',
];

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs `args` in a child process (so several run at once). */
function runAsync(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('rnnlab backtest and merge end to end', { skip }, () => {
  const whole = join(dir, 'whole');
  const sharded = join(dir, 'sharded');
  const parts = () => [0, 1, 2].map((i) => join(sharded, `part-${i}-of-3.json`));

  test('--plan prints every unit with its key and cost, runs nothing', () => {
    const out = join(dir, 'plan-only');
    const r = run([...TINY, '--plan', '--shards', '3', '--out', out], { JOB_COMPLETION_INDEX: '1' });
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^plan [0-9a-f]+: 1 series × 2 folds × 1 grid cell × \(2 models × 1 seeds \+ baselines\) = 6 units/m,
    );
    assert.match(r.out, /^1 +\S+ +dji\/f0\/c0\/lstm\/s0$/m);
    assert.match(r.out, /^4 +\S+ +dji\/f1\/c0\/lstm\/s0$/m);
    assert.doesNotMatch(r.out, /dji\/f0\/c0\/baselines/, 'only shard 1 of 3 is listed');
    assert.match(r.out, /^shard 1\/3: 2 units/m);
    assert.match(r.out, /^total: 6 units/m);
    assert.ok(!existsSync(out), 'no output folder');
  });

  test('--threads is part of the plan: 1 keeps the plan of no --threads, 2 makes another plan', () => {
    const hash = (...extra: string[]) => {
      const r = run([...TINY, '--plan', ...extra, '--out', join(dir, 'plan-threads')]);
      assert.equal(r.code, 0, r.err);
      return /^plan ([0-9a-f]+):/m.exec(r.out)?.[1];
    };
    const plain = hash();
    assert.equal(hash('--threads', '1'), plain);
    assert.notEqual(hash('--threads', '2'), plain);
    const bad = run([...TINY, '--plan', '--threads', '0', '--out', join(dir, 'plan-threads')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /expected a number of threads from 1 to 256/);
  });

  test('one unsharded run and three shard processes merge to the same results.json, byte for byte', async () => {
    const r = run([...TINY, '--out', whole]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^\[6\/6\] dji\/f1\/c0\/gru\/s0 \d+\.\d s, ETA 0 s$/m,
      'one line per unit off a terminal',
    );
    assert.match(r.out, /^lstm +c0 +\d+\.\d{3} \[/m, 'cross-series table');
    const runs = await Promise.all(
      [0, 1, 2].map((i) =>
        runAsync([...TINY, '--shards', '3', '--out', sharded], { JOB_COMPLETION_INDEX: String(i) }),
      ),
    );
    for (const s of runs) assert.equal(s.code, 0, s.err);
    assert.match(runs[1].out, /shard 1\/3 \(index from JOB_COMPLETION_INDEX\) runs 2/);
    assert.deepEqual(readdirSync(join(sharded, 'units')).sort(), [
      '0.json',
      '1.json',
      '2.json',
      '3.json',
      '4.json',
      '5.json',
    ]);
    const m = run(['merge', ...parts(), '--out', join(dir, 'merged')]);
    assert.equal(m.code, 0, m.err);
    assert.match(m.out, /merged 3 parts: 6 units of plan/);
    const expected = readFileSync(join(whole, 'results.json'));
    assert.ok(
      expected.equals(readFileSync(join(dir, 'merged', 'results.json'))),
      'merged results.json differs',
    );
    const res = JSON.parse(expected.toString());
    assert.equal(res.format, 'rnnlab-backtest-results/v1');
    assert.deepEqual(res.series, ['dji']);
    assert.ok(res.crossSeries.some((row: { model: string }) => row.model === 'lstm'));
    const html = readFileSync(join(dir, 'merged', 'index.html'), 'utf8');
    assert.ok(html.includes('<svg') && html.includes('geo. mean rel. MAE'));
    assert.doesNotMatch(html, /(src|href)=["']?(https?:)?\/\//, 'no external URLs');
    assert.ok(!readdirSync(sharded).some((f) => f.includes('.tmp')), 'no temp files left');
  });

  test('a missing or duplicated part is an error naming the units', () => {
    const [p0, p1, p2] = parts();
    const missing = run(['merge', p0, p2, '--out', join(dir, 'm2')]);
    assert.equal(missing.code, 1);
    // Shard 1 of 3 holds units 1 and 4.
    assert.match(missing.err, /2 of 6 units are missing: dji\/f0\/c0\/lstm\/s0, dji\/f1\/c0\/lstm\/s0/);
    const dup = run(['merge', p0, p1, p2, p1, '--out', join(dir, 'm3')]);
    assert.equal(dup.code, 1);
    assert.match(
      dup.err,
      /2 units are present more than once: dji\/f0\/c0\/lstm\/s0 \(in part-1-of-3\.json and part-1-of-3\.json\), dji\/f1\/c0\/lstm\/s0/,
    );
  });

  test('a shard re-run after losing a unit resumes: it runs only that unit, and the merge is unchanged', () => {
    const [, p1] = parts();
    rmSync(p1);
    rmSync(join(sharded, 'units', '4.json'));
    const r = run([...TINY, '--shards', '3', '--out', sharded], { JOB_COMPLETION_INDEX: '1' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^\[1\/2\] dji\/f0\/c0\/lstm\/s0 skipped \(already done\)/m);
    assert.match(r.out, /^\[2\/2\] dji\/f1\/c0\/lstm\/s0 \d+\.\d s/m);
    assert.match(r.out, /units: 1 run, 1 skipped/);
    const m = run(['merge', ...parts(), '--out', join(dir, 'merged2')]);
    assert.equal(m.code, 0, m.err);
    assert.ok(
      readFileSync(join(whole, 'results.json')).equals(readFileSync(join(dir, 'merged2', 'results.json'))),
    );
  });

  test('merge refuses parts of a different plan, naming both files and hashes', () => {
    const other = join(dir, 'other');
    const r = run([...TINY, '--seeds', '7', '--models', 'lstm', '--shard', '0/3', '--out', other]);
    assert.equal(r.code, 0, r.err);
    const [p0, p1] = parts();
    const m = run(['merge', p0, p1, join(other, 'part-0-of-3.json'), '--out', join(dir, 'm4')]);
    assert.equal(m.code, 1);
    assert.match(
      m.err,
      /other\/part-0-of-3\.json is from plan [0-9a-f]+ but .*part-0-of-3\.json is from plan [0-9a-f]+; parts of different plans cannot be merged/,
    );
  });

  test('--shards without an index in the environment is a clear error', () => {
    const env = { ...process.env };
    delete env.JOB_COMPLETION_INDEX;
    delete env.AWS_BATCH_JOB_ARRAY_INDEX;
    const r = spawnSync(process.execPath, [cli, ...TINY, '--shards', '3', '--out', join(dir, 'x')], {
      encoding: 'utf8',
      env,
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /--shards 3 needs this shard's index from the environment, and neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is set/,
    );
  });
});
