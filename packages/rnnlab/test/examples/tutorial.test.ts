/**
 * examples/tutorial.ts (the seed tutorial on the public API) runs as a user would run it, with 2 epochs: the data
 * window is the tutorial's, the four models train (each one's training loss falls from epoch 1 to epoch 2) and
 * each prints a finite test MAE next to the naive forecast.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MODELS = ['DRNN', 'BRNN', 'LSTM', 'GRU'];
const EXAMPLE = fileURLToPath(new URL('../../examples/tutorial.js', import.meta.url));

/** Model name → number after it on an `epoch k/n  train MSE  DRNN 0.1716  BRNN …  |  val MSE …` line. */
function trainLosses(line: string): Map<string, number> {
  const train = line.split('|')[0]!;
  return new Map(MODELS.map((m) => [m, Number(new RegExp(`\\b${m} (\\S+)`).exec(train)?.[1])]));
}

test('examples/tutorial trains the four models for 2 epochs and reports test MAE', {
  timeout: 20_000,
}, () => {
  const r = spawnSync(process.execPath, [EXAMPLE, '2'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');

  assert.match(lines[0]!, /^data: 1257 days 2019-03-25\.\.2024-03-20, close 25516\.83 → 39512\.13$/);

  for (const m of MODELS)
    assert.ok(
      lines.some((l) => l.startsWith(`${m}: `) && l.includes(' parameters in ')),
      m,
    );
  assert.ok(lines.some((l) => l.startsWith('LSTM: ') && l.includes('lstm.weight_ih_l0 [256, 1]')));

  const epochs = lines.filter((l) => l.startsWith('epoch '));
  assert.deepEqual(
    epochs.map((l) => l.split(' ')[1]),
    ['1/2', '2/2'],
  );
  const [first, second] = epochs.map(trainLosses);
  for (const m of MODELS) {
    const a = first!.get(m)!;
    const b = second!.get(m)!;
    assert.ok(Number.isFinite(a) && Number.isFinite(b), `${m} train losses parse: ${epochs.join('\n')}`);
    assert.ok(b < a, `${m} training loss falls: epoch 1 ${a}, epoch 2 ${b}`);
  }

  for (const m of MODELS) {
    const line = lines.find((l) => l.startsWith(`${m} test MAE `));
    assert.ok(line, `${m} has a test MAE line in:\n${r.stdout}`);
    const match = /^\S+ test MAE (\S+) points over (\d+) days \(naive last value (\S+); ratio (\S+)\)$/.exec(
      line,
    );
    assert.ok(match, line);
    const [, maeText, days, naiveText] = match;
    assert.ok(Number(maeText) > 0 && Number.isFinite(Number(maeText)), line);
    assert.ok(Number(naiveText) > 0 && Number.isFinite(Number(naiveText)), line);
    assert.ok(Number(days) > 100, line);
  }
});
