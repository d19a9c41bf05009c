/**
 * summarizeBacktest on synthetic series with known behaviour, run end to end with small networks and few epochs:
 * a random walk (naive cannot be beaten significantly) and a strongly mean-reverting AR(1) in levels (the linear AR
 * and the networks beat naive significantly); plus the checks on the set of unit results.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planBacktest } from '../../../src/forecast/backtest/plan.js';
import { runBacktestUnit, unitResultHash } from '../../../src/forecast/backtest/run_unit.js';
import {
  bootstrapGeoMeanInterval,
  geometricMean,
  summarizeBacktest,
} from '../../../src/forecast/backtest/summarize.js';
import type { UnitResult } from '../../../src/forecast/backtest/types.js';
import { ar1, randomWalk, smallConfig } from './synthetic.js';

// 5 folds × 40 origins = 200 scored days per series, 2 networks × 2 seeds, 10 epochs of an 8-unit network.
const series = [randomWalk('rw', 700, 7), ar1('ar', 700, 9)];
const config = smallConfig({
  folds: 5,
  step: 40,
  valDays: 40,
  models: ['gru', 'lstm'],
  seeds: [1, 2],
  train: { epochs: 10, batchSize: 32, nonlinearity: 'tanh', dropout: 0 },
});
const plan = planBacktest(series, config);
const results = plan.units.map((u) => runBacktestUnit(plan, u, series.find((s) => s.name === u.series)!));
const summary = summarizeBacktest(plan, results);
const perSeries = (name: string) => summary.perSeries.find((p) => p.series === name)!.results;
const rowOf = (name: string, series: string) =>
  perSeries(series).rows.find((r) => r.name === name && r.kind !== 'model')!;

/** MAE at step 1 of one forecaster over all folds, computed here from the unit results. */
function pooledMae(
  seriesName: string,
  pick: (r: UnitResult) => number[] | undefined,
  units: UnitResult[],
): number {
  let sum = 0;
  let n = 0;
  for (const r of units.filter((u) => u.unit.series === seriesName)) {
    const f = pick(r);
    if (!f) continue;
    f.forEach((v, i) => {
      sum += Math.abs(r.actual[i]! - v);
      n++;
    });
  }
  return sum / n;
}

test("pooling: every series is scored on all folds' origins; MAEs equal those computed from the units", () => {
  assert.equal(summary.planHash, plan.hash);
  assert.deepEqual(summary.series, ['rw', 'ar']);
  const rw = perSeries('rw');
  assert.equal(rw.testPeriod.n, 200);
  assert.equal(rw.testPeriod.to, series[0]!.series.dates[699]);
  assert.equal(rw.testPeriod.from, series[0]!.series.dates[500]);
  assert.deepEqual(rw.seeds, [1, 2]);
  const baselines = results.filter((r) => r.unit.model === 'baselines');
  assert.ok(
    Math.abs(rowOf('naive', 'rw').mae.mean - pooledMae('rw', (r) => r.forecasts.naive, baselines)) < 1e-9,
  );
  assert.ok(Math.abs(rowOf('ar', 'ar').mae.mean - pooledMae('ar', (r) => r.forecasts.ar, baselines)) < 1e-9);
  // The per-seed MAE of seed 2's GRU, pooled over its five fold units.
  const gru2 = results.filter((r) => r.unit.model === 'gru' && r.unit.seed === 2);
  const modelRow = rw.rows.find((r) => r.name === 'gru' && r.kind === 'model')!;
  assert.ok(Math.abs(modelRow.mae.perSeed[1]! - pooledMae('rw', (r) => r.forecasts.gru, gru2)) < 1e-9);
});

test('random walk: nothing beats naive significantly', () => {
  const v = perSeries('rw').verdict;
  assert.deepEqual(v.beatsNaive, []);
  assert.notEqual(v.status, 'beats');
});

test('mean-reverting AR(1): the linear AR and both networks beat naive significantly', () => {
  const v = perSeries('ar').verdict;
  assert.equal(v.status, 'beats');
  for (const name of ['ar', 'gru', 'lstm']) {
    assert.ok(v.beatsNaive.includes(name), name);
    assert.ok(rowOf(name, 'ar').dm!.abs.pHolm < 0.01, name);
    // Theory: naive's error has variance 2σ²/(1 + φ) = 1.54σ², the best forecast's σ², so MAE ratio ≈ 0.81.
    const ratio = rowOf(name, 'ar').mae.mean / rowOf('naive', 'ar').mae.mean;
    assert.ok(ratio > 0.7 && ratio < 0.9, `${name} ${ratio}`);
  }
});

test('intervals are calibrated on the pooled validation windows and cover near the nominal level', () => {
  for (const name of ['rw', 'ar']) {
    for (const row of perSeries(name).rows.filter((r) => r.kind !== 'model')) {
      assert.ok(row.coverage!['95'] > 0.85, `${name} ${row.name} ${row.coverage!['95']}`);
      assert.ok(row.coverage!['80'] > 0.65, `${name} ${row.name} ${row.coverage!['80']}`);
    }
  }
});

test('cross-series: relative MAE per series, geometric mean, bootstrap interval, wins/losses/ties', () => {
  assert.deepEqual(
    summary.crossSeries.map((c) => c.model),
    ['gru', 'lstm', 'drift', 'mean_return', 'ar'],
  );
  const ar = summary.crossSeries.find((c) => c.model === 'ar')!;
  const rel = ['rw', 'ar'].map((s) => rowOf('ar', s).mae.mean / rowOf('naive', s).mae.mean);
  assert.deepEqual(ar.relativeMae, rel);
  assert.ok(Math.abs(ar.geoMean - Math.sqrt(rel[0]! * rel[1]!)) < 1e-12);
  assert.equal(ar.wins, 1);
  assert.equal(ar.wins + ar.losses + ar.ties, 2);
  assert.ok(ar.interval[0] <= ar.geoMean && ar.geoMean <= ar.interval[1]);
  // With two series every resample is one of {r0 r0, r0 r1, r1 r1}: the interval lies within [min, max].
  assert.ok(ar.interval[0] >= Math.min(...rel) - 1e-12 && ar.interval[1] <= Math.max(...rel) + 1e-12);
});

test('geometricMean and its bootstrap interval', () => {
  assert.ok(Math.abs(geometricMean([1, 4, 16]) - 4) < 1e-12);
  assert.deepEqual(bootstrapGeoMeanInterval([2, 2, 2]), [2, 2]);
  const values = Array.from({ length: 40 }, (_, i) => 0.8 + 0.01 * i);
  const [lo, hi] = bootstrapGeoMeanInterval(values);
  const g = geometricMean(values);
  assert.ok(lo < g && g < hi && hi - lo < 0.1, `${lo} ${g} ${hi}`);
  assert.deepEqual(bootstrapGeoMeanInterval(values), [lo, hi]);
});

test('results out of order or read back from JSON give the same summary; missing, duplicated, foreign or edited units are refused', () => {
  assert.deepEqual(summarizeBacktest(plan, [...results].reverse()), summary);
  // Through JSON (as shards write them): hashes still match and the summary is identical.
  assert.deepEqual(summarizeBacktest(plan, JSON.parse(JSON.stringify(results))), summary);
  const missing = results.filter((r) => r.unit.key !== 'ar/f3/c0/lstm/s2');
  assert.throws(
    () => summarizeBacktest(plan, missing),
    /1 of 50 unit\(s\) have no result: ar\/f3\/c0\/lstm\/s2/,
  );
  assert.throws(
    () => summarizeBacktest(plan, [...results, results[7]!]),
    new RegExp(`appear more than once: ${results[7]!.unit.key}`),
  );
  const otherPlan = planBacktest(series, { ...config, seeds: [1, 3] });
  const foreign = { ...results[0]!, planHash: otherPlan.hash };
  assert.throws(() => summarizeBacktest(plan, [...results.slice(1), foreign]), /not units of plan/);
  const stranger = { ...results[0]!, unit: { ...results[0]!.unit, key: 'zz/f0/c0/baselines' } };
  assert.throws(() => summarizeBacktest(plan, [...results.slice(1), stranger]), /zz\/f0\/c0\/baselines/);
  const edited = { ...results[1]!, forecasts: { gru: results[1]!.forecasts.gru!.map((v) => v + 1) } };
  assert.notEqual(unitResultHash(edited), edited.hash);
  assert.throws(
    () => summarizeBacktest(plan, [results[0]!, edited, ...results.slice(2)]),
    /do not match their content hash/,
  );
});
