/**
 * summarize() on a synthetic series with hand-made forecasts (no training): seed spreads and ensembles, DM tests
 * against naive, conformal intervals, the extrapolation check, the base rate and the verdict.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PriceSeries } from '../../src/data/series.js';
import { evalSet } from '../../src/forecast/evaluation.js';
import { forecastsCsv, resultsJson } from '../../src/forecast/export.js';
import type { ModelResult } from '../../src/forecast/job.js';
import { prepareData } from '../../src/forecast/prepare.js';
import { directionPattern, ensembleMean, spreadOf, summarize } from '../../src/forecast/summary.js';

/** mulberry32 + Box–Muller: a seeded standard normal stream, independent of the code under test. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

/** A random walk of n weekdays from 2020-01-01 around 1000, with 1% daily steps, rising `trend` per day. */
function walk(n: number, trend = 0): PriceSeries {
  const z = normals(11);
  const dates: string[] = [];
  const d = new Date('2020-01-01T00:00:00Z');
  while (dates.length < n) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) dates.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  const close = new Float64Array(n);
  let v = 1000;
  for (let i = 0; i < n; i++) close[i] = v *= Math.exp(0.01 * z() + trend);
  return { source: 'synthetic', dates, columns: { close }, rows: n, warnings: [] };
}

const d = prepareData(walk(900), { seqLen: 8 });
const test_ = evalSet(d, 'test');
const val = evalSet(d, 'val');

/** A fake run whose forecasts are actual + noise·p·sd (an "oracle" model) or naive + noise. */
function run(
  kind: 'lstm' | 'gru',
  seed: number,
  make: (actual: number, prev: number, z: number) => number,
): ModelResult {
  const z = normals(100 + seed + (kind === 'gru' ? 50 : 0));
  const f = (s: typeof test_) => Float64Array.from(s.actual, (a, i) => make(a, s.previous[i], z()));
  return {
    kind,
    seed,
    target: 'all-positions',
    config: {} as ModelResult['config'],
    history: [],
    bestEpoch: 1,
    stopReason: 'completed',
    diverged: false,
    trainSeconds: 0,
    parameters: 0,
    forecast: f(test_),
    valForecast: f(val),
    state: {},
  };
}

// LSTM: much better than naive (error 0.2% of the price); GRU: naive plus noise (worse than naive).
const runs = [0, 1, 2].flatMap((s) => [
  run('lstm', s, (a, _p, z) => a + 0.002 * a * z),
  run('gru', s, (_a, p, z) => p + 0.01 * p * z),
]);
const summary = summarize({ data: d, test: test_, val, runs, seeds: [0, 1, 2], unit: 'price' });
const res = summary.results;
const rowOf = (name: string, kind: string) => res.rows.find((r) => r.name === name && r.kind === kind)!;

test('spreadOf: mean, sample sd, extremes', () => {
  const s = spreadOf([1, 2, 6]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.sd - Math.sqrt(7)) < 1e-12); // ((4 + 1 + 9) / 2)^(1/2)
  assert.deepEqual([s.min, s.max, s.perSeed], [1, 6, [1, 2, 6]]);
  assert.equal(spreadOf([5]).sd, 0);
});

test('ensembleMean and directionPattern', () => {
  assert.deepEqual(Array.from(ensembleMean([Float64Array.of(1, 2), Float64Array.of(3, 6)])), [2, 4]);
  assert.equal(directionPattern([2, 3], [1, 1]), 'always-up');
  assert.equal(directionPattern([0, 0], [1, 1]), 'always-down');
  assert.equal(directionPattern([1, 1], [1, 1]), 'no-change');
  assert.equal(directionPattern([2, 0], [1, 1]), 'varies');
});

test('rows: per-seed spreads match each seed MAE computed here; the ensemble is the mean forecast', () => {
  const lstm = rowOf('lstm', 'model');
  const N = test_.ids.length;
  const maeOf = (f: Float64Array) => {
    let s = 0;
    for (let i = 0; i < N; i++) s += Math.abs(f[i] - test_.actual[i]);
    return s / N;
  };
  const perSeed = runs.filter((r) => r.kind === 'lstm').map((r) => maeOf(r.forecast));
  assert.deepEqual(lstm.mae.perSeed, perSeed);
  assert.equal(lstm.seedRanks!.length, 3);
  assert.deepEqual(lstm.seedRanks, [1, 1, 1]);
  const ens = rowOf('lstm', 'ensemble');
  const mean = Float64Array.from(
    test_.actual,
    (_, i) => runs.filter((r) => r.kind === 'lstm').reduce((a, r) => a + r.forecast[i], 0) / 3,
  );
  assert.ok(Math.abs(ens.mae.mean - maeOf(mean)) < 1e-9);
  assert.equal(ens.mae.perSeed.length, 1);
  const naive = rowOf('naive', 'baseline');
  assert.ok(Math.abs(naive.mae.mean - maeOf(test_.previous)) < 1e-9);
  assert.equal(naive.directionalAccuracy, null, 'naive has no direction');
  assert.equal(naive.direction, 'no-change');
  assert.equal(naive.dm, null);
});

test('significance: the oracle beats naive (tiny p), noise around naive is worse, the verdict says Yes', () => {
  const lstm = rowOf('lstm', 'ensemble');
  const gru = rowOf('gru', 'ensemble');
  assert.ok(lstm.dm!.abs.statistic < 0 && lstm.dm!.abs.pHolm < 1e-6, JSON.stringify(lstm.dm));
  assert.ok(gru.dm!.abs.statistic > 0, JSON.stringify(gru.dm));
  assert.ok(lstm.dm!.abs.pHolm >= lstm.dm!.abs.p, 'Holm never lowers a p-value');
  assert.equal(res.verdict.answer, 'yes');
  assert.equal(res.verdict.best, 'lstm');
  assert.ok(res.verdict.beatsNaive.includes('lstm'));
  assert.equal(res.rankStability.model, 'lstm');
  assert.equal(res.rankStability.timesBest, 3);
});

test('intervals: conformal widths from validation cover the test period near the nominal level', () => {
  const lstm = rowOf('lstm', 'ensemble');
  // Errors are exchangeable between validation and test by construction (same noise law).
  assert.ok(lstm.coverage!['80'] > 0.7 && lstm.coverage!['80'] < 0.9, `80%: ${lstm.coverage!['80']}`);
  assert.ok(lstm.coverage!['95'] > 0.88, `95%: ${lstm.coverage!['95']}`);
  assert.ok(lstm.halfWidth!['95'][0] > lstm.halfWidth!['80'][0]);
  const f = summary.forecasts.find((x) => x.name === 'lstm')!;
  const i = 5;
  const half = lstm.halfWidth!['80'][0] * test_.previous[i];
  assert.ok(Math.abs(f.bounds['80'].upper[i] - (f.forecast[i] + half)) < 1e-9);
});

test('base rate, extrapolation and periods are computed from the data', () => {
  let up = 0;
  for (let i = 0; i < test_.ids.length; i++) if (test_.actual[i] > test_.previous[i]) up++;
  assert.equal(res.upShare, up / test_.ids.length);
  const train = Array.from(d.prices.subarray(0, d.split.trainEnd));
  const above = Array.from(test_.actual).filter((v) => v > Math.max(...train)).length;
  assert.equal(res.extrapolation!.above, above);
  assert.equal(res.testPeriod.from, test_.dates[0]);
  assert.equal(res.testPeriod.n, test_.ids.length);
  assert.deepEqual(res.seeds, [0, 1, 2]);
});

test('results.json and forecasts.csv carry the same numbers', () => {
  const json = JSON.parse(resultsJson(summary));
  assert.equal(json.verdict.answer, 'yes');
  assert.equal(json.rows.length, res.rows.length);
  const csv = forecastsCsv({ data: d, eval: test_, forecasts: summary.forecasts }).trim().split('\n');
  const head = csv[0].split(',');
  assert.deepEqual(head.slice(0, 4), ['origin', 'date', 'step', 'actual']);
  assert.ok(head.includes('lstm_lo95') && head.includes('naive') && head.includes('mean_return_hi80'));
  assert.equal(csv.length - 1, test_.ids.length);
  const naiveCol = head.indexOf('naive');
  let mae = 0;
  for (const line of csv.slice(1)) {
    const c = line.split(',');
    mae += Math.abs(Number(c[3]) - Number(c[naiveCol]));
  }
  assert.ok(Math.abs(mae / test_.ids.length - rowOf('naive', 'baseline').mae.mean) < 1e-4);
});
