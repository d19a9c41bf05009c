import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMetricsTable } from '../../src/report/table.js';
import { makeReportData } from './fixture.js';

/** Model labels of the data rows, top to bottom. */
function rowLabels(table: string): string[] {
  return table
    .split('\n')
    .filter((l) => /^│\s+\d+\s+│/.test(l))
    .map((l) => l.split('│')[2]!.trim());
}

test('terminal table ranks rows by MAE and marks baselines and the naive reference', () => {
  const beats = formatMetricsTable(makeReportData({ beats: true }).metrics, { color: false });
  assert.deepEqual(rowLabels(beats), [
    'LSTM',
    'AR(1) (baseline)',
    'naive (reference)',
    'drift (baseline)',
    'BRNN',
  ]);
  const loses = formatMetricsTable(makeReportData({ beats: false }).metrics, { color: false });
  assert.deepEqual(rowLabels(loses), [
    'naive (reference)',
    'AR(1) (baseline)',
    'drift (baseline)',
    'LSTM',
    'BRNN',
  ]);
  for (const h of ['MAE', 'RMSE', 'MAPE %', 'MASE', 'Dir. acc. %', 'Bias']) assert.ok(beats.includes(h), h);
  // 90 MAE, MASE 0.900, directional accuracy 0.525 shown as a percentage, bias signed.
  assert.match(beats, /│ 1 │ LSTM\s+│\s+90\.00 │\s+112\.50 │\s+0\.237 │\s+0\.900 │\s+52\.5 │\s+−1\.00 │/);
});

test('terminal table: ANSI colors only when asked', () => {
  const { metrics } = makeReportData();
  const ESC = String.fromCharCode(27);
  assert.ok(!formatMetricsTable(metrics, { color: false }).includes(ESC));
  assert.ok(formatMetricsTable(metrics, { color: true }).includes(`${ESC}[`));
});
