/**
 * A reader that goes away (`rnnlab compare | head -1`) stops the printing, not the run: with stdout closed
 * before the first write, compare still writes its report, train its checkpoint, predict finishes, and all exit
 * 0 without a stack trace. Output lost for another reason (stdout is /dev/full) is one error line and exit 1.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnnlab-epipe-'));
/** A short, fast run: 2019-03-25..2020-12-31, one LSTM, one epoch, in the main thread. */
const SMALL = ['--range', '2019-03-25:2020-12-31', '--epochs', '1', '--hidden', '8', '--layers', '1'];

/** Runs the CLI with its stdout pipe closed by the reader before the child writes anything. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  child.stdout.destroy();
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
  });
}

function assertClean(r: { code: number | null; err: string }): void {
  assert.doesNotMatch(r.err, /EPIPE|Unhandled|\n {4}at /, `no stack trace on stderr:\n${r.err}`);
  assert.equal(r.code, 0, r.err);
}

describe('stdout closed by the reader (EPIPE)', () => {
  const checkpoint = join(dir, 'lstm.safetensors');

  test('compare still writes the report and exits 0', async () => {
    const out = join(dir, 'report');
    const r = await runWithClosedStdout([
      'compare',
      ...SMALL,
      '--models',
      'lstm',
      '--workers',
      '0',
      '--out',
      out,
      '--no-png',
    ]);
    assertClean(r);
    assert.ok(existsSync(join(out, 'index.html')), 'report written');
  });

  test('train still saves the checkpoint, and predict runs from it; both exit 0', async () => {
    assertClean(await runWithClosedStdout(['train', ...SMALL, '--model', 'lstm', '--save', checkpoint]));
    assert.ok(existsSync(checkpoint), 'checkpoint saved');
    assertClean(await runWithClosedStdout(['predict', '--model', checkpoint, '--horizon', '30']));
  });

  test('info (one synchronous burst of output) exits 0', async () => {
    assertClean(await runWithClosedStdout(['info']));
  });
});

describe('stdout that fails for another reason', { skip: !existsSync('/dev/full') && 'no /dev/full' }, () => {
  test('writing to /dev/full is one error line naming the cause, exit 1', async () => {
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [cli, 'info'], { stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 1);
    assert.match(err, /^rnnlab: error: cannot write to standard output: ENOSPC: no space left on device/);
    assert.doesNotMatch(err, /\n {4}at /);
  });
});
