/**
 * Writes a PriceSeries back as CSV: `Date,Open,High,Low,Close[,Adj Close],Volume` (the columns present, in that
 * order), then extra columns under their keys (quoted when they hold a comma, quote or line break); rows
 * ascending, LF line ends, a final newline. Numbers use the shortest text that reads back to the same double, so
 * `parsePriceCsv(formatPriceCsv(s))` returns `s`.
 */
import type { PriceSeries } from './series.js';

const STANDARD: [string, string][] = [
  ['open', 'Open'],
  ['high', 'High'],
  ['low', 'Low'],
  ['close', 'Close'],
  ['adj_close', 'Adj Close'],
  ['volume', 'Volume'],
];

export function formatPriceCsv(series: PriceSeries): string {
  const std = STANDARD.filter(([key]) => series.columns[key] !== undefined);
  const stdKeys = new Set(STANDARD.map(([key]) => key));
  const extras = Object.keys(series.columns).filter((k) => !stdKeys.has(k));
  const keys = [...std.map(([key]) => key), ...extras];
  const header = ['Date', ...std.map(([, title]) => title), ...extras.map(csvField)].join(',');
  const cols = keys.map((k) => series.columns[k]!);
  const lines = [header];
  for (let t = 0; t < series.rows; t++)
    lines.push([series.dates[t], ...cols.map((c) => String(c[t]))].join(','));
  return `${lines.join('\n')}\n`;
}

/** `text` as one CSV field: quoted (with `""` for `"`) if it holds a comma, quote or line break. */
function csvField(text: string): string {
  return /[,"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
