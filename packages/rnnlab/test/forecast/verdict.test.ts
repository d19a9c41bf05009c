/** The verdict rule on constructed rows: a clear win, a tie within noise (either side), a loss, a winning baseline. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResultRow } from '../../src/forecast/results.js';
import { decideVerdict, verdictRule } from '../../src/forecast/verdict.js';

/** A row with MAE `mae` whose DM test against naive has statistic `stat` and Holm-adjusted p `pHolm`. */
function row(name: string, kind: ResultRow['kind'], mae: number, stat = 0, pHolm = 1): ResultRow {
  const spread = { mean: mae, sd: 0, min: mae, max: mae, perSeed: [mae] };
  const t = { statistic: stat, p: pHolm / 2, pHolm };
  return {
    name,
    label: name.toUpperCase(),
    kind,
    rank: 0,
    mae: spread,
    rmse: spread,
    mape: spread,
    mase: spread,
    bias: spread,
    directionalAccuracy: 0.5,
    direction: 'varies',
    dm: name === 'naive' ? null : { abs: t, sq: t },
    dmByStep: null,
    coverage: null,
    coverageByStep: null,
    halfWidth: null,
  };
}

const naive = row('naive', 'baseline', 100);

test('verdict: a significant win says Yes and names the model, the margin and the adjusted p', () => {
  const v = decideVerdict(
    [
      row('lstm', 'ensemble', 90, -3.1, 0.004),
      row('gru', 'ensemble', 97, -1, 0.3),
      naive,
      row('drift', 'baseline', 101, 0.4, 0.7),
    ],
    { unit: 'index points' },
  );
  assert.equal(v.answer, 'yes');
  assert.equal(v.status, 'beats');
  assert.equal(v.headline, 'Yes.');
  assert.equal(v.best, 'lstm');
  assert.deepEqual(v.beatsNaive, ['lstm']);
  assert.match(
    v.text,
    /^LSTM beats the naive forecast: test MAE 90\.00 vs naive 100\.00 index points \(10\.0% lower\), DM p \(Holm\) = 0\.004/,
  );
  assert.match(v.text, /No baseline beats naive significantly/);
});

test('verdict: a lower MAE that is not significant is "not significantly better", worded the same on both sides', () => {
  const below = decideVerdict([row('lstm', 'ensemble', 99.98, -0.2, 0.84), naive], { unit: 'price' });
  const above = decideVerdict([row('lstm', 'ensemble', 100.02, 0.2, 0.84), naive], { unit: 'price' });
  for (const v of [below, above]) {
    assert.equal(v.answer, 'no');
    assert.equal(v.status, 'not-significant');
    assert.equal(v.headline, 'No — not significantly better.');
    assert.match(v.text, /within noise, in either direction/);
  }
  assert.match(below.text, /<0\.1% lower/);
  assert.match(above.text, /<0\.1% higher/);
  // The rule is about significance, not the sign of the MAE difference: a 1.1% margin at p = 0.13 is no "Yes".
  const margin = decideVerdict([row('lstm', 'ensemble', 98.9, -1.5, 0.13), naive], { unit: 'price' });
  assert.equal(margin.status, 'not-significant');
});

test('verdict: a significantly worse best model is "No — worse"', () => {
  const v = decideVerdict(
    [row('lstm', 'ensemble', 117, 4, 0.0001), row('gru', 'ensemble', 130, 5, 0.0001), naive],
    {
      unit: 'price',
    },
  );
  assert.equal(v.status, 'worse');
  assert.equal(v.headline, 'No — worse.');
  assert.deepEqual(v.worseThanNaive, ['lstm', 'gru']);
  assert.match(v.text, /p \(Holm\) < 0\.001/);
});

test('verdict: a baseline that beats naive is named even when no model does, and is the best of all', () => {
  const v = decideVerdict(
    [row('lstm', 'ensemble', 102, 0.5, 0.6), naive, row('ar', 'baseline', 95, -2.8, 0.02)],
    { unit: 'price' },
  );
  assert.equal(v.status, 'not-significant');
  assert.deepEqual(v.beatsNaive, ['ar']);
  assert.equal(v.bestOverall, 'ar');
  assert.match(v.text, /Baselines that beat naive significantly: AR\./);
  assert.match(v.text, /Lowest test MAE of all: AR \(95\.00\)/);
});

test('verdict: the significant model wins even when another model has a lower, non-significant MAE', () => {
  const v = decideVerdict(
    [row('lstm', 'ensemble', 88, -1.9, 0.07), row('gru', 'ensemble', 89, -3, 0.01), naive],
    {
      unit: 'price',
    },
  );
  assert.equal(v.status, 'beats');
  assert.equal(v.best, 'lstm');
  assert.deepEqual(v.beatsNaive, ['gru']);
  assert.match(v.text, /^GRU beats the naive forecast/);
  assert.match(v.text, /LSTM has a lower MAE still, but its difference from naive is not significant/);
});

test('verdict: no naive row, or no finite model, gives "Unknown."', () => {
  assert.equal(decideVerdict([row('lstm', 'ensemble', 90, -3, 0.01)], { unit: 'price' }).status, 'no-naive');
  const v = decideVerdict([row('lstm', 'ensemble', Number.NaN), naive], { unit: 'price' });
  assert.equal(v.status, 'no-models');
  assert.equal(v.headline, 'Unknown.');
  // Per-seed 'model' rows never decide the verdict.
  assert.equal(
    decideVerdict([row('lstm', 'model', 50, -9, 0), naive], { unit: 'price' }).status,
    'no-models',
  );
});

test('the rule text states the threshold, the test and the adjustment', () => {
  assert.match(verdictRule(), /Diebold–Mariano/);
  assert.match(verdictRule(), /Holm-adjusted p-value below 0\.05/);
  assert.match(verdictRule(0.01), /below 0\.01/);
});
