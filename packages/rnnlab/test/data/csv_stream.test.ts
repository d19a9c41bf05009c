/** Issue 9 case 2 for the CSV reader: big inputs are streamed into typed columns, limited, and report progress. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_MAX_BYTES, PriceCsvError, parsePriceCsv } from '../../src/data/csv.js';
import { readPriceCsv } from '../../src/node/csv_file.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnlab-csv-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A price file of `rows` rows, newest first: dates walk days 1–28 of every month from 1000-01-01 (all valid),
 * Close = row index + 1, so the expected series is known without the reader.
 */
function writeBigFile(path: string, rows: number): void {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const month = Math.floor(i / 28);
    const date = `${1000 + Math.floor(month / 12)}-${pad((month % 12) + 1)}-${pad((i % 28) + 1)}`;
    lines.push(`${date},${i + 1}.25,${i + 2}.5,${i + 0.5},${i + 1},${i * 1000}`);
  }
  writeFileSync(path, `Date,Open,High,Low,Close,Volume\n${lines.reverse().join('\n')}\n`);
}

test('a file over the size limit is refused before reading, naming the limit and how to raise it', () => {
  const path = join(dir, 'huge.csv');
  writeFileSync(path, 'Date,Close\n');
  truncateSync(path, 300 * 2 ** 20); // sparse: 300 MiB on paper, nothing on disk
  const started = performance.now();
  assert.throws(
    () => readPriceCsv(path),
    (e: unknown) =>
      e instanceof PriceCsvError &&
      e.message ===
        `${path}: the file is 300 MiB, over the 256 MiB limit for price files (a daily price file is a few MB). ` +
          'Check that this is the intended file; to load it anyway raise the limit: --max-bytes 314572800 (CLI) / ' +
          'maxBytes: 314572800 (API).',
  );
  assert.ok(performance.now() - started < 1000, 'the size is checked up front');
  assert.equal(DEFAULT_MAX_BYTES, 256 * 2 ** 20);
});

test('maxBytes lowers or raises the limit; a bad value is a RangeError', () => {
  const path = join(dir, 'small.csv');
  writeFileSync(path, 'Date,Close\n2020-01-02,1\n'); // 24 bytes
  assert.throws(() => readPriceCsv(path, { maxBytes: 23 }), /the file is 24 bytes, over the 23 bytes limit/);
  assert.equal(readPriceCsv(path, { maxBytes: 24 }).rows, 1);
  assert.throws(
    () => parsePriceCsv('Date,Close\n2020-01-02,1\n', 's', { maxBytes: 10 }),
    /has 24 characters/,
  );
  assert.throws(() => readPriceCsv(path, { maxBytes: 0 }), RangeError);
  assert.throws(() => readPriceCsv(path, { maxBytes: Number.NaN }), RangeError);
});

test('a source of unknown size is cut off as soon as it passes the limit', {
  skip: !existsSync('/dev/zero'),
}, () => {
  assert.throws(
    () => readPriceCsv('/dev/zero', { maxBytes: 50_000 }),
    /^Error: \/dev\/zero: the file has more than 48\.8 KiB, over the 48\.8 KiB limit .*--max-bytes <bytes> \(CLI\)/,
  );
});

test('progress is reported per chunk, ending at the file size', () => {
  const path = join(dir, 'progress.csv');
  writeBigFile(path, 60_000); // ≈ 3 MB
  const size = readFileSync(path).length;
  const calls: [number, number][] = [];
  const s = readPriceCsv(path, { onProgress: (read, total) => calls.push([read, total]) });
  assert.equal(s.rows, 60_000);
  assert.ok(calls.length >= 3, `${calls.length} calls`);
  assert.deepEqual(calls.at(-1), [size, size]);
  for (let k = 1; k < calls.length; k++) assert.ok(calls[k]![0] > calls[k - 1]![0]);
});

test('chunk boundaries inside multi-byte characters and quoted fields change nothing', () => {
  const rows: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    rows.push(
      `${1000 + Math.floor(i / 336)}-${pad((Math.floor(i / 28) % 12) + 1)}-${pad((i % 28) + 1)},${i + 1},"é ü,\n${i}"`,
    );
  }
  const text = `\uFEFFData,Zamknięcie,Uwagi\r\n${rows.join('\r\n')}\r\n`;
  const path = join(dir, 'multibyte.csv');
  writeFileSync(path, text);
  assert.ok(Buffer.byteLength(text) > 3 * 2 ** 20, 'several 1 MiB chunks');
  const fromFile = readPriceCsv(path);
  assert.deepEqual(fromFile, parsePriceCsv(text, path));
  assert.equal(fromFile.rows, 100_000);
  assert.equal(fromFile.columns.close![99_999], 100_000);
  assert.match(fromFile.warnings[0]!, /ignored column 3 "Uwagi": not numeric \(line 2 holds "é ü,\\n0"\)/);
});

test('memory: 300k rows (19 MB, newest first) load with a 64 MB JS heap, a few bytes per value', () => {
  const path = join(dir, 'big.csv');
  const rows = 300_000;
  writeBigFile(path, rows);
  const csvModule = new URL('../../src/node/csv_file.js', import.meta.url).href;
  const script =
    `const { readPriceCsv } = await import(${JSON.stringify(csvModule)});` +
    'const s = readPriceCsv(process.argv[1]);' +
    'let sum = 0; for (const x of s.columns.close) sum += x;' +
    'console.log(JSON.stringify({ rows: s.rows, first: s.dates[0], last: s.dates.at(-1), sum, ' +
    'rss: process.resourceUsage().maxRSS * 1024 }));';
  // The per-row reader this replaced needed ~1.1 KB per row (3.3 GB for 3M rows): 330 MB here.
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=64', '--input-type=module', '-e', script, path],
    {
      encoding: 'utf8',
    },
  );
  const r = JSON.parse(out) as { rows: number; first: string; last: string; sum: number; rss: number };
  const lastMonth = Math.floor((rows - 1) / 28);
  assert.deepEqual(
    [r.rows, r.first, r.last, r.sum],
    [
      rows,
      '1000-01-01',
      `${1000 + Math.floor(lastMonth / 12)}-${pad((lastMonth % 12) + 1)}-${pad(((rows - 1) % 28) + 1)}`,
      (rows * (rows + 1)) / 2,
    ],
  );
  assert.ok(r.rss < 300 * 2 ** 20, `peak RSS ${(r.rss / 2 ** 20).toFixed(0)} MiB`);
});
