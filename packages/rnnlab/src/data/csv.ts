/**
 * Reader for daily price CSV files as stooq and Yahoo write them.
 *
 * Accepted: a header naming `Date` and the price columns, case-insensitive and in any order
 * (`Date,Open,High,Low,Close[,Adj Close],Volume`; stooq's Polish `Data,Otwarcie,Najwyzszy,Najnizszy,Zamkniecie,
 * Wolumen`; recent yfinance's three-line `Price,…` / `Ticker,…` / `Date,,,` header), extra columns, a UTF-8 BOM,
 * CRLF or LF, blank lines, and rows in either date order. The delimiter is taken from the header line: the most
 * frequent of `,` `;` tab `|` (comma on a tie). Rows come back sorted by date, ascending.
 *
 * Checked, with an error naming file, line and column: field count, dates (`YYYY-MM-DD`, optionally followed by
 * a time; `YYYYMMDD` also accepted), duplicate dates, empty / `null` / `NaN` fields, unparseable numbers,
 * numbers beyond the double range (`1e400`), prices ≤ 0, negative volume. With `dropInvalid: true` such rows are
 * dropped instead (the first of two rows with the same date is kept) and `warnings` says how many rows were
 * dropped and why. Extra columns that are not numeric on every row are ignored with a warning; they never cause a
 * row to be dropped. A price that moves by more than JUMP_FACTOR× from one row to the next is kept, with a
 * warning naming the date.
 *
 * Text is read in chunks and each row goes straight into typed columns (8 bytes per value, 4 per date), so
 * memory follows the rows kept, not the file's text. This module runs anywhere (Node, browsers, workers):
 * `parsePriceCsv` takes a string, `readPriceCsvBlob` a File or Blob; `readPriceCsv(path)` lives in `rnnlab/node`. Every error is a PriceCsvError whose message quotes file
 * content only through `printable` (no control characters, bounded length).
 */
import { printable } from '../util/printable.js';
import { PriceCsvError } from './csv_error.js';
import { PriceCsvReader, type PriceRowOptions } from './csv_reader.js';
import type { PriceSeries } from './series.js';

export { PriceCsvError } from './csv_error.js';
export { canonicalColumnName, JUMP_FACTOR, MAX_COLUMNS } from './csv_reader.js';

export interface PriceCsvOptions extends PriceRowOptions {
  /**
   * Largest input accepted, in bytes (characters for `parsePriceCsv`); default DEFAULT_MAX_BYTES (256 MiB).
   * A larger file is refused before it is read (or, if its size is not known in advance, as soon as the limit
   * is passed).
   */
  maxBytes?: number;
  /**
   * Called after each chunk (1 MiB) with the bytes read so far and the file size (0 when not known in advance,
   * e.g. a pipe); `parsePriceCsv` reports characters of its text.
   */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Default `maxBytes`: 256 MiB, about 4 million rows of full OHLCV; a daily price file is a few MB. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Characters (or bytes) per chunk fed to the reader. */
export const CHUNK_BYTES = 1 << 20;

/** Parses price CSV `text`; `sourceName` (a path or URL) is used in every error and warning. */
export function parsePriceCsv(text: string, sourceName: string, opts: PriceCsvOptions = {}): PriceSeries {
  const maxBytes = checkedMaxBytes(opts.maxBytes);
  if (text.length > maxBytes) {
    const what = `has ${text.length} characters, more than ${formatBytes(maxBytes)}`;
    throw tooLarge(sourceName, what, maxBytes, text.length);
  }
  const reader = new PriceCsvReader(sourceName, opts);
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i += CHUNK_BYTES) {
    reader.write(text.slice(i, i + CHUNK_BYTES));
    opts.onProgress?.(Math.min(i + CHUNK_BYTES, text.length), text.length);
  }
  return reader.finish();
}

/**
 * Reads a price CSV from a File or Blob (a file picked or dropped in a browser, or `new Blob([...])`), streaming it
 * through the same checks as `parsePriceCsv`. `sourceName` defaults to the File's name.
 */
export async function readPriceCsvBlob(
  blob: Blob,
  opts: PriceCsvOptions & { sourceName?: string } = {},
): Promise<PriceSeries> {
  const source = opts.sourceName ?? ((blob as { name?: string }).name || 'blob');
  const maxBytes = checkedMaxBytes(opts.maxBytes);
  if (blob.size > maxBytes) throw tooLarge(source, `is ${formatBytes(blob.size)}`, maxBytes, blob.size);
  const reader = new PriceCsvReader(source, opts);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  const chunks = blob.stream().getReader();
  let bytesRead = 0;
  for (;;) {
    const { done, value } = await chunks.read();
    if (done) break;
    bytesRead += value.byteLength;
    reader.write(decoder.decode(value, { stream: true }));
    opts.onProgress?.(bytesRead, blob.size);
  }
  reader.write(decoder.decode());
  return reader.finish();
}

/** `maxBytes` or its default, checked. */
export function checkedMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return DEFAULT_MAX_BYTES;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
    throw new RangeError(
      `maxBytes must be a positive whole number of bytes, got ${printable(String(maxBytes))}`,
    );
  }
  return maxBytes;
}

/** The error for a file that cannot be read. */
export function unreadable(path: string, e: unknown): PriceCsvError {
  const code = (e as { code?: string }).code ?? (e as Error).message;
  return new PriceCsvError(
    `${printable(path)}: cannot read price file (${printable(String(code), 60)}). Check the path, or download ` +
      'one with `rnnlab fetch` (API: fetchStooq), or use the shipped data/dji.csv.',
    path,
  );
}

/** The size error; `size` (0 if unknown) gives the limit to suggest. */
export function tooLarge(source: string, what: string, maxBytes: number, size: number): PriceCsvError {
  const needed = size > 0 ? ` ${size}` : ' <bytes>';
  return new PriceCsvError(
    `${printable(source)}: the file ${what}, over the ${formatBytes(maxBytes)} limit for price files (a daily ` +
      'price file is a few MB). Check that this is the intended file; to load it anyway raise the limit: ' +
      `--max-bytes${needed} (CLI) / maxBytes:${needed} (API).`,
    source,
  );
}

/** 268435456 → "256 MiB", 1234567 → "1.2 MiB" (binary units), 1000 → "1000 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let u = -1;
  let x = n;
  do {
    x /= 1024;
    u++;
  } while (x >= 1024 && u < units.length - 1);
  return `${Number.isInteger(x) ? x : x.toFixed(1)} ${units[u]}`;
}
