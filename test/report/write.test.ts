import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeReport } from '../../src/report/write.js';
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
