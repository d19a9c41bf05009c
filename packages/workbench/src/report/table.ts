/** The ranked metrics table, its footnotes and the verdict paragraph for the terminal. */
import Table from 'cli-table3';
import pc from 'picocolors';
import {
  fmtCoverage,
  fmtFractionAsPercent,
  fmtNumber,
  fmtPHolm,
  fmtSigned,
  fmtSpread,
  NA,
  unitWords,
} from './format.js';
import { directionMark, naiveRow, rankedRows, rowLabel, seedRow } from './rows.js';
import type { CompareResults, ResultRow } from './types.js';

export interface TableOptions {
  /** ANSI colors: best row green, baselines dimmed, significant p-values green (better) or red (worse). */
  color: boolean;
}

const HEAD = [
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
];

/** Directional accuracy in percent with ↑/↓ for a forecast that always predicts up/down; "n/a" for null. */
function dirCell(row: ResultRow): string {
  const mark = directionMark(row);
  const pct = fmtFractionAsPercent(row.directionalAccuracy);
  return mark && pct !== NA ? `${pct} ${mark}` : pct;
}

/**
 * The seed ensembles and baselines ranked by step-1 test MAE: rank, model (ensembles as "LSTM ×3 seeds"; naive
 * tagged "(ref.)", the reference of the tests), MAE, the model's MAE over its seeds (mean ± sd (min–max); blank for baselines), RMSE,
 * MASE, directional accuracy %, bias, the Diebold–Mariano p-value on absolute error vs naive with its Holm
 * adjustment in brackets, and the test coverage of the 80% and 95% intervals in percent.
 */
export function formatMetricsTable(results: CompareResults, opts: TableOptions): string {
  const c = pc.createColors(opts.color);
  const naive = naiveRow(results);
  const table = new Table({
    head: HEAD.map((h) => c.bold(h)),
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: opts.color ? ['grey'] : [] },
  });
  for (const r of rankedRows(results)) {
    const isNaive = r === naive;
    const best = r.rank === 1 && Number.isFinite(r.mae.mean);
    const spread = seedRow(results, r);
    const dm = r.dm?.abs;
    const pCell = isNaive ? '\u2014' : fmtPHolm(dm);
    const significant = dm !== undefined && dm.pHolm < results.verdict.alpha;
    const pColored = significant ? (dm.statistic < 0 ? c.green(pCell) : c.red(pCell)) : pCell;
    const row = [
      String(r.rank),
      `${rowLabel(results, r)}${isNaive ? c.dim(' (ref.)') : ''}`,
      fmtNumber(r.mae.mean),
      spread ? fmtSpread(spread.mae) : '',
      fmtNumber(r.rmse.mean),
      fmtNumber(r.mase.mean, 3),
      dirCell(r),
      fmtSigned(r.bias.mean),
      pColored,
      fmtCoverage(r.coverage),
    ];
    const style = (s: string) => (best ? c.bold(c.green(s)) : r.kind === 'baseline' ? c.dim(s) : s);
    table.push(row.map((cell, i) => (i === 8 && significant && !best ? cell : style(cell))));
  }
  return table.toString();
}

/**
 * What the table's columns mean, in a few short lines: the test period and unit, the base rate of up days,
 * the DM/Holm p-values and the interval coverage.
 */
export function formatTableNotes(results: CompareResults): string {
  const t = results.testPeriod;
  const cal = results.calibrationPeriod;
  const up = fmtFractionAsPercent(results.upShare);
  const lines = [
    `Test period ${t.from} to ${t.to} (${t.n} days), one step ahead; MAE, RMSE and bias in ${unitWords(results.unit)}.`,
    `Models are scored by their seed ensemble, the mean forecast over seeds ${results.seeds.join(', ')}. ref.: the naive forecast.`,
    `Dir. acc.: share of test days whose direction was called right; the close rose on ${up}% of them (the base rate).`,
    '  \u2191/\u2193: predicts up/down every day; n/a: never predicts a move.',
    'p DM (Holm): Diebold\u2013Mariano test (HLN correction) of absolute error against naive, two-sided;',
    `  the Holm-adjusted value in brackets decides (significant below ${results.verdict.alpha}).`,
    `Cover 80/95: % of test days inside the 80% and 95% conformal intervals (calibrated on ${cal.from} to ${cal.to}).`,
  ];
  return lines.join('\n');
}

/** The verdict as one paragraph: headline, then the text (the same wording as the HTML report). */
export function formatVerdict(results: CompareResults): string {
  const v = results.verdict;
  return `${v.headline} ${v.text}`;
}
