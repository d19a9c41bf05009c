/**
 * Feature columns from a PriceSeries, aligned on one set of dates.
 *
 * A feature is a column of the series (`close`, `open`, `high`, `low`, `volume`, `adj_close` or any extra
 * column) or `log_return` = ln(close_t / close_{t-1}). `log_return` has no value on the first day, so when it is
 * requested the first row is dropped from every feature (and from `dates`): `offset` = 1.
 */
import { logReturns } from './returns.js';
import { type PriceSeries, seriesColumn } from './series.js';

/** The features every daily OHLCV file provides. */
export const FEATURE_NAMES = ['close', 'open', 'high', 'low', 'volume', 'log_return'] as const;

export interface FeatureTable {
  /** The series' source (for error messages). */
  source: string;
  /** Feature names in the order of `columns`. */
  names: string[];
  /** `columns[f][t]` = feature `names[f]` on `dates[t]`; every column has `rows` values. */
  columns: Float64Array[];
  /** Dates of the rows, ascending. */
  dates: string[];
  rows: number;
  /** Index in the source series of row 0 (1 if `log_return` is among the features, else 0). */
  offset: number;
}

/** Builds the named feature columns of `series` (see the module doc). */
export function buildFeatures(series: PriceSeries, names: readonly string[]): FeatureTable {
  if (names.length === 0) {
    throw new Error(`no features requested for ${series.source}. Ask for at least one, e.g. close.`);
  }
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) throw new Error(`feature "${n}" is requested twice. List each feature once.`);
  });
  const offset = names.includes('log_return') ? 1 : 0;
  if (series.rows < offset + 1) {
    throw new Error(
      `${series.source}: ${series.rows} row(s) is too few for the features ${names.join(', ')}: need at least ` +
        `${offset + 1}. Use a longer date range.`,
    );
  }
  const columns = names.map((n) => {
    if (n === 'log_return') return logReturns(seriesColumn(series, 'close'));
    if (series.columns[n] === undefined) {
      throw new Error(
        `${series.source}: unknown feature "${n}"; available: ${[...Object.keys(series.columns), 'log_return'].join(', ')}. ` +
          'Pick one of those.',
      );
    }
    return series.columns[n]!.slice(offset);
  });
  return {
    source: series.source,
    names: [...names],
    columns,
    dates: series.dates.slice(offset),
    rows: series.rows - offset,
    offset,
  };
}

/** The column of feature `name`; throws naming the table's features if absent. */
export function featureColumn(table: FeatureTable, name: string): Float64Array {
  const f = table.names.indexOf(name);
  if (f < 0) {
    throw new Error(
      `feature "${name}" is not in this table (${table.names.join(', ')}). Build it with that feature.`,
    );
  }
  return table.columns[f]!;
}
