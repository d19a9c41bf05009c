/**
 * Downloads daily prices from stooq's CSV endpoint (`<baseUrl>?s=<symbol>&i=d`, e.g. symbol `^dji`) and saves
 * them as a normalized price CSV (dates ascending, see format.ts).
 *
 * Every failure is an Error naming the problem and what to try: timeout, network error, HTTP status ≠ 200,
 * an HTML page, stooq's "No data" or "Exceeded the daily hits limit" text, any other non-CSV text, or a CSV that
 * `parsePriceCsv` rejects. The file is written only on success, atomically (a temp file in the same
 * directory, then rename), so a failed download never leaves a partial or damaged file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parsePriceCsv } from './csv.js';
import { formatPriceCsv } from './format.js';

export interface FetchStooqOptions {
  /** stooq symbol, e.g. `^dji` (Dow Jones), `^spx`, `aapl.us`. */
  symbol: string;
  /** Output CSV path. */
  out: string;
  /** Bar interval: d(aily), w(eekly), m(onthly); default 'd'. */
  interval?: 'd' | 'w' | 'm';
  /** Abort after this many milliseconds, body included (default 15000). */
  timeoutMs?: number;
  /** Endpoint (default https://stooq.com/q/d/l/). */
  baseUrl?: string;
  /** fetch to use (default the global fetch). */
  fetchImpl?: typeof fetch;
}

export interface FetchStooqResult {
  rows: number;
  firstDate: string;
  lastDate: string;
  /** The file written. */
  path: string;
  /** The URL downloaded. */
  url: string;
  /** Warnings from parsing (e.g. ignored non-numeric columns). */
  warnings: string[];
}

const OFFLINE_HINT = 'without internet, use the shipped data/dji.csv';

/** Downloads `symbol` from stooq and writes it to `out` (see the module doc). */
export async function fetchStooq(opts: FetchStooqOptions): Promise<FetchStooqResult> {
  const { symbol, out, interval = 'd', timeoutMs = 15000, baseUrl = 'https://stooq.com/q/d/l/' } = opts;
  const fetchImpl = opts.fetchImpl ?? fetch;
  if (symbol.trim() === '') throw new Error('fetchStooq: empty symbol. Pass a stooq symbol such as ^dji.');
  if (!(timeoutMs > 0)) throw new Error(`fetchStooq: timeoutMs must be > 0, got ${timeoutMs}.`);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`fetchStooq: baseUrl "${baseUrl}" is not a URL. Use e.g. https://stooq.com/q/d/l/.`);
  }
  url.searchParams.set('s', symbol.trim().toLowerCase());
  url.searchParams.set('i', interval);
  const text = await download(url.href, timeoutMs, fetchImpl);
  checkLooksLikeCsv(text, url.href, symbol);
  let series: ReturnType<typeof parsePriceCsv>;
  try {
    series = parsePriceCsv(text, url.href);
  } catch (e) {
    throw new Error(
      `fetchStooq: the CSV downloaded for ${symbol} is not a valid price file: ${(e as Error).message} ` +
        `Try again later or another symbol; ${OFFLINE_HINT}.`,
    );
  }
  await writeAtomically(out, formatPriceCsv(series));
  return {
    rows: series.rows,
    firstDate: series.dates[0]!,
    lastDate: series.dates[series.rows - 1]!,
    path: out,
    url: url.href,
    warnings: series.warnings,
  };
}

/** GETs `url` as text within `timeoutMs` (headers and body); maps failures to explanatory Errors. */
async function download(url: string, timeoutMs: number, fetchImpl: typeof fetch): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const failure = (e: unknown): Error => {
    if (controller.signal.aborted) {
      return new Error(
        `fetchStooq: no complete answer from ${url} within ${timeoutMs} ms (timeout). ` +
          `Check the connection, raise timeoutMs, or ${OFFLINE_HINT}.`,
      );
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new Error(
      `fetchStooq: network error fetching ${url} (${cause?.code ?? cause?.message ?? (e as Error).message}). ` +
        `Check the internet connection, DNS and proxy settings; ${OFFLINE_HINT}.`,
    );
  };
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
        `fetchStooq: HTTP ${res.status} ${res.statusText} from ${url}. ` +
          (res.status === 404
            ? 'Check the symbol and base URL.'
            : 'The server may be down or blocking requests; try again later.') +
          ` Or ${OFFLINE_HINT}.`,
      );
    }
    return await res.text().catch((e: unknown) => {
      throw failure(e);
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects stooq's plain-text refusals and HTML pages before CSV parsing. */
function checkLooksLikeCsv(text: string, url: string, symbol: string): void {
  const body = text.replace(/^\uFEFF/, '').trim();
  const head = body.slice(0, 200).replace(/\s+/g, ' ');
  if (/exceeded the daily hits limit/i.test(body)) {
    throw new Error(
      `fetchStooq: stooq refused the download from ${url}: "Exceeded the daily hits limit". ` +
        `Try again tomorrow; ${OFFLINE_HINT}.`,
    );
  }
  if (/^no data/i.test(body)) {
    throw new Error(
      `fetchStooq: stooq has no data for symbol "${symbol}" (answered "No data"). Check the symbol ` +
        `(stooq spells the Dow Jones ^dji, US stocks like aapl.us); ${OFFLINE_HINT}.`,
    );
  }
  if (body.startsWith('<') || /<html|<!doctype/i.test(body.slice(0, 1000))) {
    throw new Error(
      `fetchStooq: ${url} returned an HTML page instead of CSV ("${head.slice(0, 80)}…"). The site may ask for a ` +
        `consent, captcha or API key; open the URL in a browser to see, or ${OFFLINE_HINT}.`,
    );
  }
  if (body === '') {
    throw new Error(`fetchStooq: ${url} returned an empty body. Try again later; ${OFFLINE_HINT}.`);
  }
  if (!body.split(/\r?\n/, 1)[0]!.includes(',')) {
    throw new Error(
      `fetchStooq: ${url} returned text that is not CSV: "${head.slice(0, 80)}". Check the symbol and base URL; ` +
        `${OFFLINE_HINT}.`,
    );
  }
}

/** Writes `text` to a temp file next to `path`, then renames it over `path`. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new Error(
      `fetchStooq: cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). ` +
        'Check that the directory is writable.',
    );
  }
}
