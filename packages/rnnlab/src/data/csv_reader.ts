/**
 * The streaming core of the price CSV reader (see csv.ts for the formats accepted and the checks made): text
 * chunks in, one PriceSeries out. Records go to the header until it is complete, then each row is checked and its
 * values appended to typed columns (8 bytes per value, 4 per date and line), so memory follows the rows kept,
 * not the text. Chunks may split lines, fields and quoted values anywhere.
 */
import { printable } from '../util/printable.js';
import { MAX_MESSAGE_LENGTH, PriceCsvError } from './csv_error.js';
import { CsvSyntaxError, CsvTokenizer } from './csv_tokenizer.js';
import { DayIndex } from './day_index.js';
import { dayNumber, daysInMonth, isoDate } from './day_number.js';
import { float64Column, type GrowingColumn, int32Column } from './growing_column.js';
import type { PriceSeries } from './series.js';

/** What to do with the rows (the reading itself is csv.ts's). */
export interface PriceRowOptions {
  /** Drop rows with bad fields or a repeated date instead of throwing (default false). */
  dropInvalid?: boolean;
  /** Canonical column names that must be present besides `date` (default `['close']`). */
  require?: readonly string[];
}

/** A price moving by more than this factor between consecutive rows (either way) gets a warning. */
export const JUMP_FACTOR = 50;

/** Most columns a header may have. */
export const MAX_COLUMNS = 1000;

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
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const DELIMITERS = [',', ';', '\t', '|'];
const HEADER_HINT =
  'Expected a header like Date,Open,High,Low,Close,Volume (any case and order; Adj Close and extra columns allowed).';
const DROP_HINT = 'or load with dropInvalid: true (API) / --drop-invalid (CLI) to drop such rows';
/** Longest piece of a value or header name quoted in a message. */
const SHOWN = 60;
/** Kinds of dropped rows described with an example (the others by count and line). */
const DETAILED_KINDS = 2;

/** Canonical column key: lower case, runs of spaces/dots/dashes → `_`, known aliases resolved. */
export function canonicalColumnName(raw: string): string {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s.\-/]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return ALIASES[key] ?? key;
}

interface Problem {
  kind: string;
  line: number;
  column: number;
  message: string;
  fix: string;
}

/** The header as read: canonical names, names as written (for messages), where the date is, value columns. */
interface Header {
  names: string[];
  raw: string[];
  dateCol: number;
  /** Price and volume columns: checked on every row. */
  known: number[];
  /** Other columns: kept if numeric on every kept row. */
  extra: number[];
}

/**
 * Streaming state of one file: text chunks in (write), a PriceSeries out (finish). Records go to the header
 * until it is complete, then each is checked and its values appended to typed columns.
 */
export class PriceCsvReader {
  private readonly source: string;
  /** `source` as shown in messages. */
  private readonly where: string;
  private readonly opts: PriceRowOptions;
  private tokenizer: CsvTokenizer | null = null;
  /** Text before the header line is complete (to pick the delimiter). */
  private pending = '';
  private headerStarted = false;
  private delimiter = ',';
  /** First records, held until the header is known (the yfinance header spans three lines). */
  private early: { fields: string[]; line: number }[] = [];
  private header: Header | null = null;

  private readonly days = int32Column();
  private readonly lines = int32Column();
  private readonly byDay = new DayIndex();
  private ascending = true;
  private knownValues: GrowingColumn<Float64Array>[] = [];
  private extraValues: (GrowingColumn<Float64Array> | null)[] = [];
  private extraBad: (string | null)[] = [];
  /** Data rows seen (kept or dropped). */
  private total = 0;
  /** Dropped rows: count and first problem per kind, in order of first appearance. */
  private readonly dropped = new Map<string, { count: number; first: Problem }>();

  constructor(source: string, opts: PriceRowOptions) {
    this.source = source;
    this.where = printable(source);
    this.opts = opts;
  }

  write(text: string): void {
    if (text === '') return;
    if (this.tokenizer === null) {
      this.pending += text;
      // Wait for the end of the first non-blank line (the header), looking only at the new text.
      const from = this.headerStarted ? 0 : text.search(/\S/);
      if (from < 0) return;
      this.headerStarted = true;
      if (!/[\n\r]/.test(from === 0 ? text : text.slice(from))) return;
      this.startTokenizer();
      return;
    }
    this.feed(text);
  }

  finish(): PriceSeries {
    if (this.tokenizer === null) this.startTokenizer();
    try {
      this.tokenizer!.end();
    } catch (e) {
      throw this.syntaxError(e);
    }
    if (this.header === null) this.readHeader();
    return this.build();
  }

  private startTokenizer(): void {
    const text = this.pending;
    this.pending = '';
    this.delimiter = detectDelimiter(text);
    this.tokenizer = new CsvTokenizer(this.delimiter, (fields, line) => this.onRecord(fields, line));
    this.feed(text);
  }

  private feed(text: string): void {
    try {
      this.tokenizer!.write(text);
    } catch (e) {
      throw this.syntaxError(e);
    }
  }

  private syntaxError(e: unknown): unknown {
    if (!(e instanceof CsvSyntaxError)) return e;
    return new PriceCsvError(
      `${this.where}:${e.line}: not a well-formed CSV file (${e.message}). ` +
        'Check for an unbalanced quote or a file that is not CSV.',
      this.source,
      e.line,
      e.column,
    );
  }

  private onRecord(fields: string[], line: number): void {
    if (this.header !== null) {
      this.onRow(fields, line);
      return;
    }
    this.early.push({ fields: fields.slice(), line });
    if (this.early.length === 3) this.readHeader();
  }

  /** Resolves the header from the first records, then processes the early data rows. */
  private readHeader(): void {
    const early = this.early;
    this.early = [];
    if (early.length === 0) {
      throw new PriceCsvError(`${this.where}:1: the file is empty. ${HEADER_HINT}`, this.source, 1);
    }
    const first = early[0]!;
    if (first.fields.length > MAX_COLUMNS) {
      throw new PriceCsvError(
        `${this.where}:${first.line}: the header has ${first.fields.length} columns, more than the ` +
          `${MAX_COLUMNS} a price file may have. Use a file with one row per day and a column per price.`,
        this.source,
        first.line,
      );
    }
    const raw = first.fields.map((c, j) => (c === '' ? `column_${j + 1}` : c));
    const names = raw.map(canonicalColumnName);
    let dataStart = 1;
    // recent yfinance `to_csv`: "Price,Close,…" / "Ticker,^DJI,…" / "Date,,,…".
    if (names[0] === 'price' && early[1]?.fields[0]?.toLowerCase() === 'ticker') {
      names[0] = 'date';
      dataStart = 2;
      const third = early[2]?.fields;
      if (
        third !== undefined &&
        third[0]?.toLowerCase() === 'date' &&
        third.slice(1).every((f) => f === '')
      ) {
        dataStart = 3;
      }
    }
    const shown = (j: number) => `"${printable(raw[j]!, SHOWN)}"`;
    names.forEach((n, j) => {
      const firstIndex = names.indexOf(n);
      if (firstIndex !== j) {
        throw new PriceCsvError(
          `${this.where}:${first.line}:${j + 1}: column ${shown(j)} repeats column ${firstIndex + 1} ` +
            `${shown(firstIndex)} (both mean "${printable(n, SHOWN)}"). Remove or rename one of them.`,
          this.source,
          first.line,
          j + 1,
        );
      }
    });
    const required = ['date', ...(this.opts.require ?? ['close'])];
    const missing = required.filter((c) => !names.includes(c));
    if (missing.length > 0) throw this.missingColumns(missing, raw, first.line);

    const dateCol = names.indexOf('date');
    const known: number[] = [];
    const extra: number[] = [];
    names.forEach((n, j) => {
      if (j === dateCol) return;
      (PRICE_COLUMNS.has(n) || n === VOLUME ? known : extra).push(j);
    });
    this.header = { names, raw, dateCol, known, extra };
    this.knownValues = known.map(() => float64Column());
    this.extraValues = extra.map(() => float64Column());
    this.extraBad = extra.map(() => null);
    for (const { fields, line } of early.slice(dataStart)) this.onRow(fields, line);
  }

  private missingColumns(missing: string[], raw: string[], line: number): PriceCsvError {
    const listed = raw
      .slice(0, 6)
      .map((c) => `"${printable(c, 40)}"`)
      .join(', ');
    const more = raw.length > 6 ? ` and ${raw.length - 6} more` : '';
    let hint = HEADER_HINT;
    if (raw.length === 1) {
      hint =
        'The header has a single column, so its fields are not separated by commas, semicolons, tabs or "|": ' +
        'save the file as comma-separated CSV with a Date and a Close column.';
    } else if (this.delimiter !== ',') {
      hint = `(Fields were split at ${delimiterName(this.delimiter)}, the delimiter found in the header.) ${hint}`;
    }
    return new PriceCsvError(
      `${this.where}:${line}: missing required column${missing.length > 1 ? 's' : ''} ` +
        `${missing.map((c) => `"${printable(c, SHOWN)}"`).join(', ')}; found columns: ${listed}${more}. ${hint}`,
      this.source,
      line,
    );
  }

  /** Checks one data row; appends its values, or drops it, or throws. */
  private onRow(record: string[], line: number): void {
    const header = this.header!;
    this.total++;
    const checked = this.checkRow(record, line);
    if (typeof checked !== 'number') {
      if (this.opts.dropInvalid !== true) {
        throw new PriceCsvError(
          `${this.where}:${checked.line}:${checked.column}: ${checked.message}. Fix: ${checked.fix}.`,
          this.source,
          checked.line,
          checked.column,
        );
      }
      const seen = this.dropped.get(checked.kind);
      if (seen === undefined) this.dropped.set(checked.kind, { count: 1, first: checked });
      else seen.count++;
      return;
    }
    const day = checked;
    const row = this.days.length;
    if (row > 0 && day < this.days.at(row - 1)) this.ascending = false;
    this.byDay.set(day, row);
    this.days.push(day);
    this.lines.push(line);
    const { known, extra } = header;
    for (let c = 0; c < known.length; c++) this.knownValues[c]!.push(Number(record[known[c]!]));
    for (let c = 0; c < extra.length; c++) {
      const values = this.extraValues[c];
      if (values === null) continue;
      const v = record[extra[c]!]!;
      const x = NUMBER.test(v) ? Number(v) : Number.NaN;
      if (Number.isFinite(x)) {
        values!.push(x);
      } else {
        const why = Number.isNaN(x) ? '' : ', beyond the range of a double';
        this.extraBad[c] = `line ${line} holds "${printable(v, SHOWN)}"${why}`;
        this.extraValues[c] = null;
      }
    }
  }

  /** The row's day number if every checked field is valid, else the first problem. */
  private checkRow(record: string[], line: number): number | Problem {
    const { names, raw, dateCol, known } = this.header!;
    if (record.length !== names.length) {
      const column = Math.min(record.length, names.length) + 1;
      return {
        kind: 'a wrong number of fields',
        line,
        column,
        message: `row has ${record.length} fields but the header has ${names.length}`,
        fix: `make every row have ${names.length} ${delimiterName(this.delimiter)}-separated fields, ${DROP_HINT}`,
      };
    }
    const col = (j: number) => `column "${printable(raw[j]!, SHOWN)}"`;
    const day = parseDay(record[dateCol]!);
    if (day < 0) {
      return {
        kind: 'an unparseable date',
        line,
        column: dateCol + 1,
        message: `${col(dateCol)}: "${printable(record[dateCol]!, SHOWN)}" is not a date`,
        fix: `write dates as YYYY-MM-DD (e.g. 2024-03-20), ${DROP_HINT}`,
      };
    }
    for (const j of known) {
      const v = record[j]!;
      const at = { line, column: j + 1 };
      if (!NUMBER.test(v)) {
        const lower = v.toLowerCase();
        if (MISSING.has(lower)) {
          const what =
            v === '' ? 'is empty' : `holds "${v}" (${lower === 'nan' ? 'not a number' : 'a missing value'})`;
          return {
            kind: 'an empty/null/NaN field',
            ...at,
            message: `${col(j)} ${what}`,
            fix: `fill in the value, ${DROP_HINT}`,
          };
        }
        const comma =
          this.delimiter !== ',' && DECIMAL_COMMA.test(v) ? 'decimal points, not commas, and ' : '';
        return {
          kind: 'an unparseable number',
          ...at,
          message: `${col(j)}: "${printable(v, SHOWN)}" is not a number`,
          fix:
            `write plain decimal numbers such as 25516.83 (${comma}no thousands separators or currency signs), ` +
            DROP_HINT,
        };
      }
      const x = Number(v);
      if (!Number.isFinite(x)) {
        return {
          kind: 'a number out of range',
          ...at,
          message: `${col(j)}: ${printable(v, SHOWN)} is beyond the range of a double (±1.8e308)`,
          fix: `correct the value, ${DROP_HINT}`,
        };
      }
      if (names[j] === VOLUME ? x < 0 : x <= 0) {
        return {
          kind: names[j] === VOLUME ? 'a negative volume' : 'a non-positive price',
          ...at,
          message: `${col(j)}: ${printable(v, SHOWN)} is ${names[j] === VOLUME ? 'negative' : 'not a positive price'}`,
          fix: `correct the value (prices must be > 0, volume ≥ 0), ${DROP_HINT}`,
        };
      }
    }
    const firstRow = this.byDay.get(day);
    if (firstRow >= 0) {
      return {
        kind: 'a duplicate date',
        line,
        column: dateCol + 1,
        message: `${col(dateCol)}: date ${isoDate(day)} already appears on line ${this.lines.at(firstRow)}`,
        fix: `keep one row per trading day, ${DROP_HINT} (the first row is kept)`,
      };
    }
    return day;
  }

  private build(): PriceSeries {
    const { names, raw, known, extra } = this.header!;
    if (this.total === 0) {
      throw new PriceCsvError(
        `${this.where}: the file has a header but no data rows. Use a file with at least one price row.`,
        this.source,
      );
    }
    const rows = this.days.length;
    if (rows === 0) {
      throw new PriceCsvError(
        `${this.where}: no valid data rows left: ${this.describeDrops()}. Fix the file or load another one.`,
        this.source,
      );
    }
    const order = this.ascending ? null : this.byDay.rowsByDay(rows);
    const dayList = this.days.take(order);
    const dates = new Array<string>(rows);
    for (let t = 0; t < rows; t++) dates[t] = isoDate(dayList[t]!);
    const columns: Record<string, Float64Array> = {};
    known.forEach((j, c) => {
      columns[names[j]!] = this.knownValues[c]!.take(order);
    });
    this.knownValues = [];
    const warnings: string[] = [];
    if (this.dropped.size > 0) warnings.push(`${this.where}: dropped ${this.describeDrops()}`);
    extra.forEach((j, c) => {
      const values = this.extraValues[c];
      if (values !== null && values !== undefined) columns[names[j]!] = values.take(order);
      else {
        warnings.push(
          `${this.where}: ignored column ${j + 1} "${printable(raw[j]!, SHOWN)}": not numeric (${this.extraBad[c]})`,
        );
      }
    });
    const lineOf = (t: number) => this.lines.at(order === null ? t : order[t]!);
    for (const j of known) {
      if (!PRICE_COLUMNS.has(names[j]!)) continue;
      const jump = jumpWarning(columns[names[j]!]!, dates, lineOf);
      if (jump !== null) warnings.push(`${this.where}: column "${printable(raw[j]!, SHOWN)}" ${jump}`);
    }
    const bounded = warnings.map((w) => printable(w, MAX_MESSAGE_LENGTH));
    return { source: this.source, dates, columns, rows, warnings: bounded };
  }

  /**
   * "3 of 100 data rows: 2 with an empty/null/NaN field (first at line 5, column 3: …); 1 with …", the first
   * DETAILED_KINDS kinds with an example, the others with their first line only (keeps the message short).
   */
  private describeDrops(): string {
    let count = 0;
    const parts: string[] = [];
    for (const [kind, { count: n, first }] of this.dropped) {
      count += n;
      const example =
        parts.length < DETAILED_KINDS
          ? `first at line ${first.line}, column ${first.column}: ${first.message}`
          : `first at line ${first.line}`;
      parts.push(`${n} with ${kind} (${example})`);
    }
    return `${count} of ${this.total} data rows: ${parts.join('; ')}`;
  }
}

/**
 * The first jump by more than JUMP_FACTOR× between consecutive values, described with its dates and line, and
 * how many such jumps the column has; null if there is none.
 */
function jumpWarning(values: Float64Array, dates: string[], lineOf: (t: number) => number): string | null {
  let first = -1;
  let count = 0;
  for (let t = 1; t < values.length; t++) {
    const ratio = values[t]! / values[t - 1]!;
    if (ratio > JUMP_FACTOR || ratio < 1 / JUMP_FACTOR) {
      if (first < 0) first = t;
      count++;
    }
  }
  if (first < 0) return null;
  const a = values[first - 1]!;
  const b = values[first]!;
  const factor = b > a ? b / a : a / b;
  const others = count > 1 ? ` (and ${count - 1} more such jump${count > 2 ? 's' : ''})` : '';
  return (
    `jumps from ${a} on ${dates[first - 1]} to ${b} on ${dates[first]} (line ${lineOf(first)}), ` +
    `${b > a ? 'up' : 'down'} ${factor.toPrecision(3)}×${others}; more than ${JUMP_FACTOR}× in a day is ` +
    'almost surely a typo, a unit change or a missing split adjustment. Check that row.'
  );
}

/** Day number of `YYYY-MM-DD[ time]` or `YYYYMMDD`, or -1 if it is not a calendar date. */
function parseDay(field: string): number {
  let year: number;
  let month: number;
  let day: number;
  if (field.length === 10 && field.charCodeAt(4) === DASH && field.charCodeAt(7) === DASH) {
    // Fast path for the plain YYYY-MM-DD of almost every row (no regex match object per row).
    year = digits(field, 0, 4);
    month = digits(field, 5, 7);
    day = digits(field, 8, 10);
    if (year < 0 || month < 0 || day < 0) return -1;
  } else {
    const m = DATE_TIME.exec(field) ?? COMPACT_DATE.exec(field);
    if (m === null) return -1;
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  return dayNumber(year, month, day);
}

const DASH = 45;

/** The decimal number written by s[from, to) if it is all ASCII digits, else -1. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The most frequent of `,` `;` tab `|` in the first non-blank line of `text` (comma when none or tied). */
function detectDelimiter(text: string): string {
  const start = Math.max(0, text.search(/\S/));
  const end = text.slice(start, start + 65_536).search(/[\n\r]/);
  const line = text.slice(start, end < 0 ? start + 65_536 : start + end);
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    let count = 0;
    for (let i = line.indexOf(d); i >= 0; i = line.indexOf(d, i + 1)) count++;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

function delimiterName(d: string): string {
  return d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '\t' ? 'tab' : `"${d}"`;
}
