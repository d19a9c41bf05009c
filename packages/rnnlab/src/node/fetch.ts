/**
 * Downloads daily prices from stooq's CSV endpoint (`<baseUrl>?s=<symbol>&i=d`, e.g. symbol `^dji`) and saves
 * them as a normalized price CSV (dates ascending, see format.ts).
 *
 * The output path is checked before the download (an existing target must be a regular file; a symbolic link is
 * followed and its target replaced; `-` means standard output). The body is streamed to a scratch file beside
 * the output — never held as one string — counting bytes after decompression, and refused past `maxBytes`. The
 * sanity checks (stooq's refusals, HTML pages) and the CSV parse then run on that file, and the normalized CSV
 * is written with the atomic writer (util/atomic_write.ts), so a failed or interrupted download never leaves a
 * partial or damaged file, nor a scratch file.
 *
 * Every failure is an Error naming the problem and what to try: timeout, network error, HTTP status ≠ 200, a too
 * large response, an HTML page, stooq's "No data" or "Exceeded the daily hits limit" text, any other non-CSV
 * text, or a CSV that the price reader rejects. Text from the server is shown only through `printable`.
 */
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { PriceCsvReader } from '../data/csv_reader.js';
import { formatPriceCsv } from '../data/format.js';
import type { PriceSeries } from '../data/series.js';
import { printable } from '../util/printable.js';
import { createTempFile, openAtomicFile, resolveFileTarget, type TempFile } from './atomic_write.js';

export interface FetchStooqOptions {
  /** stooq symbol, e.g. `^dji` (Dow Jones), `^spx`, `aapl.us`. */
  symbol: string;
  /**
   * Output CSV path, or `-` for standard output. An existing target must be a regular file; a symbolic link is
   * followed (its target is replaced, the link stays). Missing parent folders are created (before the download).
   */
  out: string;
  /** Bar interval: d(aily), w(eekly), m(onthly); default 'd'. */
  interval?: 'd' | 'w' | 'm';
  /** Abort after this many milliseconds, body included (default 15000). */
  timeoutMs?: number;
  /** Largest response accepted, in bytes after decompression (default DEFAULT_FETCH_MAX_BYTES, 256 MiB). */
  maxBytes?: number;
  /** Endpoint (default https://stooq.com/q/d/l/). */
  baseUrl?: string;
  /** fetch to use (default the global fetch). */
  fetchImpl?: typeof fetch;
}

export interface FetchStooqResult {
  rows: number;
  firstDate: string;
  lastDate: string;
  /** The file written, as given (`-` for standard output). */
  path: string;
  /** The URL downloaded. */
  url: string;
  /** Bytes of the response body (after decompression). */
  bytes: number;
  /** Warnings from parsing (e.g. ignored non-numeric columns). */
  warnings: string[];
}

/** Default `maxBytes`: 256 MiB, about 4 million rows of OHLCV; stooq's whole Dow Jones history is ~ 7 MB. */
export const DEFAULT_FETCH_MAX_BYTES = 256 * 1024 * 1024;

const OFFLINE_HINT = 'without internet, use the shipped data/dji.csv';

/** Bytes of the body inspected for stooq's refusals and HTML pages. */
const SNIFF_BYTES = 64 * 1024;

/** Read and write chunk size when parsing and saving. */
const CHUNK = 1 << 20;

/** Downloads `symbol` from stooq and writes it to `out` (see the module doc). */
export async function fetchStooq(opts: FetchStooqOptions): Promise<FetchStooqResult> {
  const { symbol, out, interval = 'd', timeoutMs = 15000, baseUrl = 'https://stooq.com/q/d/l/' } = opts;
  const maxBytes = opts.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;
  const fetchImpl = opts.fetchImpl ?? fetch;
  if (symbol.trim() === '') throw new Error('fetchStooq: empty symbol. Pass a stooq symbol such as ^dji.');
  if (!(timeoutMs > 0)) throw new Error(`fetchStooq: timeoutMs must be > 0, got ${timeoutMs}.`);
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
    throw new Error(`fetchStooq: maxBytes must be a positive whole number of bytes, got ${maxBytes}.`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(
      `fetchStooq: baseUrl "${printable(baseUrl, 200)}" is not a URL. Use e.g. https://stooq.com/q/d/l/.`,
    );
  }
  url.searchParams.set('s', symbol.trim().toLowerCase());
  url.searchParams.set('i', interval);
  const where = printable(url.href, 300);
  const toStdout = out === '-';
  let target: string | null = null;
  try {
    if (!toStdout) target = resolveFileTarget(out, { createParents: true });
  } catch (e) {
    throw writeFailure(e);
  }

  const scratch = await createTempFile(
    target ? dirname(target) : tmpdir(),
    target ? basename(target) : 'stooq',
  ).catch((e: unknown) => Promise.reject(writeFailure(e)));
  try {
    await download(url.href, where, scratch, { timeoutMs, maxBytes, fetchImpl });
    await scratch.close();
    await checkLooksLikeCsv(scratch, where, symbol);
    let series: PriceSeries;
    try {
      series = await parseFile(scratch.path, url.href);
    } catch (e) {
      throw new Error(
        `fetchStooq: the CSV downloaded for ${printable(symbol, 40)} is not a valid price file: ` +
          `${(e as Error).message} Try again later or another symbol; ${OFFLINE_HINT}.`,
      );
    }
    const csv = formatPriceCsv(series);
    if (toStdout) await writeStdout(csv);
    else await saveCsv(out, csv).catch((e: unknown) => Promise.reject(writeFailure(e)));
    return {
      rows: series.rows,
      firstDate: series.dates[0]!,
      lastDate: series.dates[series.rows - 1]!,
      path: out,
      url: url.href,
      bytes: scratch.bytesWritten,
      warnings: series.warnings,
    };
  } finally {
    await scratch.remove();
  }
}

interface DownloadLimits {
  timeoutMs: number;
  maxBytes: number;
  fetchImpl: typeof fetch;
}

/**
 * GETs `url` within `timeoutMs` (headers and body), streaming the body (decompressed by fetch) into `file` and
 * stopping as soon as it passes `maxBytes`; maps failures to explanatory Errors.
 */
async function download(url: string, where: string, file: TempFile, limits: DownloadLimits): Promise<void> {
  const { timeoutMs, maxBytes, fetchImpl } = limits;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const failure = (e: unknown): Error => {
    if (controller.signal.aborted) {
      return new Error(
        `fetchStooq: no complete answer from ${where} within ${timeoutMs} ms (timeout). ` +
          `Check the connection, raise the timeout (--timeout, API timeoutMs), or ${OFFLINE_HINT}.`,
      );
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = printable(String(cause?.code ?? cause?.message ?? (e as Error).message), 120);
    return new Error(
      `fetchStooq: network error fetching ${where} (${why}). ` +
        `Check the internet connection, DNS and proxy settings; ${OFFLINE_HINT}.`,
    );
  };
  const tooLarge = (announced?: number) =>
    new Error(
      `fetchStooq: response too large from ${where} (` +
        (announced === undefined ? '' : `announced ${describeBytes(announced)}; `) +
        `limit ${describeBytes(maxBytes)} after decompression; raise it with --max-bytes, API maxBytes). ` +
        'A daily price history is a few MB: check the symbol and base URL.',
    );
  try {
    const res = await fetchImpl(url, {
      signal: controller.signal,
      headers: { accept: 'text/csv,text/plain,*/*' },
    }).catch((e: unknown) => {
      throw failure(e);
    });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new Error(
        `fetchStooq: HTTP ${res.status} ${printable(res.statusText, 60)} from ${where}. ` +
          (res.status === 404
            ? 'Check the symbol and base URL.'
            : 'The server may be down or blocking requests; try again later.') +
          ` Or ${OFFLINE_HINT}.`,
      );
    }
    const declared = Number(res.headers.get('content-length'));
    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    if (!encoded && declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge(declared);
    }
    if (res.body === null) return;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read().catch((e: unknown) => {
          throw failure(e);
        });
        if (done) break;
        if (file.bytesWritten + value.length > maxBytes) throw tooLarge();
        await file.write(value).catch((e: unknown) => {
          throw new Error(`fetchStooq: cannot save the download: ${(e as Error).message}`);
        });
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects stooq's plain-text refusals and HTML pages before CSV parsing, looking at the body's first bytes. */
async function checkLooksLikeCsv(file: TempFile, where: string, symbol: string): Promise<void> {
  const handle = await open(file.path, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, file.bytesWritten));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    text = buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const body = text.replace(/^\uFEFF/, '').trim();
  const head = printable(body.slice(0, 200).replace(/\s+/g, ' '), 80);
  if (/exceeded the daily hits limit/i.test(body)) {
    throw new Error(
      `fetchStooq: stooq refused the download from ${where}: "Exceeded the daily hits limit". ` +
        `Try again tomorrow; ${OFFLINE_HINT}.`,
    );
  }
  if (/^no data/i.test(body)) {
    throw new Error(
      `fetchStooq: stooq has no data for symbol "${printable(symbol, 40)}" (answered "No data"). Check the ` +
        `symbol (stooq spells the Dow Jones ^dji, US stocks like aapl.us); ${OFFLINE_HINT}.`,
    );
  }
  if (body.startsWith('<') || /<html|<!doctype/i.test(body.slice(0, 1000))) {
    throw new Error(
      `fetchStooq: ${where} returned an HTML page instead of CSV ("${head}"). The site may ask for a ` +
        `consent, captcha or API key; open the URL in a browser to see, or ${OFFLINE_HINT}.`,
    );
  }
  if (body === '') {
    throw new Error(`fetchStooq: ${where} returned an empty body. Try again later; ${OFFLINE_HINT}.`);
  }
  if (!body.split(/\r?\n/, 1)[0]!.includes(',')) {
    throw new Error(
      `fetchStooq: ${where} returned text that is not CSV: "${head}". Check the symbol and base URL; ` +
        `${OFFLINE_HINT}.`,
    );
  }
}

/** Parses the downloaded file in chunks; `source` (the URL) names it in every message. */
async function parseFile(path: string, source: string): Promise<PriceSeries> {
  const reader = new PriceCsvReader(source, {});
  const decoder = new TextDecoder('utf-8'); // drops a leading BOM, decodes characters split across chunks
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      reader.write(decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
    }
  } finally {
    await handle.close();
  }
  reader.write(decoder.decode());
  return reader.finish();
}

/** Writes `csv` to `path` atomically, in slices (never a second full copy of the text as bytes). */
async function saveCsv(path: string, csv: string): Promise<void> {
  const file = await openAtomicFile(path, { createParents: true });
  try {
    for (let i = 0; i < csv.length; ) {
      let end = Math.min(i + CHUNK, csv.length);
      const last = csv.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end++; // keep a surrogate pair together
      await file.write(csv.slice(i, end));
      i = end;
    }
    await file.commit();
  } finally {
    await file.abort();
  }
}

/** Writes `text` to standard output and waits until it is handed to the OS; a closed pipe ends it quietly. */
async function writeStdout(text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? resolve() : reject(e));
    process.stdout.once('error', onError);
    process.stdout.write(text, (e) => {
      process.stdout.removeListener('error', onError);
      if (e && (e as NodeJS.ErrnoException).code !== 'EPIPE') reject(e);
      else resolve();
    });
  });
}

/** A writer's error (an AtomicWriteError naming the user's path and the fix) as a fetchStooq error. */
function writeFailure(e: unknown): Error {
  return new Error(`fetchStooq: ${(e as Error).message}`, { cause: e });
}

/** 268435456 → "256 MiB = 268435456 bytes"; below 1 MiB just the bytes. */
function describeBytes(n: number): string {
  const mib = n / 2 ** 20;
  if (mib < 1) return `${n} bytes`;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB = ${n} bytes`;
}
