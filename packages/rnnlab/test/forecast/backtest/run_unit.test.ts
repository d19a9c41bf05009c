/** runBacktestUnit: deterministic, no look-ahead, forecasts on the fold's origins, checks that the series is the plan's. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldDays } from '../../../src/forecast/backtest/folds.js';
import { planBacktest } from '../../../src/forecast/backtest/plan.js';
import { runBacktestUnit, unitResultHash } from '../../../src/forecast/backtest/run_unit.js';
import type { UnitResult } from '../../../src/forecast/backtest/types.js';
import { ar1, randomWalk, seriesOf, smallConfig } from './synthetic.js';

const withoutSeconds = (r: UnitResult) => ({ ...r, seconds: 0 });

test('a model unit is deterministic: the same result twice, bit for bit (apart from seconds)', () => {
  const s = ar1('ar', 200, 3);
  const plan = planBacktest([s], smallConfig());
  const unit = plan.units.find((u) => u.key === 'ar/f1/c0/gru/s2')!;
  const a = runBacktestUnit(plan, unit, s);
  const b = runBacktestUnit(plan, unit, s);
  assert.deepEqual(withoutSeconds(a), withoutSeconds(b));
  assert.equal(a.hash, unitResultHash(a));
  assert.equal(a.planHash, plan.hash);
  assert.deepEqual(Object.keys(a.forecasts), ['gru']);
  assert.equal(a.forecasts.gru!.length, 10);
  assert.ok(a.forecasts.gru!.every(Number.isFinite));
  // Another seed trains another network.
  const other = runBacktestUnit(plan, plan.units.find((u) => u.key === 'ar/f1/c0/gru/s1')!, s);
  assert.notDeepEqual(other.forecasts.gru, a.forecasts.gru);
});

test('baselines unit: origins, actuals and naive forecasts are the series values of the fold', () => {
  const s = randomWalk('rw', 200, 5);
  const config = smallConfig({ horizon: 3 });
  const plan = planBacktest([s], config);
  const r = runBacktestUnit(plan, plan.units.find((u) => u.key === 'rw/f2/c0/baselines')!, s);
  const f = foldDays(200, config, 2);
  const close = s.series.columns.close!;
  assert.deepEqual(r.origins, s.series.dates.slice(f.firstOrigin, f.lastOrigin + 1));
  assert.deepEqual(r.targetDates, s.series.dates.slice(f.firstOrigin + 1, f.lastOrigin + 2));
  assert.deepEqual(r.previous, Array.from(close.slice(f.firstOrigin, f.lastOrigin + 1)));
  const expected: number[] = [];
  for (let o = f.firstOrigin; o <= f.lastOrigin; o++)
    expected.push(close[o + 1]!, close[o + 2]!, close[o + 3]!);
  assert.deepEqual(r.actual, expected);
  assert.deepEqual(
    r.forecasts.naive,
    r.previous.flatMap((p) => [p, p, p]),
  );
  assert.deepEqual(Object.keys(r.forecasts).sort(), ['ar', 'drift', 'mean_return', 'naive']);
  // Validation: V − T − H + 2 = 30 − 8 − 3 + 2 = 21 windows, every target a validation day ≤ the first origin.
  assert.equal(r.valPrevious.length, 21);
  assert.equal(r.valActual.length, 21 * 3);
  assert.equal(r.valTargetDates![20], s.series.dates[f.firstOrigin - 2]);
  assert.equal(r.valActual[20 * 3 + 2], close[f.firstOrigin]);
  // The training statistics cover the days before the validation block only.
  let max = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < f.valStart; t++) max = Math.max(max, close[t]!);
  assert.equal(r.train!.max, max);
});

test("no look-ahead: changing days after the fold's last origin changes actuals, never forecasts", () => {
  for (const target of ['close', 'log_return'] as const) {
    const config = smallConfig({
      grid: [{ hidden: 6, layers: 1, seqLen: 8, lr: 0.01, target }],
      window: 'sliding',
      trainDays: 60,
    });
    const s = ar1('x', 200, 4);
    const f = foldDays(200, config, 0);
    const changed = Float64Array.from(s.series.columns.close!);
    for (let t = f.lastOrigin + 1; t < 200; t++) changed[t]! *= 1.5;
    const s2 = seriesOf('x', changed);
    for (const key of ['x/f0/c0/gru/s1', 'x/f0/c0/baselines']) {
      const p1 = planBacktest([s], config);
      const p2 = planBacktest([s2], config);
      const a = runBacktestUnit(p1, p1.units.find((u) => u.key === key)!, s);
      const b = runBacktestUnit(p2, p2.units.find((u) => u.key === key)!, s2);
      assert.deepEqual(a.forecasts, b.forecasts, `${target} ${key}`);
      assert.deepEqual(a.valForecasts, b.valForecasts, `${target} ${key}`);
      assert.notDeepEqual(a.actual, b.actual);
    }
  }
});

test("a series that is not the plan's, or a unit of another plan, is refused", () => {
  const s = randomWalk('rw', 200, 5);
  const plan = planBacktest([s], smallConfig());
  const other = randomWalk('rw', 200, 6);
  assert.throws(
    () => runBacktestUnit(plan, plan.units[0]!, other),
    /differs from the one the plan .* was made from/,
  );
  assert.throws(
    () => runBacktestUnit(plan, plan.units[0]!, randomWalk('zz', 200, 5)),
    /belongs to series "rw"/,
  );
  assert.throws(
    () => runBacktestUnit(plan, { ...plan.units[0]!, key: 'rw/f9/c0/baselines' }, s),
    /is not in this plan/,
  );
});

test('horizon 3 with a log-return target: a model unit forecasts (N, 3) prices recursively', () => {
  const s = randomWalk('rw', 200, 8);
  const config = smallConfig({
    horizon: 3,
    grid: [{ hidden: 6, layers: 2, seqLen: 8, lr: 0.01, target: 'log_return' }],
  });
  const plan = planBacktest([s], config);
  const r = runBacktestUnit(plan, plan.units.find((u) => u.key === 'rw/f0/c0/gru/s1')!, s);
  assert.equal(r.forecasts.gru!.length, 10 * 3);
  assert.equal(r.valForecasts.gru!.length, r.valActual.length);
  // Prices compounded from the last close: positive and within a few percent of it (1% daily steps).
  r.forecasts.gru!.forEach((v, i) => {
    const p = r.previous[Math.floor(i / 3)]!;
    assert.ok(v > 0 && Math.abs(v / p - 1) < 0.1, `${i}: ${v} vs ${p}`);
  });
});

test("refit 'once': every fold uses the model fitted at fold 0 and scores its own origins", () => {
  const s = ar1('ar', 200, 3);
  const once = planBacktest([s], smallConfig({ refit: 'once' }));
  const every = planBacktest([s], smallConfig());
  assert.notEqual(once.hash, every.hash);
  const run = (plan: typeof once, key: string) =>
    runBacktestUnit(plan, plan.units.find((u) => u.key === key)!, s);
  // Fold 0 is the same fit either way.
  const once0 = run(once, 'ar/f0/c0/gru/s1');
  assert.deepEqual(once0.forecasts, run(every, 'ar/f0/c0/gru/s1').forecasts);
  // Fold 2 under 'once': fold 0's validation forecasts (same model, same validation windows), fold 2's origins.
  const once2 = run(once, 'ar/f2/c0/gru/s1');
  const every2 = run(every, 'ar/f2/c0/gru/s1');
  assert.deepEqual(once2.valForecasts, once0.valForecasts);
  assert.deepEqual(once2.origins, every2.origins);
  assert.deepEqual(once2.actual, every2.actual);
  assert.notDeepEqual(once2.forecasts, every2.forecasts, 'refitting at fold 2 gives another model');
  // Baselines under 'once' also fit on fold 0 (the AR's coefficients): the naive forecast is the same either way.
  const b = run(once, 'ar/f2/c0/baselines');
  assert.deepEqual(b.forecasts.naive, run(every, 'ar/f2/c0/baselines').forecasts.naive);
  assert.notDeepEqual(b.forecasts.ar, run(every, 'ar/f2/c0/baselines').forecasts.ar);
});
