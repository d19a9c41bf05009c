/**
 * Reader for daily price CSV files as stooq and Yahoo write them.
 *
 * Accepted: a header naming `Date` and the price columns, case-insensitive and in any order
 * (`Date,Open,High,Low,Close[,Adj Close],Volume`; stooq's Polish `Data,Otwarcie,Najwyzszy,Najnizszy,Zamkniecie,
 * Wolumen`; recent yfinance's three-line `Price,…` / `Ticker,…` / `Date,,,` header), extra columns, a UTF-8 BOM,
 * CRLF or LF, blank lines, and rows in either date order. Rows come back sorted by date, ascending.
 *
 * Checked, with an error naming file, line and column: field count, dates (`YYYY-MM-DD`, optionally followed by
 * a time; `YYYYMMDD` also accepted), duplicate dates, empty / `null` / `NaN` fields, unparseable numbers,
 * prices ≤ 0, negative volume. With `dropInvalid: true` such rows are dropped instead (the first of two rows
 * with the same date is kept) and `warnings` says how many rows were dropped and why. Extra columns that are not
 * numeric on every row are ignored with a warning; they never cause a row to be dropped.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { isIsoDate, type PriceSeries } from './series.js';

export interface PriceCsvOptions {
  /** Drop rows with bad fields or a repeated date instead of throwing (default false). */
  dropInvalid?: boolean;
  /** Canonical column names that must be present besides `date` (default `['close']`). */
  require?: readonly string[];
}

/** Price columns (must be > 0) and the volume column (must be ≥ 0). */
const PRICE_COLUMNS = new Set(['open', 'high', 'low', 'close', 'adj_close']);
const VOLUME = 'volume';

/** Header spellings (lower case, separators → `_`) mapped to canonical names. */
const ALIASES: Record<string, string> = {
  data: 'date',
  datetime: 'date',
  timestamp: 'date',
  otwarcie: 'open',
  najwyzszy: 'high',
  najwyższy: 'high',
  najnizszy: 'low',
  najniższy: 'low',
  zamkniecie: 'close',
  zamknięcie: 'close',
  adjclose: 'adj_close',
  adjusted_close: 'adj_close',
  wolumen: 'volume',
  vol: 'volume',
};

const MISSING = new Set(['', 'null', 'none', 'na', 'n/a', '#n/a', '-', 'nan']);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const HEADER_HINT =
  'Expected a header like Date,Open,High,Low,Close,Volume (any case and order; Adj Close and extra columns allowed).';
const DROP_HINT = 'or load with dropInvalid: true to drop such rows';

/** Canonical column key: lower case, runs of spaces/dots/dashes → `_`, known aliases resolved. */
export function canonicalColumnName(raw: string): string {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s.\-/]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return ALIASES[key] ?? key;
}

/** Reads and parses a price CSV file (see the module doc). Throws an Error naming the file if unreadable. */
export function readPriceCsv(path: string, opts: PriceCsvOptions = {}): PriceSeries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new Error(
      `${path}: cannot read price file (${code}). Check the path, or download one with fetchStooq / use the ` +
        'shipped data/dji.csv.',
    );
  }
  return parsePriceCsv(text, path, opts);
}

interface InfoRecord {
  record: string[];
  info: { lines: number };
}

interface Problem {
  kind: string;
  line: number;
  column: number;
  message: string;
  fix: string;
}

/** Parses price CSV `text`; `sourceName` (a path or URL) is used in every error and warning. */
export function parsePriceCsv(text: string, sourceName: string, opts: PriceCsvOptions = {}): PriceSeries {
  const records = parseRecords(text, sourceName);
  if (records.length === 0) {
    throw new Error(`${sourceName}:1: the file is empty. ${HEADER_HINT}`);
  }
  const { names, raw, dataStart } = readHeader(records, sourceName);
  const dateCol = names.indexOf('date');
  const required = ['date', ...(opts.require ?? ['close'])];
  const missing = required.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `${sourceName}:${records[0]!.info.lines}: missing required column${missing.length > 1 ? 's' : ''} ` +
        `${missing.map((c) => `"${c}"`).join(', ')}; found columns: ${raw.map((c) => `"${c}"`).join(', ')}. ` +
        HEADER_HINT,
    );
  }
  const known: number[] = [];
  const extra: number[] = [];
  names.forEach((n, j) => {
    if (j === dateCol) return;
    (PRICE_COLUMNS.has(n) || n === VOLUME ? known : extra).push(j);
  });

  const dates: string[] = [];
  const knownValues = known.map(() => [] as number[]);
  const extraValues = extra.map(() => [] as number[]);
  const extraBad: (string | null)[] = extra.map(() => null);
  const seen = new Map<string, number>();
  const dropped: Problem[] = [];
  let total = 0;

  for (let k = dataStart; k < records.length; k++) {
    const { record, info } = records[k]!;
    total++;
    const checked = checkRow(record, info.lines, names, raw, dateCol, known, seen);
    if (typeof checked !== 'string') {
      if (opts.dropInvalid !== true) {
        throw new Error(
          `${sourceName}:${checked.line}:${checked.column}: ${checked.message}. Fix: ${checked.fix}.`,
        );
      }
      dropped.push(checked);
      continue;
    }
    const date = checked;
    seen.set(date, info.lines);
    dates.push(date);
    known.forEach((j, c) => {
      knownValues[c]!.push(Number(record[j]));
    });
    extra.forEach((j, c) => {
      if (extraBad[c] !== null) return;
      const v = record[j]!;
      if (NUMBER.test(v)) extraValues[c]!.push(Number(v));
      else extraBad[c] = `line ${info.lines} holds "${v}"`;
    });
  }

  if (total === 0) {
    throw new Error(
      `${sourceName}: the file has a header but no data rows. Use a file with at least one price row.`,
    );
  }
  if (dates.length === 0) {
    throw new Error(
      `${sourceName}: no valid data rows left: ${describeDrops(dropped, total)}. Fix the file or load another one.`,
    );
  }

  const order = ascendingOrder(dates);
  const columns: Record<string, Float64Array> = {};
  const pick = (values: number[]) => Float64Array.from(order, (i) => values[i]!);
  known.forEach((j, c) => {
    columns[names[j]!] = pick(knownValues[c]!);
  });
  const warnings: string[] = [];
  if (dropped.length > 0) warnings.push(`${sourceName}: dropped ${describeDrops(dropped, total)}`);
  extra.forEach((j, c) => {
    const bad = extraBad[c];
    if (bad === null) columns[names[j]!] = pick(extraValues[c]!);
    else warnings.push(`${sourceName}: ignored column ${j + 1} "${raw[j]}": not numeric (${bad})`);
  });
  return { source: sourceName, dates: order.map((i) => dates[i]!), columns, rows: order.length, warnings };
}

function parseRecords(text: string, sourceName: string): InfoRecord[] {
  try {
    return parse(text, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as InfoRecord[];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new Error(
      `${sourceName}:${err.lines ?? 1}: not a well-formed CSV file (${err.message}). ` +
        'Check for an unbalanced quote or a file that is not CSV.',
    );
  }
}

/** Header names (canonical and as written) and the index of the first data record. */
function readHeader(records: InfoRecord[], sourceName: string) {
  const raw = records[0]!.record.map((c, j) => (c === '' ? `column_${j + 1}` : c));
  const names = raw.map(canonicalColumnName);
  let dataStart = 1;
  // recent yfinance `to_csv`: "Price,Close,…" / "Ticker,^DJI,…" / "Date,,,…".
  if (names[0] === 'price' && records[1]?.record[0]?.toLowerCase() === 'ticker') {
    names[0] = 'date';
    dataStart = 2;
    const third = records[2]?.record;
    if (third !== undefined && third[0]?.toLowerCase() === 'date' && third.slice(1).every((f) => f === '')) {
      dataStart = 3;
    }
  }
  names.forEach((n, j) => {
    const first = names.indexOf(n);
    if (first !== j) {
      throw new Error(
        `${sourceName}:${records[0]!.info.lines}:${j + 1}: column "${raw[j]}" repeats column ${first + 1} ` +
          `"${raw[first]}" (both mean "${n}"). Remove or rename one of them.`,
      );
    }
  });
  return { names, raw, dataStart };
}

/** The row's date if every checked field is valid, else the first problem. */
function checkRow(
  record: string[],
  line: number,
  names: string[],
  raw: string[],
  dateCol: number,
  known: number[],
  seen: Map<string, number>,
): string | Problem {
  if (record.length !== names.length) {
    const column = Math.min(record.length, names.length) + 1;
    return {
      kind: 'a wrong number of fields',
      line,
      column,
      message: `row has ${record.length} fields but the header has ${names.length}`,
      fix: `make every row have ${names.length} comma-separated fields, ${DROP_HINT}`,
    };
  }
  const col = (j: number) => `column "${raw[j]}"`;
  const date = normalizeDate(record[dateCol]!);
  if (date === null) {
    return {
      kind: 'an unparseable date',
      line,
      column: dateCol + 1,
      message: `${col(dateCol)}: "${record[dateCol]}" is not a date`,
      fix: `write dates as YYYY-MM-DD (e.g. 2024-03-20), ${DROP_HINT}`,
    };
  }
  for (const j of known) {
    const v = record[j]!;
    const at = { line, column: j + 1 };
    if (MISSING.has(v.toLowerCase())) {
      const what =
        v === ''
          ? 'is empty'
          : `holds "${v}" (${v.toLowerCase() === 'nan' ? 'not a number' : 'a missing value'})`;
      return {
        kind: 'an empty/null/NaN field',
        ...at,
        message: `${col(j)} ${what}`,
        fix: `fill in the value, ${DROP_HINT}`,
      };
    }
    if (!NUMBER.test(v)) {
      return {
        kind: 'an unparseable number',
        ...at,
        message: `${col(j)}: "${v}" is not a number`,
        fix: `write plain decimal numbers such as 25516.83 (no thousands separators or currency signs), ${DROP_HINT}`,
      };
    }
    const x = Number(v);
    if (names[j] === VOLUME ? x < 0 : x <= 0) {
      return {
        kind: names[j] === VOLUME ? 'a negative volume' : 'a non-positive price',
        ...at,
        message: `${col(j)}: ${v} is ${names[j] === VOLUME ? 'negative' : 'not a positive price'}`,
        fix: `correct the value (prices must be > 0, volume ≥ 0), ${DROP_HINT}`,
      };
    }
  }
  const first = seen.get(date);
  if (first !== undefined) {
    return {
      kind: 'a duplicate date',
      line,
      column: dateCol + 1,
      message: `${col(dateCol)}: date ${date} already appears on line ${first}`,
      fix: `keep one row per trading day, ${DROP_HINT} (the first row is kept)`,
    };
  }
  return date;
}

/** `YYYY-MM-DD` from `YYYY-MM-DD[ time]` or `YYYYMMDD`, or null if it is not a calendar date. */
function normalizeDate(field: string): string | null {
  const m = DATE_TIME.exec(field);
  let date: string | null = null;
  if (m !== null) date = m[1]!;
  else {
    const c = COMPACT_DATE.exec(field);
    if (c !== null) date = `${c[1]}-${c[2]}-${c[3]}`;
  }
  return date !== null && isIsoDate(date) ? date : null;
}

/** Row indices sorting `dates` ascending (dates are unique). */
function ascendingOrder(dates: string[]): number[] {
  const order = dates.map((_, i) => i);
  let ascending = true;
  for (let i = 1; i < dates.length && ascending; i++) ascending = dates[i - 1]! < dates[i]!;
  if (!ascending) order.sort((a, b) => (dates[a]! < dates[b]! ? -1 : 1));
  return order;
}

/** "3 of 100 data rows: 2 with an empty/null/NaN field (first at line 5, column 3), 1 with …". */
function describeDrops(dropped: Problem[], total: number): string {
  const byKind = new Map<string, Problem[]>();
  for (const p of dropped) {
    const list = byKind.get(p.kind) ?? [];
    list.push(p);
    byKind.set(p.kind, list);
  }
  const parts = [...byKind].map(
    ([kind, list]) =>
      `${list.length} with ${kind} (first at line ${list[0]!.line}, column ${list[0]!.column}: ${list[0]!.message})`,
  );
  return `${dropped.length} of ${total} data rows: ${parts.join('; ')}`;
}
