/**
 * Date ranges `START:END` (inclusive, `YYYY-MM-DD`, either side may be empty) and slicing a PriceSeries by one,
 * as the CLI's `--range` takes them: `2019-03-25:2024-03-20`, `2020-01-01:`, `:2024-03-20`.
 */
import { printable } from '../util/printable.js';
import { isIsoDate, type PriceSeries } from './series.js';

export interface DateRange {
  /** First day kept (inclusive); undefined = from the first row. */
  start?: string;
  /** Last day kept (inclusive); undefined = to the last row. */
  end?: string;
}

const RANGE_HINT =
  'Write it as START:END with dates YYYY-MM-DD, either side may be empty (e.g. 2019-03-25:2024-03-20)';

/** Parses `START:END`; throws an Error naming the bad part. */
export function parseDateRange(range: string): DateRange {
  const shown = printable(range, 80);
  const parts = range.trim().split(':');
  if (parts.length !== 2)
    throw new Error(`invalid date range "${shown}": expected exactly one ":". ${RANGE_HINT}.`);
  const [start, end] = parts.map((p) => p.trim()) as [string, string];
  for (const [label, d] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (d !== '' && !isIsoDate(d)) {
      throw new Error(
        `invalid date range "${shown}": ${label} "${printable(d, 60)}" is not a calendar date. ${RANGE_HINT}.`,
      );
    }
  }
  if (start !== '' && end !== '' && start > end) {
    throw new Error(`invalid date range "${shown}": start ${start} is after end ${end}. Swap them.`);
  }
  const out: DateRange = {};
  if (start !== '') out.start = start;
  if (end !== '') out.end = end;
  return out;
}

/**
 * The rows of `series` dated within `range` (a `START:END` string or a DateRange), both ends inclusive.
 * Columns are copied. Throws if the range is malformed or selects no rows (naming the series' own range).
 */
export function sliceByDate(series: PriceSeries, range: string | DateRange): PriceSeries {
  const r = typeof range === 'string' ? parseDateRange(range) : range;
  const from = r.start === undefined ? 0 : lowerBound(series.dates, r.start);
  const to = r.end === undefined ? series.rows : upperBound(series.dates, r.end);
  if (to <= from) {
    const shown = printable(typeof range === 'string' ? range : `${r.start ?? ''}:${r.end ?? ''}`, 80);
    const have = series.rows > 0 ? `${series.dates[0]}:${series.dates[series.rows - 1]}` : 'no rows';
    throw new Error(
      `${printable(series.source)}: date range ${shown} selects no rows; the file covers ${have}. Pick a range that overlaps it.`,
    );
  }
  const columns: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(series.columns)) columns[name] = values.slice(from, to);
  return {
    source: series.source,
    dates: series.dates.slice(from, to),
    columns,
    rows: to - from,
    warnings: [...series.warnings],
  };
}

/** First index i with dates[i] >= d (dates ascending). */
function lowerBound(dates: string[], d: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with dates[i] > d (dates ascending). */
function upperBound(dates: string[], d: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! <= d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
