/**
 * Output paths are checked before any work: missing folders, files where folders are expected and the reverse,
 * devices, broken links, /proc and unwritable folders fail at once with the flag, the path and the fix.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkOutputDir, checkOutputFile } from '../../src/cli/output_paths.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'rnnlab-outpaths-')));
const file = join(dir, 'existing.safetensors');
writeFileSync(file, 'x');
const hasProc = existsSync('/proc/self');
const isRoot = process.getuid?.() === 0;

/** Asserts that `f` throws one line that starts with the flag and path, says `problem` and gives a fix. */
function refuses(f: () => unknown, flag: string, path: string, problem: RegExp): void {
  const t0 = performance.now();
  assert.throws(f, (e: Error) => {
    assert.ok(e.message.startsWith(`${flag} ${path}: `), e.message);
    assert.match(e.message, problem);
    assert.match(e.message, /\. Fix: .+\.$/);
    assert.ok(!e.message.includes('\n') && e.message.length < 600, e.message);
    return true;
  });
  assert.ok(performance.now() - t0 < 1000, 'refused within a second');
}

describe('checkOutputFile', () => {
  test('a new file in an existing folder, and an existing regular file, pass; the absolute path is returned', () => {
    assert.equal(checkOutputFile(join(dir, 'new.safetensors'), '--save'), join(dir, 'new.safetensors'));
    assert.equal(checkOutputFile(file, '--save'), file);
    assert.deepEqual(readdirSync(dir).sort(), ['existing.safetensors'], 'the probe file is removed');
  });

  test('a missing folder is refused with the mkdir fix; with createParents it passes', () => {
    const path = join(dir, 'missing', 'deeper', 'gru.safetensors');
    refuses(
      () => checkOutputFile(path, '--save'),
      '--save',
      path,
      /the folder .*missing\/deeper does not exist.*mkdir -p/,
    );
    assert.equal(checkOutputFile(path, '--out', { createParents: true }), path);
    assert.ok(!existsSync(join(dir, 'missing')), 'checking creates no folder');
  });

  test('a folder, a device, and a file used as a folder are refused', () => {
    refuses(() => checkOutputFile(dir, '--save'), '--save', dir, /this is a folder, not a file/);
    refuses(
      () => checkOutputFile('/dev/null', '--out'),
      '--out',
      '/dev/null',
      /a character device, not a regular file/,
    );
    const inside = join(file, 'x.csv');
    refuses(
      () => checkOutputFile(inside, '--out'),
      '--out',
      inside,
      /existing\.safetensors is a file, not a folder/,
    );
    refuses(
      () => checkOutputFile(inside, '--out', { createParents: true }),
      '--out',
      inside,
      /existing\.safetensors is a file, so no folder can be created inside it/,
    );
  });

  test('a symbolic link is followed to its target; a broken link is refused', () => {
    const link = join(dir, 'link.safetensors');
    symlinkSync(file, link);
    assert.equal(checkOutputFile(link, '--save'), file);
    const broken = join(dir, 'broken.safetensors');
    symlinkSync(join(dir, 'nowhere', 'x'), broken);
    refuses(
      () => checkOutputFile(broken, '--save'),
      '--save',
      broken,
      /symbolic link .*target does not exist/,
    );
  });

  test('/proc takes no new files: refused at once, also for missing paths below it', {
    skip: !hasProc,
  }, () => {
    refuses(
      () => checkOutputFile('/proc/rnnlab.csv', '--out'),
      '--out',
      '/proc/rnnlab.csv',
      /cannot create files in \/proc/,
    );
    refuses(
      () => checkOutputFile('/proc/x/y/rnnlab.csv', '--out', { createParents: true }),
      '--out',
      '/proc/x/y/rnnlab.csv',
      /cannot create files in \/proc \(a virtual file system that takes no new files\)/,
    );
  });

  test('a folder without write permission is refused', { skip: isRoot && 'root may write anywhere' }, () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    try {
      const path = join(locked, 'x.safetensors');
      refuses(
        () => checkOutputFile(path, '--save'),
        '--save',
        path,
        /cannot create files in .*permission denied, EACCES/,
      );
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  test('control characters in the path are escaped in the message; an empty path is refused', () => {
    const evil = join(dir, 'no\u001b]0;pwned\u0007', 'x.csv');
    assert.throws(
      () => checkOutputFile(evil, '--out'),
      (e: Error) =>
        ![...e.message].some((c) => c.charCodeAt(0) < 0x20) && e.message.includes('\\x1b]0;pwned\\x07'),
    );
    refuses(() => checkOutputFile('', '--save'), '--save', '', /the path is empty/);
  });
});

describe('checkOutputDir', () => {
  test('a new folder (with missing ancestors) and an existing folder pass', () => {
    assert.equal(checkOutputDir(join(dir, 'r', 's', 'report'), '--out'), join(dir, 'r', 's', 'report'));
    assert.equal(checkOutputDir(dir, '--out', { replaceWhole: true }), dir);
    assert.ok(!existsSync(join(dir, 'r')));
  });

  test('a regular file or a device is refused; so is a folder below a file', () => {
    refuses(() => checkOutputDir(file, '--out'), '--out', file, /this is a file, not a folder/);
    refuses(
      () => checkOutputDir('/dev/null', '--save-dir'),
      '--save-dir',
      '/dev/null',
      /a character device, not a folder/,
    );
    const below = join(file, 'report');
    refuses(
      () => checkOutputDir(below, '--out'),
      '--out',
      below,
      /is a file, so no folder can be created inside it/,
    );
  });

  test('/proc/x is refused at once (a recursive mkdir there never returns)', { skip: !hasProc }, () => {
    refuses(() => checkOutputDir('/proc/x', '--out'), '--out', '/proc/x', /cannot create files in \/proc/);
    refuses(
      () => checkOutputDir('/proc/x/report', '--out'),
      '--out',
      '/proc/x/report',
      /cannot create files in \/proc/,
    );
  });

  test('replaceWhole also needs the parent to take new files', {
    skip: isRoot && 'root may write anywhere',
  }, () => {
    const locked = join(dir, 'locked-parent');
    const report = join(locked, 'report');
    mkdirSync(report, { recursive: true });
    chmodSync(locked, 0o555);
    try {
      assert.equal(checkOutputDir(report, '--out'), report);
      refuses(
        () => checkOutputDir(report, '--out', { replaceWhole: true }),
        '--out',
        report,
        /cannot create files in .*locked-parent \(permission denied, EACCES\)/,
      );
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});
