import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  driftForecast,
  LinearAR,
  meanLogReturn,
  meanReturnForecast,
  naiveForecast,
} from '../../src/forecast/baselines.js';

function closeAll(actual: ArrayLike<number>, expected: number[], tol: number): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= tol,
      `[${i}]: expected ${expected[i]}, got ${actual[i]}`,
    );
  }
}

test('naiveForecast repeats the last value', () => {
  assert.deepEqual(naiveForecast([3, 5, 4], 3), Float64Array.from([4, 4, 4]));
  assert.deepEqual(naiveForecast(Float32Array.from([7]), 1), Float64Array.from([7]));
  assert.deepEqual(naiveForecast([1, 2]), Float64Array.from([2])); // default horizon 1
});

test('driftForecast is exact on a linear trend', () => {
  // 10, 12, 14, 16: slope (16 − 10)/3 = 2 → 18, 20, 22.
  assert.deepEqual(driftForecast([10, 12, 14, 16], 3), Float64Array.from([18, 20, 22]));
});

test('driftForecast uses only the first and last value of the window', () => {
  // slope (19 − 10)/3 = 3 → 19 + 3 = 22, 19 + 6 = 25.
  assert.deepEqual(driftForecast([10, 13, 11, 19], 2), Float64Array.from([22, 25]));
});

test('naive and drift forecasts reject bad inputs', () => {
  assert.throws(() => naiveForecast([], 1), /naiveForecast: window is empty/);
  assert.throws(() => naiveForecast([1], 0), /horizon must be a positive integer \(1 = next step\), got 0/);
  assert.throws(() => driftForecast([1, 2], 1.5), /horizon must be a positive integer/);
  assert.throws(() => driftForecast([5], 1), /window has 1 value\(s\), needs at least 2/);
});

// x_0 = 0, x_t = 2 + 0.5·x_{t−1}: 0, 2, 3, 3.5, 3.75, 3.875, ...
function ar1Series(length: number): number[] {
  const x = [0];
  while (x.length < length) x.push(2 + 0.5 * x[x.length - 1]!);
  return x;
}

test('LinearAR recovers an exact AR(1) x_t = 2 + 0.5·x_{t−1}', () => {
  const model = LinearAR.fit(ar1Series(20), { order: 1 });
  assert.equal(model.order, 1);
  assert.ok(Math.abs(model.intercept - 2) < 1e-9, `intercept ${model.intercept}`);
  assert.ok(Math.abs(model.coefficients[0]! - 0.5) < 1e-9, `phi ${model.coefficients[0]}`);
  // Recursive: 2 + 0.5·3.5 = 3.75, then 2 + 0.5·3.75 = 3.875.
  closeAll(model.predict([0, 2, 3, 3.5], 2), [3.75, 3.875], 1e-9);
});

test('LinearAR(1) OLS on [1, 2, 4, 3, 5] matches the textbook formula', () => {
  // Pairs (x_{t−1}, x_t): (1,2), (2,4), (4,3), (3,5). x̄ = 2.5, ȳ = 3.5.
  // Sxy = (−1.5)(−1.5) + (−0.5)(0.5) + (1.5)(−0.5) + (0.5)(1.5) = 2; Sxx = 2.25 + 0.25 + 2.25 + 0.25 = 5.
  // φ = Sxy/Sxx = 0.4, c = ȳ − φ·x̄ = 3.5 − 1 = 2.5.
  const model = LinearAR.fit([1, 2, 4, 3, 5], { order: 1 });
  assert.ok(Math.abs(model.coefficients[0]! - 0.4) < 1e-12);
  assert.ok(Math.abs(model.intercept - 2.5) < 1e-12);
  closeAll(model.predict([5]), [2.5 + 0.4 * 5], 1e-12); // 4.5
});

test('LinearAR ridge shrinks the standardised coefficient: φ = Sxy / (Sxx·(1 + λ))', () => {
  // Penalty λ·rows·(s·φ)² with s² = Sxx/rows adds λ·Sxx to the denominator: λ = 1 → φ = 2/10 = 0.2,
  // c = 3.5 − 0.2·2.5 = 3.0.
  const model = LinearAR.fit([1, 2, 4, 3, 5], { order: 1, ridge: 1 });
  assert.ok(Math.abs(model.coefficients[0]! - 0.2) < 1e-12);
  assert.ok(Math.abs(model.intercept - 3) < 1e-12);
});

test('LinearAR on a linear trend x_t = 5 + 3t is x_t = 3 + x_{t−1}', () => {
  const trend = Array.from({ length: 10 }, (_, t) => 5 + 3 * t);
  const model = LinearAR.fit(trend, { order: 1 });
  assert.ok(Math.abs(model.intercept - 3) < 1e-9 && Math.abs(model.coefficients[0]! - 1) < 1e-9);
  closeAll(model.predict([29, 32], 2), [35, 38], 1e-9);
});

test('LinearAR recovers an exact AR(2) and reports the rank-deficient AR(3) fit', () => {
  // x_t = 1 + 0.6·x_{t−1} − 0.3·x_{t−2}, x_0 = 5, x_1 = −3.
  const x = [5, -3];
  while (x.length < 20) x.push(1 + 0.6 * x[x.length - 1]! - 0.3 * x[x.length - 2]!);
  const model = LinearAR.fit(x, { order: 2 });
  closeAll([model.intercept, ...model.coefficients], [1, 0.6, -0.3], 1e-9);
  // Next value after (…, 5, −3): 1 + 0.6·(−3) − 0.3·5 = −2.3; then 1 + 0.6·(−2.3) − 0.3·(−3) = 0.52.
  closeAll(model.predict([5, -3], 2), [-2.3, 0.52], 1e-9);
  // With 3 lags, x_{t−1} = 1 + 0.6·x_{t−2} − 0.3·x_{t−3} exactly: the lag columns are dependent.
  assert.throws(() => LinearAR.fit(x, { order: 3 }), /lag matrix is rank-deficient.*pass ridge: 1e-8/);
  const ridged = LinearAR.fit(x, { order: 3, ridge: 1e-8 });
  // On the series' own trajectory (−3, −2.3, 0.52) any split among dependent lags gives the same next value:
  // 1 + 0.6·0.52 − 0.3·(−2.3) = 2.002.
  closeAll(ridged.predict([-3, -2.3, 0.52]), [2.002], 1e-4);
});

test('LinearAR on differences: d_t = 1 + 0.5·d_{t−1}, forecasts re-integrated to levels', () => {
  // d = 0, 1, 1.5, 1.75, 1.875, ...; x = 100, 100, 101, 102.5, 104.25, 106.125, ...
  const x = [100, 100];
  let d = 0;
  while (x.length < 20) {
    d = 1 + 0.5 * d;
    x.push(x[x.length - 1]! + d);
  }
  const model = LinearAR.fit(x, { order: 1, onDifferences: true });
  assert.ok(model.onDifferences);
  assert.ok(Math.abs(model.intercept - 1) < 1e-9 && Math.abs(model.coefficients[0]! - 0.5) < 1e-9);
  // Window [102.5, 104.25]: last d = 1.75 → d̂ = 1.875 → 106.125; d̂ = 1 + 0.9375 = 1.9375 → 108.0625.
  closeAll(model.predict([102.5, 104.25], 2), [106.125, 108.0625], 1e-9);
});

/**
 * A random walk with pseudo-random steps in [−1, 1) (Park–Miller generator). Noise matters: sums of
 * sinusoids, trends and exact AR series obey exact linear recurrences and make a long lag matrix singular.
 */
function randomWalk(length: number, seed = 42): number[] {
  const x = [100];
  while (x.length < length) {
    seed = (seed * 16807) % 2147483647;
    x.push(x[x.length - 1]! + (2 * seed) / 2147483647 - 1);
  }
  return x;
}

test('LinearAR default order uses the whole 16-day window: 16 lags on levels, 15 on differences', () => {
  const x = randomWalk(200);
  assert.equal(LinearAR.fit(x).order, 16);
  const diff = LinearAR.fit(x, { onDifferences: true });
  assert.equal(diff.order, 15);
  assert.equal(diff.predict(x.slice(0, 16), 3).length, 3);
});

test('LinearAR(16) at price scale: an affine change of units y = 30000 + 250·x keeps φ and maps c', () => {
  // y_t = a + b·x_t with x_t = c + Σφ_j x_{t−j} gives y_t = a·(1 − Σφ_j) + b·c + Σφ_j y_{t−j}.
  const x = randomWalk(400, 7);
  const y = x.map((v) => 30000 + 250 * v);
  const mx = LinearAR.fit(x);
  const my = LinearAR.fit(y);
  closeAll(my.coefficients, Array.from(mx.coefficients), 1e-9);
  const sumPhi = mx.coefficients.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(my.intercept - (30000 * (1 - sumPhi) + 250 * mx.intercept)) < 1e-6 * 30000);
});

test('LinearAR errors: too few rows, short window, bad options', () => {
  const x = randomWalk(32);
  // order 16 on 32 values: 32 − 16 = 16 rows < 17 parameters.
  assert.throws(
    () => LinearAR.fit(x),
    /training series of 32 values gives 16 regression rows for 17 parameters .*pass at least 33 training values/,
  );
  assert.throws(() => LinearAR.fit(x, { order: 0 }), /order must be a positive integer, got 0/);
  assert.throws(() => LinearAR.fit(x, { order: 1, ridge: -1 }), /ridge must be a finite number >= 0, got -1/);
  assert.throws(() => LinearAR.fit([1, 2, Number.NaN, 4], { order: 1 }), /trainSeries\[2\] is NaN/);
  const model = LinearAR.fit(x, { order: 4 });
  assert.throws(
    () => model.predict([1, 2, 3], 1),
    /window has 3 values but this AR\(4\) model needs at least 4/,
  );
  const diff = LinearAR.fit(x, { order: 4, onDifferences: true });
  assert.throws(() => diff.predict([1, 2, 3, 4], 1), /AR\(4\) model on differences needs at least 5/);
});

test('meanLogReturn is the mean of the daily log returns', () => {
  // log(110/100) + log(99/110) + log(121/99) over 3 returns (= log(1.21)/3 = 0.06354011987).
  const expected = (Math.log(110 / 100) + Math.log(99 / 110) + Math.log(121 / 99)) / 3;
  assert.ok(Math.abs(meanLogReturn([100, 110, 99, 121]) - expected) < 1e-15);
  assert.ok(Math.abs(meanLogReturn(Float32Array.from([100, 110, 99, 121])) - 0.06354011987) < 1e-11);
  assert.equal(meanLogReturn([5, 5]), 0);
});

test('meanReturnForecast grows the last value at exp(h·μ)', () => {
  // μ = log 1.1: 80·1.1 = 88, 80·1.21 = 96.8, 80·1.331 = 106.48.
  closeAll(meanReturnForecast([50, 80], 3, Math.log(1.1)), [88, 96.8, 106.48], 1e-12);
  // μ from a training series that halves over 2 steps: 64 → 32 → 16 gives μ = log ½, so 10 → 5 → 2.5.
  closeAll(meanReturnForecast([10], 2, meanLogReturn([64, 32, 16])), [5, 2.5], 1e-14);
  // μ = 0 is the naive forecast.
  assert.deepEqual(meanReturnForecast([3, 7], 2, 0), Float64Array.from([7, 7]));
});

test('meanLogReturn and meanReturnForecast reject bad inputs', () => {
  assert.throws(() => meanLogReturn([5]), /meanLogReturn: series has 1 value\(s\), needs at least 2/);
  assert.throws(() => meanLogReturn([1, 0, 2]), /series\[1\] is 0; log returns need finite prices > 0/);
  assert.throws(() => meanLogReturn([1, -2]), /series\[1\] is -2/);
  assert.throws(() => meanLogReturn([1, Number.NaN]), /series\[1\] is NaN/);
  assert.throws(() => meanReturnForecast([], 1, 0), /meanReturnForecast: window is empty/);
  assert.throws(
    () => meanReturnForecast([1], 0, 0),
    /horizon must be a positive integer \(1 = next step\), got 0/,
  );
  assert.throws(() => meanReturnForecast([1], 1, Number.NaN), /meanLogReturn is NaN; pass meanLogReturn\(/);
});
