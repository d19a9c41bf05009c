/** planBacktest: fold days, unit order, ids and keys, hash stability, and errors for bad configs or short series. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daysNeeded, foldDays } from '../../../src/forecast/backtest/folds.js';
import { canonicalJson, fnv1a64 } from '../../../src/forecast/backtest/hash.js';
import { planBacktest } from '../../../src/forecast/backtest/plan.js';
import { randomWalk, seriesOf, smallConfig } from './synthetic.js';

test('fnv1a64: the published FNV-1a 64 test vectors', () => {
  assert.equal(fnv1a64(''), 'cbf29ce484222325');
  assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64('foobar'), '85944171f73967e8');
});

test('canonicalJson sorts keys at every level and writes typed arrays as arrays', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], e: undefined }), '{"a":[{"c":3,"d":2}],"b":1}');
  assert.equal(canonicalJson({ x: Float64Array.of(0.1, 2) }), '{"x":[0.1,2]}');
});

test('foldDays: expanding and sliding folds of a 200-day series (K 3, step 10, H 2, V 30)', () => {
  const c = smallConfig({ horizon: 2 });
  // Last origin 200 − 1 − 2 = 197; first origin 197 − 30 + 1 = 168.
  assert.deepEqual(foldDays(200, c, 0), {
    fold: 0,
    trainStart: 0,
    valStart: 139,
    firstOrigin: 168,
    lastOrigin: 177,
    lastTarget: 179,
  });
  assert.deepEqual(foldDays(200, c, 2), {
    fold: 2,
    trainStart: 0,
    valStart: 159,
    firstOrigin: 188,
    lastOrigin: 197,
    lastTarget: 199,
  });
  const s = smallConfig({ horizon: 2, window: 'sliding', trainDays: 50 });
  assert.equal(foldDays(200, s, 0).trainStart, 89);
  assert.equal(foldDays(200, s, 1).trainStart, 99);
});

test('plan: units in series, fold, cell, baselines, models × seeds order, ids 0..U−1', () => {
  const config = smallConfig({
    models: ['gru', 'lstm'],
    seeds: [1, 2],
    grid: [
      { hidden: 8, layers: 1, seqLen: 8, lr: 0.01, target: 'close' },
      { hidden: 4, layers: 1, seqLen: 6, lr: 0.01, target: 'log_return' },
    ],
  });
  const plan = planBacktest([randomWalk('a', 200, 1), randomWalk('b', 220, 2)], config);
  assert.equal(plan.format, 'rnnlab-backtest-plan/v1');
  // 2 series × 3 folds × 2 cells × (1 baselines + 2 models × 2 seeds).
  assert.equal(plan.units.length, 2 * 3 * 2 * 5);
  assert.deepEqual(
    plan.units.map((u) => u.id),
    plan.units.map((_, i) => i),
  );
  assert.deepEqual(
    plan.units.slice(0, 6).map((u) => u.key),
    [
      'a/f0/c0/baselines',
      'a/f0/c0/gru/s1',
      'a/f0/c0/gru/s2',
      'a/f0/c0/lstm/s1',
      'a/f0/c0/lstm/s2',
      'a/f0/c1/baselines',
    ],
  );
  assert.equal(plan.units[10]!.key, 'a/f1/c0/baselines');
  assert.equal(plan.units[30]!.key, 'b/f0/c0/baselines');
  assert.deepEqual(plan.units[3], {
    id: 3,
    key: 'a/f0/c0/lstm/s1',
    series: 'a',
    fold: 0,
    cell: 0,
    model: 'lstm',
    seed: 1,
    cost: plan.units[3]!.cost,
  });
  assert.equal(plan.units[0]!.seed, -1);
  // Costs: an LSTM (4 gate blocks) costs 4/3 of a GRU of the same size; later folds train on more days.
  assert.ok(Math.abs(plan.units[3]!.cost / plan.units[1]!.cost - 4 / 3) < 1e-12);
  assert.ok(plan.units[11]!.cost > plan.units[1]!.cost);
  assert.deepEqual(
    plan.series.map((s) => [s.name, s.rows, s.firstDate]),
    [
      ['a', 200, '2020-01-01'],
      ['b', 220, '2020-01-01'],
    ],
  );
});

test('plan hash: stable for the same inputs; changes with a close, a config field or the series order', () => {
  const a = randomWalk('a', 200, 1);
  const b = randomWalk('b', 200, 2);
  const p1 = planBacktest([a, b], smallConfig());
  const p2 = planBacktest([randomWalk('a', 200, 1), randomWalk('b', 200, 2)], smallConfig());
  assert.deepEqual(p1, p2);
  assert.match(p1.hash, /^[0-9a-f]{16}$/);
  const changed = Float64Array.from(a.series.columns.close!);
  changed[100]! += 1e-9;
  const p3 = planBacktest([seriesOf('a', changed), b], smallConfig());
  assert.notEqual(p3.hash, p1.hash);
  assert.notEqual(p3.series[0]!.checksum, p1.series[0]!.checksum);
  assert.equal(p3.series[1]!.checksum, p1.series[1]!.checksum);
  const p4 = planBacktest([a, b], smallConfig({ train: { ...smallConfig().train, epochs: 4 } }));
  assert.notEqual(p4.hash, p1.hash);
  assert.notEqual(planBacktest([b, a], smallConfig()).hash, p1.hash);
});

test('a series too short for the folds is an error naming it, the days needed and the days it has', () => {
  const config = smallConfig();
  // Training 2·8 + 2 = 18, validation 30, 3 folds × 10 origins, horizon 1: 18 + 30 + 30 + 1 − 1 = 78 days.
  assert.equal(daysNeeded(config), 78);
  assert.doesNotThrow(() => planBacktest([randomWalk('ok', 78, 1)], config));
  assert.throws(
    () => planBacktest([randomWalk('ok', 100, 1), randomWalk('tiny', 77, 1)], config),
    (e: Error) =>
      /series "tiny" has 77 days/.test(e.message) &&
      /need 78/.test(e.message) &&
      /fewer --folds/.test(e.message),
  );
});

test('config errors name the field and the fix', () => {
  const s = [randomWalk('a', 300, 1)];
  const cases: Array<[Partial<ReturnType<typeof smallConfig>>, RegExp]> = [
    [{ folds: 0 }, /folds must be an integer >= 1/],
    [{ step: 1.5 }, /step must be an integer/],
    [{ window: 'sliding' }, /trainDays \(needed by --window sliding\)/],
    [{ window: 'sliding', trainDays: 10 }, /trainDays 10 is too short for seqLen 8.*trainDays >= 18/],
    [{ valDays: 8 }, /valDays 8 leaves 1 validation windows.*valDays >= 9/],
    [{ seeds: [1, 1] }, /repeat a seed/],
    [{ grid: [] }, /grid is empty/],
  ];
  for (const [over, re] of cases)
    assert.throws(() => planBacktest(s, smallConfig(over)), re, JSON.stringify(over));
  assert.throws(
    () => planBacktest([randomWalk('a', 300, 1), randomWalk('a', 300, 2)], smallConfig()),
    /two series are named "a"/,
  );
  assert.throws(() => planBacktest([randomWalk('a/b', 300, 1)], smallConfig()), /may only use letters/);
  assert.throws(() => planBacktest([], smallConfig()), /no series given/);
});
