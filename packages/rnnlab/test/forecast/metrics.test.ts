import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bias,
  directionalAccuracy,
  evaluate,
  mae,
  mape,
  mase,
  naiveMae,
  rankByMetric,
  rmse,
} from '../../src/forecast/metrics.js';

function close(actual: number, expected: number, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
}

// Shared example. errors ŷ − y = [101−100, 101−102, 103−101, 104−105] = [1, −1, 2, −1].
const actual = [100, 102, 101, 105];
const predicted = [101, 101, 103, 104];
// Last known actual before each target.
const previous = [99, 100, 102, 101];
// Training series [10, 12, 11, 15, 15]: one-step changes |2|, |−1|, |4|, |0| → naive MAE = 7/4.
const train = [10, 12, 11, 15, 15];

test('mae = (|1| + |−1| + |2| + |−1|) / 4 = 1.25', () => {
  assert.equal(mae(actual, predicted), 1.25);
  assert.equal(mae(Float32Array.from(actual), Float64Array.from(predicted)), 1.25);
});

test('rmse = √((1 + 1 + 4 + 1) / 4) = √1.75', () => {
  close(rmse(actual, predicted), Math.sqrt(1.75));
});

test('mape = 100/4 · (1/100 + 1/102 + 2/101 + 1/105) percent', () => {
  close(mape(actual, predicted), 25 * (0.01 + 1 / 102 + 2 / 101 + 1 / 105));
  // 1/100 + 1/102 + 2/101 + 1/105 ≈ 0.0100 + 0.0098 + 0.0198 + 0.0095 = 0.0491 → ≈ 1.228 %.
  close(mape(actual, predicted), 1.228, 1e-3);
});

test('mape rejects an actual value of 0 and names its index', () => {
  assert.throws(() => mape([5, 0], [5, 1]), /mape: actual\[1\] is 0, so the percentage error is undefined/);
});

test('naiveMae: lag 1 → (2 + 1 + 4 + 0) / 4 = 1.75; lag 2 → (|11−10| + |15−12| + |15−11|) / 3 = 8/3', () => {
  assert.equal(naiveMae(train), 1.75);
  close(naiveMae(train, 2), 8 / 3);
});

test('naiveMae rejects a bad lag and a too-short training series', () => {
  assert.throws(() => naiveMae(train, 0), /lag must be a positive integer, got 0/);
  assert.throws(() => naiveMae([3], 1), /training series has 1 values, needs at least lag \+ 1 = 2/);
});

test('mase = MAE / naive MAE = 1.25 / 1.75 = 5/7', () => {
  close(mase(actual, predicted, naiveMae(train)), 5 / 7);
});

test('mase rejects a non-positive scale', () => {
  assert.throws(() => mase(actual, predicted, 0), /trainNaiveMae must be a positive finite number, got 0/);
});

test('directionalAccuracy: 3 of 4 directions right', () => {
  // actual − previous = [+1, +2, −1, +4]; predicted − previous = [+2, +1, +1, +3]: only target 2 is wrong.
  assert.equal(directionalAccuracy(actual, predicted, previous), 0.75);
});

test('directionalAccuracy: a zero change is its own direction', () => {
  // previous 10 each time. actual moves [0, +1, 0], predicted moves [0, 0, −1]:
  // target 0 flat/flat → right; target 1 up/flat → wrong; target 2 flat/down → wrong. 1/3.
  close(directionalAccuracy([10, 11, 10], [10, 10, 9], [10, 10, 10]), 1 / 3);
  // The naive forecast (ŷ = previous) never gets a move right: actual moves [+1, −2] → 0/2.
  assert.equal(directionalAccuracy([11, 8], [10, 10], [10, 10]), 0);
});

test('bias = mean(ŷ − y) = (1 − 1 + 2 − 1) / 4 = 0.25 (positive = over-forecast)', () => {
  assert.equal(bias(actual, predicted), 0.25);
  assert.equal(bias([10, 10], [12, 12]), 2);
});

test("the tutorial's broadcast 'bias' Σ_ij (y_j − ŷ_i) equals −N²·bias", () => {
  let broadcast = 0;
  for (const p of predicted) for (const y of actual) broadcast += y - p;
  // N·Σy − N·Σŷ = 4·408 − 4·409 = −4 = −16 · 0.25.
  assert.equal(broadcast, -4);
  assert.equal(broadcast, -(actual.length ** 2) * bias(actual, predicted));
});

test('every metric names both lengths when actual and predicted differ', () => {
  for (const f of [mae, rmse, mape, bias]) {
    assert.throws(() => f([1, 2, 3], [1, 2]), /actual has 3 values but predicted has 2/);
  }
  assert.throws(() => mase([1, 2, 3], [1, 2], 1), /actual has 3 values but predicted has 2/);
  assert.throws(() => directionalAccuracy([1, 2], [1, 2], [1]), /actual has 2 values but previous has 1/);
  assert.throws(() => mae([], []), /actual and predicted are empty/);
});

test('evaluate returns every metric for the shared example', () => {
  const m = evaluate({ actual, predicted, previous, trainNaiveMae: naiveMae(train) });
  assert.deepEqual(Object.keys(m).sort(), [
    'bias',
    'directionalAccuracy',
    'mae',
    'mape',
    'mase',
    'n',
    'rmse',
  ]);
  assert.equal(m.n, 4);
  assert.equal(m.mae, 1.25);
  close(m.rmse, Math.sqrt(1.75));
  close(m.mape, 25 * (0.01 + 1 / 102 + 2 / 101 + 1 / 105));
  close(m.mase, 5 / 7);
  assert.equal(m.directionalAccuracy, 0.75);
  assert.equal(m.bias, 0.25);
});

test('rankByMetric sorts best first per metric goal, stable, NaN last', () => {
  const rows = [
    { name: 'a', mae: 3, directionalAccuracy: 0.5, bias: -2 },
    { name: 'b', mae: 1, directionalAccuracy: 0.6, bias: 1 },
    { name: 'c', mae: Number.NaN, directionalAccuracy: 0.7, bias: 0.5 },
    { name: 'd', mae: 2, directionalAccuracy: 0.6, bias: -0.1 },
  ];
  const names = (r: typeof rows) => r.map((x) => x.name).join('');
  assert.equal(names(rankByMetric(rows, 'mae')), 'bdac'); // 1 < 2 < 3, NaN last
  assert.equal(names(rankByMetric(rows, 'directionalAccuracy')), 'cbda'); // 0.7 > 0.6 = 0.6 (b before d) > 0.5
  assert.equal(names(rankByMetric(rows, 'bias')), 'dcba'); // |−0.1| < |0.5| < |1| < |−2|
  assert.equal(names(rows), 'abcd'); // input untouched
});
