import { printable } from '../util/printable.js';
import { daysInMonth } from './day_number.js';

/**
 * A daily price series: one row per trading day, dates ascending and unique, every column a Float64Array of
 * length `rows`, aligned with `dates`.
 */
export interface PriceSeries {
  /** Where the rows came from (file path or URL); error messages name it. */
  source: string;
  /** Trading days as `YYYY-MM-DD`, strictly ascending. */
  dates: string[];
  /** Lower-case column name → values: open, high, low, close, adj_close, volume (those present), plus extras. */
  columns: Record<string, Float64Array>;
  /** Number of rows (= dates.length = every column's length). */
  rows: number;
  /**
   * Non-fatal notes from loading (dropped rows, ignored non-numeric columns, implausible day-to-day jumps);
   * empty when there were none.
   */
  warnings: string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True if `s` is a real calendar date written `YYYY-MM-DD` (e.g. 2023-02-29 is false). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** The column `name` of `series`; throws an Error listing the available columns if it is absent. */
export function seriesColumn(series: PriceSeries, name: string): Float64Array {
  const col = series.columns[name];
  if (col === undefined) {
    throw new Error(
      `${printable(series.source)}: no column "${printable(name, 60)}"; the file has ` +
        `${printable(Object.keys(series.columns).join(', '))}. ` +
        'Pick one of those, or use a file that has this column.',
    );
  }
  return col;
}
