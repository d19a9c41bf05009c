/**
 * Which rows of a comparison the report shows, and how it names them. The ranked table holds the seed ensembles
 * and the baselines (the rows the tests and the verdict use); a model's spread over seeds comes from its 'model'
 * row, which shares the ensemble's `name`.
 */
import type { CompareResults, ResultRow } from './types.js';

/** Ensemble and baseline rows by rank (1 = lowest step-1 test MAE); rows without a finite MAE last. */
export function rankedRows(results: CompareResults): ResultRow[] {
  const key = (r: ResultRow) => (Number.isFinite(r.mae.mean) ? r.rank : Number.POSITIVE_INFINITY);
  return results.rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.kind !== 'model')
    .sort((a, b) => key(a.row) - key(b.row) || a.index - b.index)
    .map(({ row }) => row);
}

/** The naive last-value baseline, the reference of every test. */
export function naiveRow(results: CompareResults): ResultRow | undefined {
  return results.rows.find((r) => r.kind === 'baseline' && r.name === 'naive');
}

/** The per-seed ('model') row of an ensemble row; undefined for baselines. */
export function seedRow(results: CompareResults, row: ResultRow): ResultRow | undefined {
  if (row.kind !== 'ensemble') return undefined;
  return results.rows.find((r) => r.kind === 'model' && r.name === row.name);
}

/** The 'model' rows (one per trained model, each with its metrics over seeds). */
export function seedRows(results: CompareResults): ResultRow[] {
  return results.rows.filter((r) => r.kind === 'model');
}

/** "3 seeds" / "1 seed". */
export function seedCount(results: CompareResults): string {
  const n = results.seeds.length;
  return `${n} seed${n === 1 ? '' : 's'}`;
}

/**
 * The label a table shows for a row: "LSTM ×3 seeds" for a seed ensemble (the model row's short label), the
 * row's own label otherwise.
 */
export function rowLabel(results: CompareResults, row: ResultRow): string {
  if (row.kind !== 'ensemble') return row.label;
  const base = seedRow(results, row)?.label ?? row.name.toUpperCase();
  return `${base} \u00d7${seedCount(results)}`;
}

/** A marker for forecasters that never change their predicted direction: "↑" always up, "↓" always down. */
export function directionMark(row: ResultRow): string {
  return row.direction === 'always-up' ? '\u2191' : row.direction === 'always-down' ? '\u2193' : '';
}
