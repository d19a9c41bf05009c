import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatVerdict } from '../../src/report/table.js';
import { computeVerdict, rankMetrics } from '../../src/report/verdict.js';
import { makeReportData } from './fixture.js';

test('verdict: a model that beats naive is named, with the % difference', () => {
  const { metrics } = makeReportData({ beats: true });
  const v = computeVerdict(metrics, { unit: 'index points' });
  assert.equal(v.status, 'beats');
  assert.equal(v.best?.model, 'lstm');
  assert.equal(v.naive?.model, 'naive');
  assert.ok(Math.abs(v.pctDiff! - -10) < 1e-9);
  assert.deepEqual(
    v.winners.map((w) => w.model),
    ['lstm'],
  );
  assert.match(v.text, /^Yes: LSTM beats the naive forecast/);
  assert.match(v.text, /MAE 90\.00 vs naive 100\.00 index points \(10\.0% lower\)/);
});

test('verdict: says plainly when no model beats naive, still naming the best model', () => {
  const { metrics } = makeReportData({ beats: false });
  const v = computeVerdict(metrics);
  assert.equal(v.status, 'does-not-beat');
  assert.equal(v.best?.model, 'lstm');
  assert.equal(v.winners.length, 0);
  assert.match(v.text, /^No: no model beats the naive last-value forecast/);
  assert.match(v.text, /LSTM, has test MAE 110\.00 vs naive 100\.00 \(10\.0% higher\)/);
  // A baseline (AR) is better than every model here; the verdict is still about trained models.
  assert.equal(v.bestOverall?.model, 'naive');
});

test('verdict: a tie with naive does not count as beating it; tiny margins are flagged', () => {
  const { metrics } = makeReportData();
  const tie = metrics.map((m) => (m.model === 'lstm' ? { ...m, mae: 100 } : m));
  assert.equal(computeVerdict(tie).status, 'does-not-beat');
  assert.match(computeVerdict(tie).text, /\(the same\)/);
  const close = metrics.map((m) => (m.model === 'lstm' ? { ...m, mae: 99.5 } : m));
  assert.equal(computeVerdict(close).status, 'beats');
  assert.match(computeVerdict(close).text, /essentially a tie/);
});

test('verdict: missing naive baseline and diverged models are reported, not guessed', () => {
  const { metrics } = makeReportData();
  const noNaive = metrics.filter((m) => m.model !== 'naive');
  assert.equal(computeVerdict(noNaive).status, 'no-naive');
  assert.match(computeVerdict(noNaive).text, /no naive baseline/);
  const diverged = metrics.map((m) => (m.kind === 'model' ? { ...m, mae: Number.NaN } : m));
  assert.equal(computeVerdict(diverged).status, 'no-models');
});

test('rankMetrics orders by MAE with non-finite values last', () => {
  const { metrics } = makeReportData({ beats: false });
  const withNaN = [...metrics, { ...metrics[0]!, model: 'broken', label: 'broken', mae: Number.NaN }];
  const ranked = rankMetrics(withNaN);
  assert.deepEqual(
    ranked.map((r) => r.model),
    ['naive', 'ar', 'drift', 'lstm', 'brnn', 'broken'],
  );
  assert.deepEqual(
    ranked.map((r) => r.rank),
    [1, 2, 3, 4, 5, 6],
  );
});

test('formatVerdict is the same text as the HTML verdict', () => {
  const { metrics } = makeReportData({ beats: false });
  assert.equal(formatVerdict(metrics, { unit: 'pts' }), computeVerdict(metrics, { unit: 'pts' }).text);
});
