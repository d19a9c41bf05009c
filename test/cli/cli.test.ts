/** The rnnlab command line end to end: a 2-epoch compare that writes the report, train → predict, info, and errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

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
  test('compare (2 epochs, 2 workers) prints the ranked table and writes the report files', () => {
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
      'Linear AR',
    ]) {
      assert.ok(r.out.includes(label), `table lists ${label}`);
    }
    assert.match(r.out, /Test period 2023-\d\d-\d\d\.\.2024-03-20 \(171 one-step-ahead forecasts/);
    assert.match(r.out, /\[lstm\] epoch 2\/2/, 'plain progress lines when stdout is not a TTY');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.ok(html.includes('Bidirectional RNN') && html.includes('<svg') === false);
    const charts = readdirSync(join(out, 'charts'));
    assert.ok(charts.filter((f) => f.endsWith('.svg')).length >= 4, `svg charts: ${charts.join(', ')}`);
    assert.ok(!charts.some((f) => f.includes('.tmp')), 'no temp files left');
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
    );
    assert.equal(a.code, 0, a.err);
    const table = (s: string) => s.slice(s.indexOf('Test period'), s.indexOf('wall time'));
    assert.equal(table(a.out), table(b.out));
  });

  test('train --save then predict --horizon 3', () => {
    const ckpt = join(dir, 'gru.safetensors');
    const t = run('train', '--model', 'gru', '--epochs', '1', '--hidden', '16', '--save', ckpt);
    assert.equal(t.code, 0, t.err);
    assert.ok(existsSync(ckpt));
    const p = run('predict', '--model', ckpt, '--range', '2019-01-01:2024-03-20', '--horizon', '3', '--json');
    assert.equal(p.code, 0, p.err);
    const j = JSON.parse(p.out);
    assert.equal(j.lastDate, '2024-03-20');
    assert.equal(j.lastClose, 39512.13);
    assert.equal(j.forecast.length, 3);
    for (const v of j.forecast) assert.ok(v > 20000 && v < 60000, `forecast ${v} is a plausible index level`);
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

  test('bad input: one clear line, no stack trace, non-zero exit', () => {
    const missing = run('compare', '--csv', join(dir, 'nope.csv'), '--epochs', '1');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nope\.csv/);
    assert.doesNotMatch(missing.err, /\n\s+at /);
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
