/** The ranked metrics table and the verdict line for the terminal. */
import Table from 'cli-table3';
import pc from 'picocolors';
import { fmtFractionAsPercent, fmtNumber, fmtSigned } from './format.js';
import type { MetricRow } from './types.js';
import { computeVerdict, findNaive, rankMetrics } from './verdict.js';

export interface TableOptions {
  /** ANSI colors (best row green, MASE below/above the naive row's green/red, baselines dimmed). */
  color: boolean;
}

/**
 * Metrics ranked by test MAE: rank, model, MAE, RMSE, MAPE %, MASE, directional accuracy %, bias. Baselines are
 * marked, the naive row is tagged as the reference.
 */
export function formatMetricsTable(metrics: readonly MetricRow[], opts: TableOptions): string {
  const c = pc.createColors(opts.color);
  const naive = findNaive(metrics);
  const table = new Table({
    head: ['#', 'Model', 'MAE', 'RMSE', 'MAPE %', 'MASE', 'Dir. acc. %', 'Bias'].map((h) => c.bold(h)),
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: opts.color ? ['grey'] : [] },
  });
  for (const m of rankMetrics(metrics)) {
    const isNaive = naive !== undefined && m.model === naive.model;
    const tag = isNaive ? ' (reference)' : m.kind === 'baseline' ? ' (baseline)' : '';
    const best = m.rank === 1 && Number.isFinite(m.mae);
    const mase = fmtNumber(m.mase, 3);
    // MASE is scaled by the naive forecast's training-period MAE: compare with the naive row's value.
    const ref = naive?.mase ?? 1;
    const maseCell =
      !Number.isFinite(m.mase) || isNaive || m.mase === ref
        ? mase
        : m.mase < ref
          ? c.green(mase)
          : c.red(mase);
    const row = [
      String(m.rank),
      `${m.label}${c.dim(tag)}`,
      fmtNumber(m.mae),
      fmtNumber(m.rmse),
      fmtNumber(m.mape, 3),
      maseCell,
      fmtFractionAsPercent(m.directionalAccuracy),
      fmtSigned(m.bias),
    ];
    const style = (s: string) => (best ? c.bold(c.green(s)) : m.kind === 'baseline' ? c.dim(s) : s);
    table.push(row.map((cell, i) => (i === 5 && !best ? cell : style(cell))));
  }
  return table.toString();
}

/** One line answering "does any model beat the naive forecast?" (the same wording as the HTML report). */
export function formatVerdict(metrics: readonly MetricRow[], opts: { unit?: string } = {}): string {
  return computeVerdict(metrics, opts).text;
}
