/**
 * `rnnlab fetch` against a local HTTP server on 127.0.0.1 (never the internet): success, 404, HTML, timeout,
 * `--out -`, `--max-bytes`, targets that are not regular files.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnnlab-fetch-'));
const CSV =
  'Date,Open,High,Low,Close,Volume\n2024-03-20,39100,39520,39000,39512.13,300\n2024-03-19,38800,39150,38700,39110.76,280\n';
let server: Server;
let base = '';

function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runIn(process.cwd(), ...args);
}

function runIn(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd }, (e, out, err) =>
      resolve({ code: e ? Number(e.code ?? 1) : 0, out, err }),
    );
  });
}

describe('rnnlab fetch', () => {
  before(async () => {
    server = createServer((req, res) => {
      const s = new URL(req.url ?? '/', 'http://x').searchParams.get('s');
      if (s === '^dji') res.writeHead(200, { 'content-type': 'text/csv' }).end(CSV);
      else if (s === 'html')
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!DOCTYPE html><html><body>consent</body></html>');
      else if (s === 'slow')
        return; // never answers
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/q/d/l/`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('success writes the CSV sorted by date', async () => {
    const out = join(dir, 'dji.csv');
    const r = await run('fetch', '^dji', '--out', out, '--base-url', base);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2 rows 2024-03-19\.\.2024-03-20/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[1].startsWith('2024-03-19'));
  });

  for (const [symbol, pattern] of [
    ['missing', /404/],
    ['html', /HTML/i],
    ['slow', /timed out|timeout/i],
  ] as const) {
    test(`${symbol}: clear error, nothing written`, async () => {
      const out = join(dir, `${symbol}.csv`);
      const r = await run('fetch', symbol, '--out', out, '--base-url', base, '--timeout', '400');
      assert.equal(r.code, 1);
      assert.match(r.err, pattern);
      assert.match(r.err, /^rnnlab: error: /);
      assert.equal(existsSync(out), false);
    });
  }

  test('--out - prints the CSV on standard output and the summary on standard error; no file "-"', async () => {
    const cwd = mkdtempSync(join(dir, 'stdout-'));
    const r = await runIn(cwd, 'fetch', '^dji', '--out', '-', '--base-url', base);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      'Date,Open,High,Low,Close,Volume\n2024-03-19,38800,39150,38700,39110.76,280\n' +
        '2024-03-20,39100,39520,39000,39512.13,300\n',
    );
    assert.match(r.err, /^wrote standard output: 2 rows 2024-03-19\.\.2024-03-20\n$/);
    assert.deepEqual(readdirSync(cwd), []);
  });

  test('--max-bytes below the response size: clear error naming the flag, nothing written', async () => {
    const out = join(dir, 'small-limit.csv');
    const r = await run('fetch', '^dji', '--out', out, '--base-url', base, '--max-bytes', '100');
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /^rnnlab: error: fetchStooq: response too large from .*\(limit 100 bytes after decompression; raise it with --max-bytes/,
    );
    assert.equal(existsSync(out), false);
    const bad = await run('fetch', '^dji', '--out', out, '--base-url', base, '--max-bytes', '0');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--max-bytes.*expected an integer >= 1, got '0'/);
  });

  test('a socket as --out is refused, left in place, and - is suggested', {
    skip: process.platform === 'win32',
  }, async () => {
    const sock = join(mkdtempSync(join(dir, 'sock-')), 'out.csv');
    const socketServer = createNetServer();
    await new Promise<void>((r) => socketServer.listen(sock, r));
    try {
      const r = await run('fetch', '^dji', '--out', sock, '--base-url', base);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /^rnnlab: error: fetchStooq: cannot write .*out\.csv: it is a socket, not a regular file, and writing would replace it\. Fix: .* To print the CSV instead, use --out -\.\n$/,
      );
      assert.ok(lstatSync(sock).isSocket());
    } finally {
      socketServer.close();
    }
  });
});
