import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMetricsTable, formatTableNotes, formatVerdict } from '../../src/report/table.js';
import { makeReportData } from './fixture.js';

/** Data rows of a cli-table3 table as arrays of trimmed cells. */
function dataRows(table: string): string[][] {
  return table
    .split('\n')
    .filter((l) => /^│\s+\d+\s+│/.test(l))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

test('terminal table ranks ensembles and baselines by MAE and tags the naive reference', () => {
  const yes = formatMetricsTable(makeReportData({ beats: true }).results, { color: false });
  assert.deepEqual(
    dataRows(yes).map((r) => [r[0], r[1]]),
    [
      ['1', 'LSTM ×3 seeds'],
      ['2', 'AR(1)'],
      ['3', 'Naive (last value) (ref.)'],
      ['4', 'Mean training return'],
      ['5', 'Drift'],
      ['6', 'Bidirectional RNN ×3 seeds'],
    ],
  );
  const head = yes.split('\n')[1]!;
  for (const h of [
    '#',
    'Model',
    'MAE',
    'MAE over seeds',
    'RMSE',
    'MASE',
    'Dir. acc. %',
    'Bias',
    'p DM (Holm)',
    'Cover 80/95',
  ])
    assert.ok(head.includes(h), h);
});

test('terminal table cells: seed spread, p-values with Holm, coverage, n/a and constant directions', () => {
  const rows = dataRows(formatMetricsTable(makeReportData({ beats: true }).results, { color: false }));
  const byLabel = new Map(rows.map((r) => [r[1]!, r]));
  // The LSTM ensemble: MAE 90, seeds 88/92/96 (mean 92, sd 4), RMSE 112.50, MASE 0.900, 55.6 %, bias −1,
  // DM p 0.004 with Holm 0.020, coverage 0.833/0.944.
  assert.deepEqual(byLabel.get('LSTM ×3 seeds'), [
    '1',
    'LSTM ×3 seeds',
    '90.00',
    '92.0 ± 4.0 (88.0–96.0)',
    '112.50',
    '0.900',
    '55.6',
    '−1.00',
    '0.004 (0.020)',
    '83/94',
  ]);
  const naive = byLabel.get('Naive (last value) (ref.)')!;
  assert.equal(naive[3], '', 'no seed spread for a baseline');
  assert.equal(naive[6], 'n/a', 'naive has no direction');
  assert.equal(naive[8], '—', 'naive is not tested against itself');
  assert.equal(byLabel.get('Drift')![6], '55.6 ↑');
  assert.equal(byLabel.get('Bidirectional RNN ×3 seeds')![6], '44.4 ↓');
  assert.equal(byLabel.get('Mean training return')![9], '78/100');
  assert.equal(byLabel.get('AR(1)')![8], '0.350 (1.000)');
});

test('terminal table stays within 140 columns', () => {
  for (const beats of [true, false]) {
    const table = formatMetricsTable(makeReportData({ beats }).results, { color: false });
    const widest = Math.max(...table.split('\n').map((l) => [...l].length));
    assert.ok(widest <= 140, `widest line ${widest}`);
  }
});

test('terminal table: ANSI colors only when asked', () => {
  const { results } = makeReportData();
  const ESC = String.fromCharCode(27);
  assert.ok(!formatMetricsTable(results, { color: false }).includes(ESC));
  const colored = formatMetricsTable(results, { color: true });
  assert.ok(colored.includes(`${ESC}[`));
  // Same cells once the escapes are stripped.
  const plain = colored.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');
  assert.equal(plain, formatMetricsTable(results, { color: false }));
});

test('formatVerdict prints the headline and the text as one paragraph', () => {
  assert.equal(
    formatVerdict(makeReportData({ beats: true }).results),
    'Yes. LSTM ensemble (3 seeds) beats the naive forecast: test MAE 90.00 vs naive 100.00 price (10.0% lower), DM p (Holm) = 0.020. No baseline beats naive significantly.',
  );
  const no = formatVerdict(makeReportData({ beats: false }).results);
  assert.match(no, /^No — not significantly better\. No model beats the naive forecast significantly\. /);
  assert.doesNotMatch(no, /\n/);
});

test('table notes give the test period, the base rate of up days and what p and coverage mean', () => {
  const notes = formatTableNotes(makeReportData().results);
  assert.match(
    notes,
    /^Test period 2024-02-29 to 2024-03-25 \(18 days\), one step ahead; .* in price units\.$/m,
  );
  assert.match(notes, /seeds 0, 1, 2/);
  assert.match(notes, /the close rose on 55\.6% of them \(the base rate\)/);
  assert.match(notes, /Diebold–Mariano test \(HLN correction\) of absolute error against naive/);
  assert.match(notes, /Holm-adjusted value in brackets decides \(significant below 0\.05\)/);
  assert.match(notes, /80% and 95% conformal intervals \(calibrated on 2024-02-15 to 2024-02-28\)/);
  for (const line of notes.split('\n')) assert.ok([...line].length <= 140, line);
});
