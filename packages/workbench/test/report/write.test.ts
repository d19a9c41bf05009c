import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkReportFolder, writeReport } from '../../src/report/write.js';
import { makeReportData } from './fixture.js';

const root = mkdtempSync(join(tmpdir(), 'rnnlab-report-'));
after(() => rmSync(root, { recursive: true, force: true }));

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

test('writeReport writes index.html and every chart, leaving no temporary files', async () => {
  const out = join(root, 'nested', 'report');
  const result = await writeReport(makeReportData({ horizon: true }), out);
  assert.equal(result.html, join(out, 'index.html'));
  assert.deepEqual(
    result.svgs.map((p) => p.slice(out.length + 1)),
    [
      'charts/series.svg',
      'charts/mae.svg',
      'charts/predictions.svg',
      'charts/loss.svg',
      'charts/horizon.svg',
    ],
  );
  for (const p of [result.html, ...result.svgs, ...result.pngs]) {
    assert.ok(existsSync(p), p);
    assert.ok(statSync(p).size > 1000, `${p} is not empty`);
  }
  for (const p of result.svgs) assert.match(readFileSync(p, 'utf8'), /^<svg/);
  for (const p of result.pngs)
    assert.deepEqual([...readFileSync(p).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  if (result.pngs.length === 0)
    assert.ok(
      result.warnings.some((w) => /PNG/.test(w)),
      'missing PNGs are explained',
    );
  assert.deepEqual(
    allFiles(out).filter((f) => f.includes('.tmp')),
    [],
  );
  const page = readFileSync(result.html, 'utf8');
  assert.match(page, /<!doctype html>/);
  assert.match(page, /<span class="verdict-word">Yes\.<\/span>/);
  assert.match(page, /How the verdict is decided:/);

  // Rewriting over an existing report works, leaves no temporary files, and removes charts it no longer has.
  const again = await writeReport(makeReportData({ beats: false }), out, { png: false });
  assert.match(readFileSync(result.html, 'utf8'), /verdict-bad/);
  assert.deepEqual(again.pngs, []);
  assert.deepEqual(readdirSync(join(out, 'charts')).sort(), [
    'loss.svg',
    'mae.svg',
    'predictions.svg',
    'series.svg',
  ]);
  assert.deepEqual(
    allFiles(out).filter((f) => f.includes('.tmp')),
    [],
  );
});

test('writeReport fails clearly when the output directory cannot be created', async () => {
  const file = join(root, 'a-file');
  writeFileSync(file, 'not a directory');
  await assert.rejects(writeReport(makeReportData(), join(file, 'report')), (e: Error) => {
    assert.match(e.message, /cannot write .*a-file\/report\b.*not a folder.*Fix: /);
    return true;
  });
});

test('extraFiles go into the report folder; a rewrite replaces the folder as a whole', async () => {
  const out = join(root, 'extra');
  const bytes = Uint8Array.of(0, 1, 2, 255);
  const result = await writeReport(makeReportData(), out, {
    png: false,
    extraFiles: [
      { name: 'results.json', data: '{"ok":true}\n' },
      { name: 'raw.bin', data: bytes },
    ],
  });
  assert.deepEqual(result.extra, [join(out, 'results.json'), join(out, 'raw.bin')]);
  assert.equal(readFileSync(join(out, 'results.json'), 'utf8'), '{"ok":true}\n');
  assert.deepEqual([...readFileSync(join(out, 'raw.bin'))], [0, 1, 2, 255]);
  assert.deepEqual(readdirSync(out).sort(), [
    '.rnnlab-report',
    'charts',
    'index.html',
    'raw.bin',
    'results.json',
  ]);
  assert.deepEqual(readFileSync(join(out, '.rnnlab-report'), 'utf8').split('\n').slice(-4), [
    'results.json',
    'raw.bin',
    '.rnnlab-report',
    '',
  ]);
  // The next report has no raw.bin: the folder is replaced, not merged, so it is gone (the manifest said it
  // was the report's, so replacing it is allowed).
  const again = await writeReport(makeReportData(), out, {
    png: false,
    extraFiles: [{ name: 'results.json', data: '{"ok":false}\n' }],
  });
  assert.deepEqual(again.extra, [join(out, 'results.json')]);
  assert.deepEqual(readdirSync(out).sort(), ['.rnnlab-report', 'charts', 'index.html', 'results.json']);
  assert.equal(readFileSync(join(out, 'results.json'), 'utf8'), '{"ok":false}\n');
  assert.deepEqual(
    readdirSync(root).filter((f) => f.startsWith('.')),
    [],
  );
});

test('extra file names must be plain, distinct and not the report own', async () => {
  for (const name of ['', '..', 'a/b.json', 'index.html', 'charts']) {
    await assert.rejects(
      writeReport(makeReportData(), join(root, 'bad-names'), { extraFiles: [{ name, data: 'x' }] }),
      /writeReport: extra file name ".*" (is not a plain file name|is used twice or clashes with the report)/,
    );
  }
  await assert.rejects(
    writeReport(makeReportData(), join(root, 'bad-names'), {
      extraFiles: [
        { name: 'a.csv', data: '' },
        { name: 'a.csv', data: '' },
      ],
    }),
    /"a\.csv" is used twice/,
  );
  assert.equal(existsSync(join(root, 'bad-names')), false);
});

test('a folder holding other files is refused, not replaced, before any rendering', async () => {
  const out = join(root, 'project');
  mkdirSync(join(out, 'charts'), { recursive: true });
  writeFileSync(join(out, 'index.html'), 'old');
  writeFileSync(join(out, 'notes.txt'), 'mine');
  writeFileSync(join(out, 'charts', 'data.csv'), 'mine');
  const t0 = performance.now();
  await assert.rejects(
    writeReport(makeReportData(), out),
    /report: cannot write .*project: the folder holds files that are not part of a report \((charts\/data\.csv, notes\.txt|notes\.txt, charts\/data\.csv)\).* Fix: choose a new or empty folder/,
  );
  assert.ok(performance.now() - t0 < 500, 'refused before rendering');
  assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine');
  assert.equal(readFileSync(join(out, 'index.html'), 'utf8'), 'old');
  await assert.rejects(
    writeReport(makeReportData(), process.cwd()),
    /it is the current folder or contains it/,
  );
});

test('checkReportFolder answers up front and creates nothing', () => {
  const out = join(root, 'pre', 'deep', 'report');
  checkReportFolder(out, ['results.json']);
  assert.equal(existsSync(join(root, 'pre')), false);
  const mixed = join(root, 'pre-mixed');
  mkdirSync(mixed);
  writeFileSync(join(mixed, 'index.html'), '');
  writeFileSync(join(mixed, 'results.json'), '');
  writeFileSync(join(mixed, 'mine.txt'), '');
  assert.throws(() => checkReportFolder(mixed, ['results.json']), /not part of a report \(mine\.txt\)/);
  checkReportFolder(mixed, ['results.json', 'mine.txt']); // an extra file of this report may be replaced
  assert.throws(
    () => checkReportFolder(join(mixed, 'index.html', 'x')),
    /index\.html is a regular file, not a folder/,
  );
  assert.throws(() => checkReportFolder(out, ['a', 'a']), /"a" is used twice/);
});

test('a file at the report path, or /proc/x, fails at once with the path and the fix', async () => {
  const file = join(root, 'plain-file');
  writeFileSync(file, 'x');
  await assert.rejects(
    writeReport(makeReportData(), file),
    /report: cannot write .*plain-file: it is a regular file, not a folder/,
  );
  if (!existsSync('/proc/self')) return;
  const t0 = performance.now();
  await assert.rejects(
    writeReport(makeReportData(), '/proc/rnnlab-x'),
    /report: cannot write \/proc\/rnnlab-x: cannot create folders in \/proc \(a virtual file system/,
  );
  await assert.rejects(
    writeReport(makeReportData(), '/proc/rnnlab-x/report'),
    /cannot create folders in \/proc/,
  );
  assert.ok(performance.now() - t0 < 1000, 'no hang in a recursive mkdir');
});

test('SIGINT while the report is written: the old report or the new one, whole, and no temp files', {
  skip: process.platform === 'win32',
}, async () => {
  const parent = mkdtempSync(join(root, 'sigint-'));
  const out = join(parent, 'report');
  await writeReport(makeReportData(), out, {
    png: false,
    extraFiles: [{ name: 'results.json', data: 'old' }],
  });
  const oldHtml = readFileSync(join(out, 'index.html'), 'utf8');
  const writeUrl = new URL('../../src/report/write.js', import.meta.url).href;
  const fixtureUrl = new URL('./fixture.js', import.meta.url).href;
  // The staging folder is made before the charts are rendered (seconds), so the signal usually lands in between.
  const code =
    `const { writeReport } = await import(${JSON.stringify(writeUrl)}); ` +
    `const { makeReportData } = await import(${JSON.stringify(fixtureUrl)}); ` +
    "await writeReport(makeReportData({ beats: false }), process.argv[1], { png: false, extraFiles: [{ name: 'results.json', data: 'new' }] });";
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, out], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const watcher = watch(parent, (_event, name) => {
    if (String(name).endsWith('.tmp')) child.kill('SIGINT'); // the staging folder appeared
  });
  const code_ = await exited;
  watcher.close();
  assert.deepEqual(readdirSync(parent), ['report'], 'no staging or old folder left');
  const results = readFileSync(join(out, 'results.json'), 'utf8');
  if (code_ === 130) {
    assert.equal(results, 'old');
    assert.equal(readFileSync(join(out, 'index.html'), 'utf8'), oldHtml);
    assert.deepEqual(readdirSync(out).sort(), ['.rnnlab-report', 'charts', 'index.html', 'results.json']);
  } else {
    assert.equal(code_, 0, 'interrupted (130) or finished (0)');
    assert.equal(results, 'new');
    assert.notEqual(readFileSync(join(out, 'index.html'), 'utf8'), oldHtml);
  }
});
