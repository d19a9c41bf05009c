/**
 * The rnnlab command line end to end: a 2-epoch compare on 3 seeds that writes the report, results.json and
 * forecasts.csv; train reproducing compare's run for a seed; train → predict with dates, intervals and actuals;
 * info; and errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultDatasetPath, readSafetensorsFile } from 'rnnlab/node';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnnlab-cli-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('rnnlab CLI', () => {
  test('compare (2 epochs, 3 seeds, 2 workers) prints the table and verdict and writes report, results.json, forecasts.csv', () => {
    const out = join(dir, 'report');
    const r = run('compare', '--epochs', '2', '--workers', '2', '--out', out);
    assert.equal(r.code, 0, r.err);
    for (const label of [
      'Deep RNN',
      'Bidirectional RNN',
      'LSTM',
      'GRU',
      'Naive (last value)',
      'Drift',
      'Mean training return',
      'Linear AR',
    ]) {
      assert.ok(r.out.includes(label), `table lists ${label}`);
    }
    assert.match(r.out, /dji\.csv: 1257 of \d+ rows, 2019-03-25\.\.2024-03-20 \(the tutorial's window/);
    assert.match(
      r.out,
      /Test period 2023-\d\d-\d\d\.\.2024-03-20 \(171 one-step-ahead forecasts, index points\); seeds 0, 1, 2/,
    );
    assert.match(
      r.out,
      /\[lstm seed 2\] epoch 2\/2/,
      'plain progress lines per seed when stdout is not a TTY',
    );
    assert.match(r.out, /^(Yes\.|No — not significantly better\.|No — worse\.) /m);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.ok(html.includes('Bidirectional RNN') && html.includes('<svg') === false);
    const charts = readdirSync(join(out, 'charts'));
    assert.ok(charts.filter((f) => f.endsWith('.svg')).length >= 4, `svg charts: ${charts.join(', ')}`);
    assert.ok(!readdirSync(out).some((f) => f.includes('.tmp')), 'no temp files left');

    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.deepEqual(res.seeds, [0, 1, 2]);
    assert.ok(['yes', 'no'].includes(res.verdict.answer));
    assert.match(res.verdict.rule, /Holm/);
    assert.deepEqual(res.testPeriod.n, 171);
    const kinds = (k: string) =>
      res.rows.filter((x: { kind: string }) => x.kind === k).map((x: { name: string }) => x.name);
    assert.deepEqual(kinds('model').sort(), ['brnn', 'drnn', 'gru', 'lstm']);
    assert.deepEqual(kinds('ensemble').sort(), ['brnn', 'drnn', 'gru', 'lstm']);
    assert.deepEqual(kinds('baseline').sort(), ['ar', 'drift', 'mean_return', 'naive']);
    const lstm = res.rows.find(
      (x: { name: string; kind: string }) => x.name === 'lstm' && x.kind === 'model',
    );
    assert.equal(lstm.mae.perSeed.length, 3);
    const ens = res.rows.find(
      (x: { name: string; kind: string }) => x.name === 'lstm' && x.kind === 'ensemble',
    );
    for (const key of ['abs', 'sq'])
      assert.ok(ens.dm[key].p >= 0 && ens.dm[key].p <= ens.dm[key].pHolm + 1e-12);
    assert.ok(ens.coverage['80'] >= 0 && ens.coverage['95'] <= 1);

    // forecasts.csv: the naive MAE recomputed from the raw file's closes (naive = the previous close).
    const csv = readFileSync(join(out, 'forecasts.csv'), 'utf8').trim().split('\n');
    const head = csv[0].split(',');
    const raw = readFileSync(defaultDatasetPath(), 'utf8').trim().split('\n');
    const cols = raw[0].split(',');
    const close = new Map(
      raw.slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[cols.indexOf('Close')])]),
    );
    let mae = 0;
    for (const line of csv.slice(1)) {
      const c = line.split(',');
      assert.equal(Number(c[head.indexOf('actual')]), close.get(c[1]));
      mae += Math.abs(close.get(c[1])! - close.get(c[0])!);
    }
    const naive = res.rows.find((x: { name: string }) => x.name === 'naive');
    assert.ok(
      Math.abs(mae / (csv.length - 1) - naive.mae.mean) < 1e-6,
      `${mae / (csv.length - 1)} vs ${naive.mae.mean}`,
    );
  });

  test('train --seed S --threads 1 is bit for bit the run of compare for seed S (main thread vs workers)', () => {
    const saveDir = join(dir, 'runs');
    const common = ['--epochs', '1', '--hidden', '8', '--range', '2019-03-25:2021-06-30'];
    const c = run(
      'compare',
      ...common,
      '--models',
      'drnn,lstm',
      '--seeds',
      '4,9',
      '--workers',
      '2',
      '--no-report',
      '--save-dir',
      saveDir,
    );
    assert.equal(c.code, 0, c.err);
    const single = join(dir, 'lstm9.safetensors');
    // compare trains several runs with one thread each; train defaults to one thread per core.
    const t = run(
      'train',
      ...common,
      '--model',
      'lstm',
      '--seed',
      '9',
      '--threads',
      '1',
      '--save',
      single,
      '-q',
    );
    assert.equal(t.code, 0, t.err);
    const a = readSafetensorsFile(join(saveDir, 'lstm-seed9.safetensors')).tensors;
    const b = readSafetensorsFile(single).tensors;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    for (const k of Object.keys(a)) assert.deepEqual(Array.from(a[k].data), Array.from(b[k].data), k);
    const other = readSafetensorsFile(join(saveDir, 'lstm-seed4.safetensors')).tensors;
    assert.notDeepEqual(Array.from(other['lstm.weight_hh_l0'].data), Array.from(b['lstm.weight_hh_l0'].data));
  });

  test('the same seed gives the same table bit for bit; workers do not change results', () => {
    const a = run(
      'compare',
      '--models',
      'drnn,gru',
      '--epochs',
      '1',
      '--workers',
      '2',
      '--no-report',
      '--seed',
      '7',
      '--seeds',
      '2',
    );
    const b = run(
      'compare',
      '--models',
      'drnn,gru',
      '--epochs',
      '1',
      '--workers',
      '0',
      '--no-report',
      '--seed',
      '7',
      '--seeds',
      '2',
    );
    assert.equal(a.code, 0, a.err);
    const table = (s: string) => s.slice(s.indexOf('Test period'), s.indexOf('wall time'));
    assert.equal(table(a.out), table(b.out));
  });

  test('train --save then predict: dated steps, intervals, actual closes from the file, staleness warning', () => {
    const ckpt = join(dir, 'gru.safetensors');
    const t = run('train', '--model', 'gru', '--epochs', '1', '--hidden', '16', '--save', ckpt);
    assert.equal(t.code, 0, t.err);
    assert.ok(existsSync(ckpt));
    const p = run('predict', '--model', ckpt, '--origin', '2024-03-20', '--horizon', '3', '--json');
    assert.equal(p.code, 0, p.err);
    const j = JSON.parse(p.out);
    assert.deepEqual(j.origin, { date: '2024-03-20', close: 39512.13 });
    assert.equal(j.steps.length, 3);
    // The shipped file goes on after 2024-03-20: dates and actual closes come from its next rows.
    assert.deepEqual(
      j.steps.map((s: { date: string }) => s.date),
      ['2024-03-21', '2024-03-22', '2024-03-25'],
    );
    assert.equal(j.steps[0].actual, 39781.37);
    for (const s of j.steps) assert.ok(s.forecast > 20000 && s.forecast < 60000, `forecast ${s.forecast}`);
    assert.ok(
      j.steps[0].lo95 < j.steps[0].lo80 &&
        j.steps[0].lo80 < j.steps[0].forecast &&
        j.steps[0].forecast < j.steps[0].hi80,
    );
    assert.equal(j.steps[1].lo80, null, 'a horizon-1 checkpoint has step-1 intervals only');
    assert.ok(
      j.warnings.some((w: string) => /days before the forecast origin 2024-03-20/.test(w)),
      j.warnings.join('\n'),
    );
    // Past the end of the file: weekdays, no actuals; the table marks them.
    const table = run('predict', '--model', ckpt, '--horizon', '2');
    assert.equal(table.code, 0, table.err);
    assert.match(
      table.out,
      /GRU forecast from 2025-03-17 \(close [\d.]+\); model data ended 20\d\d-\d\d-\d\d:/,
    );
    assert.match(table.out, /\+1\s+2025-03-18\*/);
    assert.match(table.out, /weekday after the last row/);
    assert.match(table.err, /warning: the model's data ended/);
  });

  test("a user's --csv is used whole (the tutorial window is only the shipped file's default), in price units", () => {
    const raw = readFileSync(defaultDatasetPath(), 'utf8').split('\n');
    const mine = join(dir, 'mine.csv');
    writeFileSync(mine, [raw[0], ...raw.slice(1001, 1401)].join('\n'));
    const r = run('train', '--csv', mine, '--model', 'drnn', '--epochs', '1', '--hidden', '8');
    assert.equal(r.code, 0, r.err);
    const first = raw[1001].split(',')[0];
    const last = raw[1400].split(',')[0];
    assert.ok(
      r.out.includes(`mine.csv: 400 of 400 rows, ${first}..${last} (all rows; --range selects fewer)`),
      r.out,
    );
    assert.match(r.out, /one-step-ahead forecasts, price\); seed 0/);
    const ranged = run(
      'train',
      '--csv',
      mine,
      '--range',
      `:${raw[1300].split(',')[0]}`,
      '--model',
      'drnn',
      '--epochs',
      '1',
      '--hidden',
      '8',
    );
    assert.equal(ranged.code, 0, ranged.err);
    assert.ok(
      ranged.out.includes(`mine.csv: 300 of 400 rows, ${first}..${raw[1300].split(',')[0]} (--range :`),
      ranged.out,
    );
  });

  test('info prints the tutorial printout', () => {
    const r = run('info');
    assert.equal(r.code, 0, r.err);
    assert.ok(
      r.out.includes(
        'LSTM(16, 16, 64, 2)\n    lstm.weight_ih_l0 : [256, 16]\n    lstm.weight_hh_l0 : [256, 64]',
      ),
    );
    assert.ok(r.out.includes('    gru.weight_ih_l0 : [192, 16]'));
    assert.ok(r.out.includes('    rnn.weight_ih_l1_reverse : [64, 128]'));
    assert.ok(r.out.includes('    linear.weight : [16, 128]'));
  });

  test('--threads: train splits batches across threads (reproducibly, close to one thread); bad counts are refused', () => {
    const common = ['--epochs', '1', '--hidden', '8', '--range', '2019-03-25:2020-12-31', '--model', 'gru'];
    const weights = (threads: string) => {
      const path = join(dir, `gru-threads${threads}.safetensors`);
      const r = run('train', ...common, '--threads', threads, '--save', path);
      assert.equal(r.code, 0, r.err);
      assert.match(
        r.out,
        new RegExp(
          `training gru \\(seed 0\\) for 1 epochs on ${threads === '1' ? '1 thread' : `${threads} threads`}`,
        ),
      );
      return readSafetensorsFile(path).tensors['gru.weight_hh_l0'].data;
    };
    const two = weights('2');
    assert.deepEqual(Array.from(weights('2')), Array.from(two), '2 threads twice: same bits');
    const one = weights('1');
    const scale = Math.max(...Array.from(one, Math.abs));
    one.forEach((v, i) => {
      assert.ok(Math.abs(v - two[i]) <= 1e-5 * scale, `weight ${i}: ${v} vs ${two[i]}`);
    });
    for (const bad of ['0', '-1', '1.5', '257', 'all']) {
      const r = run('train', '--threads', bad, '--epochs', '1');
      assert.equal(r.code, 1, `--threads ${bad}`);
      assert.match(
        r.err,
        new RegExp(
          `option '--threads <n>' argument '${bad.replace('.', '\\.')}' is invalid\\. expected a number of threads from 1 to 256`,
        ),
      );
    }
    const help = run('compare', '--help');
    assert.match(help.out, /--threads <n>/);
    assert.match(help.out, /data parallelism/);
  });

  test('bad input: one clear line, no stack trace, non-zero exit', () => {
    const missing = run('compare', '--csv', join(dir, 'nope.csv'), '--epochs', '1');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nope\.csv/);
    assert.doesNotMatch(missing.err, /\n\s+at /);
    const huge = run('train', '--hidden', '100000', '--epochs', '1');
    assert.equal(huge.code, 1);
    assert.match(huge.err, /--hidden: hiddenSize must be an integer in \[1, 65536\], got 100000/);
    const badSeed = run('compare', '--seed', '1e300');
    assert.notEqual(badSeed.code, 0);
    assert.match(badSeed.err, /expected an integer seed from 0 to 4294967295, got '1e300'/);
    const badModel = run('compare', '--models', 'lstm,transformer');
    assert.notEqual(badModel.code, 0);
    assert.match(badModel.err, /unknown model 'transformer'; choose from drnn, brnn, lstm, gru/);
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,1\n2020-01-03,1,1,1,2,1\n');
    const s = run('train', '--csv', short, '--range', ':', '--epochs', '1');
    assert.equal(s.code, 1);
    assert.match(s.err, /at least/);
    const badPredict = run('predict', '--model', short);
    assert.equal(badPredict.code, 1);
    assert.match(badPredict.err, /short\.csv/);
  });
});
