import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readPriceCsv } from '../../src/data/csv.js';
import { fetchStooq } from '../../src/data/fetch.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/data/fetch/', import.meta.url));
const CSV = readFileSync(`${FIXTURES}stooq_dji.csv`, 'utf8');
const HTML = readFileSync(`${FIXTURES}consent.html`, 'utf8');

let server: Server;
let baseUrl: string;
const requests: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'rnnlab-fetch-'));

/** Responses by stooq symbol (`s`); "slow" never answers, "slowbody" stalls mid-body. */
before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.search);
    const s = url.searchParams.get('s');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (s === '^dji') send(200, 'text/csv', CSV);
    else if (s === 'html') send(200, 'text/html; charset=utf-8', HTML);
    else if (s === 'nodata') send(200, 'text/plain', 'No data');
    else if (s === 'limit') send(200, 'text/plain', 'Exceeded the daily hits limit');
    else if (s === 'badcsv') send(200, 'text/csv', 'Date,Open,Close\n2024-03-20,1,abc\n');
    else if (s === 'slowbody') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('Date,Close\n');
    } else if (s === 'slow') {
      // never answer
    } else send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/q/d/l/`;
});

after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs fetchStooq into a fresh sub-directory; returns the error (or null) and what the directory holds. */
async function run(symbol: string, timeoutMs = 3000) {
  const sub = mkdtempSync(join(dir, `${symbol.replace(/\W/g, '')}-`));
  const out = join(sub, 'prices.csv');
  try {
    const result = await fetchStooq({ symbol, out, baseUrl, timeoutMs });
    return { result, error: null, out, files: readdirSync(sub) };
  } catch (e) {
    return { result: null, error: e as Error, out, files: readdirSync(sub) };
  }
}

test('success: newest-first stooq CSV is saved ascending, atomically', async () => {
  const { result, error, out, files } = await run('^DJI');
  assert.equal(error, null);
  assert.deepEqual(files, ['prices.csv']); // no temp file left behind
  assert.deepEqual(
    { rows: result!.rows, firstDate: result!.firstDate, lastDate: result!.lastDate, path: result!.path },
    { rows: 3, firstDate: '2024-03-18', lastDate: '2024-03-20', path: out },
  );
  assert.ok(requests.includes('?s=%5Edji&i=d'));
  const saved = readPriceCsv(out);
  assert.deepEqual(saved.dates, ['2024-03-18', '2024-03-19', '2024-03-20']);
  assert.deepEqual(Array.from(saved.columns.close!), [38790.43, 39110.76, 39512.13]);
  assert.equal(
    readFileSync(out, 'utf8').split('\n')[1],
    '2024-03-18,38826.93,38898.41,38760.79,38790.43,327950000',
  );
});

test('an existing file is replaced on success', async () => {
  const sub = mkdtempSync(join(dir, 'replace-'));
  const out = join(sub, 'prices.csv');
  writeFileSync(out, 'old');
  await fetchStooq({ symbol: '^dji', out, baseUrl });
  assert.match(readFileSync(out, 'utf8'), /^Date,Open,High,Low,Close,Volume\n/);
});

test('HTTP 404: no file, message names the status and what to check', async () => {
  const { error, out, files } = await run('nosuchsymbol');
  assert.match(
    error!.message,
    /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/q\/d\/l\/\?s=nosuchsymbol&i=d\. Check the symbol/,
  );
  assert.equal(existsSync(out), false);
  assert.deepEqual(files, []);
});

test('an HTML page instead of CSV: no file', async () => {
  const { error, out, files } = await run('html');
  assert.match(error!.message, /returned an HTML page instead of CSV/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(files, []);
});

test('stooq "No data": no file, suggests checking the symbol', async () => {
  const { error, out } = await run('nodata');
  assert.match(
    error!.message,
    /stooq has no data for symbol "nodata" \(answered "No data"\)\. Check the symbol/,
  );
  assert.equal(existsSync(out), false);
});

test('stooq "Exceeded the daily hits limit": no file, suggests waiting', async () => {
  const { error, out } = await run('limit');
  assert.match(error!.message, /"Exceeded the daily hits limit"\. Try again tomorrow/);
  assert.equal(existsSync(out), false);
});

test('a CSV that fails parsePriceCsv: no file, the parse error is included', async () => {
  const { error, out } = await run('badcsv');
  assert.match(
    error!.message,
    /not a valid price file: .*s=badcsv&i=d:2:3: column "Close": "abc" is not a number/,
  );
  assert.equal(existsSync(out), false);
});

test('timeout while waiting for the answer: no file', async () => {
  const t0 = Date.now();
  const { error, out, files } = await run('slow', 300);
  assert.match(error!.message, /no complete answer from .* within 300 ms \(timeout\)/);
  assert.ok(Date.now() - t0 < 2500);
  assert.equal(existsSync(out), false);
  assert.deepEqual(files, []);
});

test('timeout in the middle of the body: no file', async () => {
  const { error, out } = await run('slowbody', 300);
  assert.match(error!.message, /within 300 ms \(timeout\)/);
  assert.equal(existsSync(out), false);
});

test('network error (connection refused): no file', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const out = join(dir, 'refused.csv');
  await assert.rejects(
    fetchStooq({ symbol: '^dji', out, baseUrl: `http://127.0.0.1:${port}/`, timeoutMs: 2000 }),
    /network error fetching http:\/\/127\.0\.0\.1:\d+\/\?s=%5Edji&i=d \(ECONNREFUSED\)\. Check the internet connection/,
  );
  assert.equal(existsSync(out), false);
});

test('argument errors', async () => {
  await assert.rejects(fetchStooq({ symbol: ' ', out: join(dir, 'x.csv'), baseUrl }), /empty symbol/);
  await assert.rejects(
    fetchStooq({ symbol: 'a', out: join(dir, 'x.csv'), baseUrl, timeoutMs: 0 }),
    /timeoutMs must be > 0/,
  );
});

test('fetchImpl is used when given, and a bad baseUrl is named', async () => {
  const seen: string[] = [];
  const fake = (async (input: string | URL | Request) => {
    seen.push(String(input));
    return new Response('No data', { status: 200 });
  }) as typeof fetch;
  await assert.rejects(
    fetchStooq({ symbol: 'x', out: join(dir, 'y.csv'), fetchImpl: fake }),
    /answered "No data"/,
  );
  assert.deepEqual(seen, ['https://stooq.com/q/d/l/?s=x&i=d']);
  await assert.rejects(
    fetchStooq({ symbol: 'x', out: join(dir, 'y.csv'), baseUrl: 'nope' }),
    /baseUrl "nope" is not a URL/,
  );
});
