/** prepareData's `scalerFit`: scalers from the training days (default) or from every day (the tutorial's leak). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PriceSeries } from '../../src/data/series.js';
import { prepareData } from '../../src/forecast/prepare.js';

/** A series of n days whose closes rise with a wiggle (so the training days' statistics differ from all days'). */
function series(n: number): PriceSeries {
  const close = Float64Array.from({ length: n }, (_, t) => 100 + t + 5 * Math.sin(t));
  const dates = Array.from({ length: n }, (_, t) =>
    new Date(Date.UTC(2020, 0, 1 + t)).toISOString().slice(0, 10),
  );
  return { source: 'synthetic', dates, columns: { close }, rows: n, warnings: [] };
}

const meanOf = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
const sdOf = (v: ArrayLike<number>) => {
  const m = meanOf(v);
  return Math.sqrt(Array.from(v).reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

describe('prepareData scalerFit', () => {
  const s = series(200);
  const close = s.columns.close;

  test("default 'train': the z-score scaler's mean and sd are the training days' (days before trainEnd)", () => {
    const d = prepareData(s, { seqLen: 8 });
    const sc = d.targetScaler;
    assert.ok(sc !== null && sc.kind === 'standard');
    const train = close.subarray(0, d.split.trainEnd);
    assert.ok(d.split.trainEnd < close.length);
    assert.ok(Math.abs(sc.mean - meanOf(train)) < 1e-9);
    assert.ok(Math.abs(sc.std - sdOf(train)) < 1e-9);
    assert.equal(d.scalerFit, 'train');
    assert.deepEqual(d, prepareData(s, { seqLen: 8, scalerFit: 'train' }));
  });

  test("'all': the scaler's mean and sd are the whole series', the scaled windows use them, the split is unchanged", () => {
    const right = prepareData(s, { seqLen: 8 });
    const leaky = prepareData(s, { seqLen: 8, scalerFit: 'all' });
    const sc = leaky.targetScaler;
    assert.ok(sc !== null && sc.kind === 'standard');
    assert.ok(Math.abs(sc.mean - meanOf(close)) < 1e-9);
    assert.ok(Math.abs(sc.std - sdOf(close)) < 1e-9);
    assert.ok(
      Math.abs(sc.mean - (right.targetScaler as { mean: number }).mean) > 1,
      'a rising series: means differ',
    );
    assert.equal(leaky.scalerFit, 'all');
    assert.deepEqual(leaky.split, right.split);
    // Window 0's first input is day 0, scaled with the whole series' statistics.
    assert.ok(Math.abs(leaky.windows.x[0] - (close[0] - meanOf(close)) / sdOf(close)) < 1e-12);
  });

  test("'all' with minmax: min and max of every day", () => {
    const d = prepareData(s, { seqLen: 8, scaler: 'minmax', scalerFit: 'all' });
    const sc = d.targetScaler;
    assert.ok(sc !== null && sc.kind === 'minmax');
    assert.equal(sc.min, Math.min(...close));
    assert.equal(sc.max, Math.max(...close));
  });

  test('an unknown scalerFit is rejected with the choices', () => {
    assert.throws(
      () => prepareData(s, { scalerFit: 'test' as never }),
      /scalerFit must be one of train, all, got 'test'/,
    );
  });
});
