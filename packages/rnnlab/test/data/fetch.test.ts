import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { liveTempPaths } from '../../src/node/atomic_write.js';
import { readPriceCsv } from '../../src/node/csv_file.js';
import { DEFAULT_FETCH_MAX_BYTES, fetchStooq } from '../../src/node/fetch.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/data/fetch/', import.meta.url));
const CSV = readFileSync(`${FIXTURES}stooq_dji.csv`, 'utf8');
const HTML = readFileSync(`${FIXTURES}consent.html`, 'utf8');

/** 4 MiB of '0' gzipped to about 4 KB: a small gzip bomb (the limit is lowered to 1 MiB to test it). */
const BOMB = gzipSync(Buffer.alloc(4 << 20, 0x30));
/** 1 MiB of CSV rows, sent in 64 KiB chunks without a content-length. */
const BIG_ROW = '2024-03-20,39100,39520,39000,39512.13,300\n';
const BIG_CHUNK = BIG_ROW.repeat(Math.ceil(65536 / BIG_ROW.length));

let server: Server;
let baseUrl: string;
const requests: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'rnnlab-fetch-'));

/**
 * Responses by stooq symbol (`s`); "slow" never answers, "slowbody" stalls mid-body; "big" sends 1 MiB without a
 * content-length, "announced" a content-length of 1.5 GB; "bomb" is a gzip bomb, "gzip" the CSV gzipped.
 */
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
    else if (s === 'esc') send(200, 'text/plain', '\u001b]0;owned\u0007\u001b[2Jhello');
    else if (s === 'gzip') {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
      res.end(gzipSync(CSV));
    } else if (s === 'bomb') {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip' });
      res.end(BOMB);
    } else if (s === 'big') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('Date,Open,High,Low,Close,Volume\n');
      for (let sent = 0; sent < 1 << 20; sent += BIG_CHUNK.length) res.write(BIG_CHUNK);
      res.end();
    } else if (s === 'announced') {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(1.5e9) });
      res.write('Date,Close\n'); // then stalls
    } else if (s === 'slowbody') {
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

test('a response larger than maxBytes is refused as it streams: no file, no scratch file', async () => {
  const sub = mkdtempSync(join(dir, 'big-'));
  const out = join(sub, 'prices.csv');
  await assert.rejects(fetchStooq({ symbol: 'big', out, baseUrl, maxBytes: 65536 }), (e: Error) => {
    assert.match(
      e.message,
      /^fetchStooq: response too large from http:\/\/127\.0\.0\.1:\d+\/q\/d\/l\/\?s=big&i=d \(limit 65536 bytes after decompression; raise it with --max-bytes, API maxBytes\)\./,
    );
    return true;
  });
  assert.deepEqual(readdirSync(sub), []);
  assert.deepEqual(liveTempPaths(), []);
  assert.equal(DEFAULT_FETCH_MAX_BYTES, 256 * 1024 * 1024);
});

test('a content-length over maxBytes is refused before the body is read', async () => {
  const t0 = performance.now();
  const out = join(dir, 'announced.csv');
  await assert.rejects(
    fetchStooq({ symbol: 'announced', out, baseUrl, timeoutMs: 5000 }),
    /response too large from .*\(announced 1430\.5 MiB = 1500000000 bytes; limit 256 MiB = 268435456 bytes after/,
  );
  assert.ok(performance.now() - t0 < 4000, 'did not wait for the stalled body');
  assert.equal(existsSync(out), false);
});

test('a gzip bomb is stopped by the limit counted after decompression', async () => {
  const sub = mkdtempSync(join(dir, 'bomb-'));
  assert.ok(BOMB.length < 65536, `the bomb is small (${BOMB.length} bytes)`);
  await assert.rejects(
    fetchStooq({ symbol: 'bomb', out: join(sub, 'prices.csv'), baseUrl, maxBytes: 1 << 20 }),
    /response too large .*\(limit 1 MiB = 1048576 bytes after decompression/,
  );
  assert.deepEqual(readdirSync(sub), []);
});

test('a gzipped CSV is decompressed; the limit is inclusive and counts decompressed bytes', async () => {
  const sub = mkdtempSync(join(dir, 'gzip-'));
  const out = join(sub, 'prices.csv');
  const size = Buffer.byteLength(CSV);
  assert.ok(gzipSync(CSV).length < size - 1);
  await assert.rejects(
    fetchStooq({ symbol: 'gzip', out, baseUrl, maxBytes: size - 1 }),
    /response too large/,
  );
  const r = await fetchStooq({ symbol: 'gzip', out, baseUrl, maxBytes: size });
  assert.equal(r.bytes, size);
  assert.equal(r.rows, 3);
  assert.deepEqual(readdirSync(sub), ['prices.csv']);
});

test('text from the server is shown with control characters escaped', async () => {
  const { error } = await run('esc');
  assert.match(error!.message, /returned text that is not CSV: "\\x1b\]0;owned\\x07\\x1b\[2Jhello"/);
  assert.ok(!error!.message.includes(String.fromCharCode(27)), 'no raw ESC');
});

test('a target that is not a regular file is refused before any request', {
  skip: process.platform === 'win32',
}, async () => {
  const sub = mkdtempSync(join(dir, 'special-'));
  const sock = join(sub, 'sock');
  const socketServer = createNetServer();
  await new Promise<void>((resolve) => socketServer.listen(sock, resolve));
  const seen = requests.length;
  try {
    await assert.rejects(
      fetchStooq({ symbol: '^dji', out: sock, baseUrl }),
      /fetchStooq: cannot write .*sock: it is a socket, not a regular file, and writing would replace it\. Fix: /,
    );
    await assert.rejects(fetchStooq({ symbol: '^dji', out: sub, baseUrl }), /it is a folder, not a file/);
    assert.equal(requests.length, seen);
    assert.ok(lstatSync(sock).isSocket());
  } finally {
    socketServer.close();
  }
});

test('a symbolic link as target: the file it points to is replaced, the link stays', {
  skip: process.platform === 'win32',
}, async () => {
  const sub = mkdtempSync(join(dir, 'link-'));
  writeFileSync(join(sub, 'real.csv'), 'old');
  symlinkSync('real.csv', join(sub, 'link.csv'));
  await fetchStooq({ symbol: '^dji', out: join(sub, 'link.csv'), baseUrl });
  assert.ok(lstatSync(join(sub, 'link.csv')).isSymbolicLink());
  assert.match(readFileSync(join(sub, 'real.csv'), 'utf8'), /^Date,Open,High,Low,Close,Volume\n2024-03-18,/);
  assert.deepEqual(readdirSync(sub).sort(), ['link.csv', 'real.csv']);
});

test('SIGINT during the download removes the scratch file and exits with 130', {
  skip: process.platform === 'win32',
}, async () => {
  const sub = mkdtempSync(join(dir, 'sigint-'));
  const out = join(sub, 'prices.csv');
  const moduleUrl = new URL('../../src/node/fetch.js', import.meta.url).href;
  const code =
    `const { fetchStooq } = await import(${JSON.stringify(moduleUrl)}); ` +
    'await fetchStooq({ symbol: "slowbody", out: process.argv[1], baseUrl: process.argv[2], timeoutMs: 20000 });';
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, out, baseUrl], {
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const t0 = Date.now();
  while (!readdirSync(sub).some((f) => f.endsWith('.part')) && Date.now() - t0 < 10000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(readdirSync(sub).length > 0, 'the scratch file appeared');
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.deepEqual(readdirSync(sub), []);
});
