import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compoundLogReturns,
  LogReturnTransform,
  logReturns,
  pricesFromLogReturns,
} from '../../src/data/returns.js';
import {
  MinMaxScaler,
  StandardScaler,
  type StandardScalerJSON,
  scalerFromJSON,
} from '../../src/data/scalers.js';

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
};

test('StandardScaler: mean and unbiased std of 1, 2, 3, 4 by hand; biased option', () => {
  const s = new StandardScaler().fit([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  near([s.std], [Math.sqrt(5 / 3)]); // Σ(x - 2.5)² = 5, / (4 - 1)
  near(s.transform([1, 4]), [-1.5 / Math.sqrt(5 / 3), 1.5 / Math.sqrt(5 / 3)]);
  const b = new StandardScaler({ unbiased: false }).fit(Float32Array.of(1, 2, 3, 4));
  near([b.std], [Math.sqrt(5 / 4)]);
});

test('StandardScaler round trip and JSON', () => {
  const values = [25516.83, 25657.73, 25625.59, 25717.46, 25928.68];
  const s = new StandardScaler().fit(values);
  near(s.inverse(s.transform(values)), values, 1e-9);
  const json: StandardScalerJSON = JSON.parse(JSON.stringify(s));
  assert.deepEqual(json, { kind: 'standard', mean: s.mean, std: s.std, unbiased: true });
  const back = scalerFromJSON(json);
  assert.ok(back instanceof StandardScaler);
  assert.deepEqual(back.transform(values), s.transform(values));
  const out = new Float64Array(5);
  assert.equal(s.transform(values, out), out);
});

test('MinMaxScaler: [0, 1] and a given range by hand; no clipping outside the fitted range', () => {
  const s = new MinMaxScaler().fit([2, 4, 10]);
  assert.deepEqual(Array.from(s.transform([2, 4, 10, 12])), [0, 0.25, 1, 1.25]);
  assert.deepEqual(Array.from(s.inverse([0, 0.25, 1])), [2, 4, 10]);
  const r = new MinMaxScaler({ range: [-1, 1] }).fit([2, 4, 10]);
  assert.deepEqual(Array.from(r.transform([2, 4, 10])), [-1, -0.5, 1]);
  near(r.inverse(r.transform([3, 7.5])), [3, 7.5]);
  const back = scalerFromJSON(JSON.parse(JSON.stringify(r)));
  assert.ok(back instanceof MinMaxScaler);
  assert.deepEqual(back.range, [-1, 1]);
  assert.deepEqual(back.transform([2, 4, 10]), r.transform([2, 4, 10]));
});

test('scaler errors: too few values, zero variance, non-finite, unfitted, bad JSON', () => {
  assert.throws(() => new StandardScaler().fit([1]), /StandardScaler\.fit: needs at least 2 values, got 1/);
  assert.throws(() => new MinMaxScaler().fit([]), /MinMaxScaler\.fit: needs at least 2 values, got 0/);
  assert.throws(() => new StandardScaler().fit([3, 3, 3]), /all 3 values equal 3 \(zero variance\)/);
  assert.throws(() => new MinMaxScaler().fit([3, 3]), /all 2 values equal 3 \(zero variance\)/);
  assert.throws(() => new StandardScaler().fit([1, Number.NaN]), /value 1 is NaN/);
  assert.throws(() => new StandardScaler().transform([1]), /StandardScaler is not fitted/);
  assert.throws(() => new MinMaxScaler().inverse([1]), /MinMaxScaler is not fitted/);
  assert.throws(() => new MinMaxScaler({ range: [1, 0] }), /range \[1, 0\] must be finite with lo < hi/);
  assert.throws(
    () => StandardScaler.fromJSON({ kind: 'standard', mean: 1, std: 0, unbiased: true }),
    /std > 0/,
  );
  assert.throws(() => scalerFromJSON({ kind: 'robust' } as never), /unknown scaler .*"robust"/);
});

test('log returns by hand, one-step and compounded inverses', () => {
  const p = [100, 110, 99];
  near(logReturns(p), [Math.log(1.1), Math.log(0.9)]);
  near(pricesFromLogReturns([100, 110], [Math.log(1.1), Math.log(0.9)]), [110, 99], 1e-10);
  near(compoundLogReturns(100, [Math.log(1.1), Math.log(0.9)]), [110, 99], 1e-10);
  // a "no change" forecast: one step repeats each previous actual price, compounding stays at the start
  assert.deepEqual(Array.from(pricesFromLogReturns([100, 110], [0, 0])), [100, 110]);
  assert.deepEqual(Array.from(compoundLogReturns(100, [0, 0])), [100, 100]);
});

test('LogReturnTransform: transform/inverse round trip, JSON, errors', () => {
  const p = [25516.83, 25657.73, 25625.59, 25717.46];
  const t = new LogReturnTransform().fit(p);
  const r = t.transform(p);
  assert.equal(r.length, 3);
  near(t.inverse(r, p.slice(0, 3)), p.slice(1), 1e-9);
  assert.deepEqual(JSON.parse(JSON.stringify(t)), { kind: 'log_return' });
  assert.ok(LogReturnTransform.fromJSON({ kind: 'log_return' }) instanceof LogReturnTransform);
  assert.throws(() => t.fit([1]), /needs at least 2 prices/);
  assert.throws(() => logReturns([1, 0]), /price 1 is 0; log returns need positive finite prices/);
  assert.throws(() => pricesFromLogReturns([1], [0, 0]), /1 previous prices for 2 returns/);
});
