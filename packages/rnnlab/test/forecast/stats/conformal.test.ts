import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformalQuantile, intervalCoverage } from '../../../src/forecast/stats/conformal.js';

test('conformalQuantile is the ⌈(n + 1)·level⌉-th smallest score', () => {
  const scores = [5, 1, 4, 2, 3]; // n = 5
  assert.equal(conformalQuantile(scores, 0.5), 3); // ⌈6·0.5⌉ = 3rd smallest
  assert.equal(conformalQuantile(scores, 0.6), 4); // ⌈3.6⌉ = 4
  assert.equal(conformalQuantile(scores, 0.8), 5); // ⌈4.8⌉ = 5
  assert.equal(conformalQuantile(scores, 0.9), Number.POSITIVE_INFINITY); // ⌈5.4⌉ = 6 > n: unbounded
  assert.equal(conformalQuantile(Float32Array.from(scores), 0.1), 1); // ⌈0.6⌉ = 1
  // n = 9, level 0.8: (n + 1)·level = 8 exactly → 8th smallest.
  assert.equal(conformalQuantile([9, 8, 7, 6, 5, 4, 3, 2, 1], 0.8), 8);
});

test('conformalQuantile: an integer rank survives rounding ((99 + 1)·0.07 = 7.000000000000001)', () => {
  assert.equal(100 * 0.07, 7.000000000000001);
  const scores = Array.from({ length: 99 }, (_, i) => 99 - i); // 99..1
  assert.equal(conformalQuantile(scores, 0.07), 7);
});

test('conformalQuantile: Infinity scores sort last, a NaN score gives NaN, bad input throws', () => {
  assert.equal(conformalQuantile([1, Number.POSITIVE_INFINITY, 2], 0.5), 2);
  assert.equal(conformalQuantile([1, Number.POSITIVE_INFINITY, 2], 0.7), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(conformalQuantile([1, Number.NaN, 2], 0.5)));
  assert.throws(() => conformalQuantile([], 0.8), /conformalQuantile: scores is empty/);
  for (const level of [0, 1, 1.2, -0.1, Number.NaN]) {
    assert.throws(() => conformalQuantile([1, 2], level), /level must lie strictly between 0 and 1/);
  }
});

test('intervalCoverage counts lower ≤ actual ≤ upper', () => {
  // 1 ∈ [0, 1] yes; 2 ∈ [2.5, 3] no; 3 ∈ [3, 3] yes; 4 ∈ [5, 6] no.
  assert.equal(intervalCoverage([1, 2, 3, 4], [0, 2.5, 3, 5], [1, 3, 3, 6]), 0.5);
  assert.equal(intervalCoverage([7, -7], [-Infinity, -Infinity], [Infinity, Infinity]), 1);
  assert.ok(Number.isNaN(intervalCoverage([1, 2], [0, Number.NaN], [2, 3])));
  assert.throws(() => intervalCoverage([1, 2], [0], [3, 3]), /actual has 2 values, lower 1, upper 2/);
  assert.throws(() => intervalCoverage([], [], []), /intervalCoverage: no values/);
});

/** Seeded standard normal draws: mulberry32 uniforms, Box–Muller. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

test('split-conformal intervals reach their nominal coverage on fresh data with known noise', () => {
  // y = p·(1 + σ·z), forecast ŷ = p (the last close), score |y − ŷ|/p = σ·|z|; interval ŷ ± q̂·p.
  const z = gaussian(20240601);
  const sigma = 0.012;
  const price = (i: number): number => 30000 + 50 * Math.sin(i / 7);
  const calibration = Array.from({ length: 1000 }, () => sigma * Math.abs(z()));
  const n = 20000;
  const forecast = Float64Array.from({ length: n }, (_, i) => price(i));
  const actual = forecast.map((p) => p * (1 + sigma * z()));
  // |z| quantiles: 1.2815515655446004 (80%), 1.959963984540054 (95%) = scipy.stats.norm.ppf(0.9 and 0.975).
  for (const [level, zq, lo, hi] of [
    [0.8, 1.2815515655446004, 0.78, 0.82],
    [0.95, 1.959963984540054, 0.94, 0.96],
  ] as const) {
    const q = conformalQuantile(calibration, level);
    assert.ok(Math.abs(q / (sigma * zq) - 1) < 0.08, `q̂ ${q} vs σ·z ${sigma * zq}`);
    const lower = forecast.map((p) => p - q * p);
    const upper = forecast.map((p) => p + q * p);
    const coverage = intervalCoverage(actual, lower, upper);
    assert.ok(coverage >= lo && coverage <= hi, `level ${level}: coverage ${coverage}`);
  }
});
