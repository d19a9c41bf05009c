import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  AtomicWriteError,
  createTempFile,
  liveTempPaths,
  openAtomicFile,
  replaceDirectory,
  resolveFileTarget,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../src/node/atomic_write.js';

const root = mkdtempSync(join(tmpdir(), 'rnnlab-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));
const MODULE = new URL('../../src/node/atomic_write.js', import.meta.url).href;
const isWindows = process.platform === 'win32';

let n = 0;
/** A fresh empty folder. */
function fresh(): string {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return dir;
}

/** Everything `writeFileAtomic` and friends might leave behind: dot-files with a pid and a random part. */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(tmp|old|part)$/.test(f));
}

/** Asserts `e` is an AtomicWriteError with `code`, whose message matches `pattern` and shows no temp name. */
function isWriteError(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof AtomicWriteError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\.\d+\.[0-9a-f]{12}\.(tmp|old|part)/);
    return true;
  };
}

/** A Unix socket file at `path` (a non-regular file any user can make). */
async function socketAt(path: string): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

test('writeFileAtomic creates, then replaces, a file; no temp file or signal handler stays', async () => {
  const dir = fresh();
  const path = join(dir, 'a.txt');
  const sigint = process.listenerCount('SIGINT');
  await writeFileAtomic(path, 'first');
  assert.equal(readFileSync(path, 'utf8'), 'first');
  await writeFileAtomic(path, Uint8Array.of(0xc3, 0xa9));
  assert.equal(readFileSync(path, 'utf8'), 'é');
  assert.deepEqual(readdirSync(dir), ['a.txt']);
  assert.deepEqual(liveTempPaths(), []);
  assert.equal(process.listenerCount('SIGINT'), sigint);
});

test('writeFileAtomicSync writes bytes and strings the same way', () => {
  const dir = fresh();
  const path = join(dir, 'b.bin');
  writeFileAtomicSync(path, Uint8Array.of(1, 2, 3));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  writeFileAtomicSync(path, 'xyz');
  assert.equal(readFileSync(path, 'utf8'), 'xyz');
  assert.deepEqual(readdirSync(dir), ['b.bin']);
  assert.deepEqual(liveTempPaths(), []);
});

test('replacing a file keeps its permission bits', { skip: isWindows }, async () => {
  const dir = fresh();
  const path = join(dir, 'secret');
  writeFileSync(path, 'old', { mode: 0o600 });
  await writeFileAtomic(path, 'new');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  writeFileAtomicSync(path, 'newer');
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('a folder or a socket at the target is refused and left as it is', async () => {
  const dir = fresh();
  mkdirSync(join(dir, 'folder'));
  await assert.rejects(
    writeFileAtomic(join(dir, 'folder'), 'x'),
    isWriteError('EISDIR', /folder: it is a folder, not a file\. Fix: give the path of a file\./),
  );
  if (isWindows) return;
  const sock = join(dir, 'sock');
  const server = await socketAt(sock);
  try {
    await assert.rejects(
      writeFileAtomic(sock, 'x'),
      isWriteError('NOT_REGULAR', /sock: it is a socket, not a regular file, and writing would replace it/),
    );
    assert.throws(() => writeFileAtomicSync(sock, 'x'), isWriteError('NOT_REGULAR', /it is a socket/));
    await assert.rejects(openAtomicFile(sock), isWriteError('NOT_REGULAR', /it is a socket/));
    assert.ok(lstatSync(sock).isSocket());
  } finally {
    server.close();
  }
  assert.deepEqual(leftovers(dir), []);
});

test('a symbolic link is followed: its target is replaced and the link stays; a dangling link is refused', {
  skip: isWindows,
}, async () => {
  const dir = fresh();
  writeFileSync(join(dir, 'real.csv'), 'old');
  symlinkSync('real.csv', join(dir, 'link.csv'));
  await writeFileAtomic(join(dir, 'link.csv'), 'new');
  assert.ok(lstatSync(join(dir, 'link.csv')).isSymbolicLink());
  assert.equal(readFileSync(join(dir, 'real.csv'), 'utf8'), 'new');
  assert.equal(resolveFileTarget(join(dir, 'link.csv')), join(dir, 'real.csv'));
  symlinkSync('nowhere.csv', join(dir, 'dangling.csv'));
  await assert.rejects(
    writeFileAtomic(join(dir, 'dangling.csv'), 'x'),
    isWriteError('DANGLING_LINK', /symbolic link that cannot be followed \(its target does not exist\)/),
  );
  assert.equal(existsSync(join(dir, 'nowhere.csv')), false);
});

test('a missing parent folder is an error naming it, or is created with createParents', async () => {
  const dir = fresh();
  const path = join(dir, 'x', 'y', 'f.txt');
  assert.throws(
    () => writeFileAtomicSync(path, 'v'),
    isWriteError('NO_PARENT', /the folder .*x\/y does not exist \(ENOENT\)\. Fix: create it \(mkdir -p /),
  );
  await writeFileAtomic(path, 'v', { createParents: true });
  assert.equal(readFileSync(path, 'utf8'), 'v');
  writeFileSync(join(dir, 'file'), '');
  await assert.rejects(
    writeFileAtomic(join(dir, 'file', 'sub', 'g.txt'), 'v', { createParents: true }),
    isWriteError('ENOTDIR', /file is a regular file, not a folder/),
  );
});

test('/proc/x fails at once with a clear message (Node recursive mkdir loops forever there)', {
  skip: !existsSync('/proc/self'),
}, async () => {
  const t0 = performance.now();
  await assert.rejects(
    writeFileAtomic('/proc/rnnlab-x/y.txt', 'v', { createParents: true }),
    isWriteError(
      'ENOENT',
      /cannot create folders in \/proc \(a virtual file system that takes no new entries\)/,
    ),
  );
  await assert.rejects(
    replaceDirectory('/proc/rnnlab-x', async () => {}, { createParents: true }),
    isWriteError('ENOENT', /cannot create folders in \/proc/),
  );
  assert.ok(performance.now() - t0 < 1000);
});

test('streaming: chunks reach the target only on commit; abort leaves the old file', async () => {
  const dir = fresh();
  const path = join(dir, 'd.csv');
  writeFileSync(path, 'old');
  const file = await openAtomicFile(path);
  await file.write('a,b\n');
  await file.write(new TextEncoder().encode('1,2\n'));
  assert.equal(file.bytesWritten, 8);
  assert.equal(readFileSync(path, 'utf8'), 'old');
  assert.equal(liveTempPaths().length, 1);
  await file.commit();
  assert.equal(readFileSync(path, 'utf8'), 'a,b\n1,2\n');
  await assert.rejects(file.write('more'), /already committed/);
  await file.abort(); // no effect after commit
  assert.equal(readFileSync(path, 'utf8'), 'a,b\n1,2\n');

  const dropped = await openAtomicFile(path);
  await dropped.write('partial');
  await dropped.abort();
  assert.equal(readFileSync(path, 'utf8'), 'a,b\n1,2\n');
  assert.deepEqual(readdirSync(dir), ['d.csv']);
  assert.deepEqual(liveTempPaths(), []);
});

test('failures at commit name the user path, never the temp file, and remove the temp file', async () => {
  const dir = fresh();
  const path = join(dir, 'e.csv');
  const replaced = await openAtomicFile(path);
  await replaced.write('x');
  mkdirSync(path); // a folder appears at the target while writing
  await assert.rejects(
    replaced.commit(),
    isWriteError('NOT_REGULAR', /e\.csv: a folder appeared there while writing/),
  );
  assert.deepEqual(leftovers(dir), []);

  const sub = join(dir, 'sub');
  mkdirSync(sub);
  const gone = await openAtomicFile(join(sub, 'f.csv'));
  await gone.write('x');
  rmSync(sub, { recursive: true }); // the folder disappears: rename fails with ENOENT
  await assert.rejects(
    gone.commit(),
    isWriteError('ENOENT', /cannot write .*sub\/f\.csv \(no such file or folder/),
  );
  assert.deepEqual(liveTempPaths(), []);
});

test('createTempFile: a scratch file that remove() deletes', async () => {
  const dir = fresh();
  const scratch = await createTempFile(dir, 'download');
  await scratch.write(Uint8Array.of(1, 2));
  await scratch.close();
  assert.deepEqual([...readFileSync(scratch.path)], [1, 2]);
  assert.deepEqual(liveTempPaths(), [scratch.path]);
  await scratch.remove();
  assert.deepEqual(readdirSync(dir), []);
  assert.deepEqual(liveTempPaths(), []);
});

test('replaceDirectory creates, replaces as a whole, and leaves the old folder intact when fill fails', async () => {
  const parent = fresh();
  const dir = join(parent, 'out');
  await replaceDirectory(dir, async (s) => writeFileSync(join(s, 'one'), '1'));
  assert.deepEqual(readdirSync(dir), ['one']);
  await replaceDirectory(dir, async (s) => writeFileSync(join(s, 'two'), '2'));
  assert.deepEqual(readdirSync(dir), ['two']); // 'one' is gone: the folder was replaced, not merged
  await assert.rejects(
    replaceDirectory(dir, async (s) => {
      writeFileSync(join(s, 'three'), '3');
      throw new Error('render failed');
    }),
    /render failed/,
  );
  assert.deepEqual(readdirSync(dir), ['two']);
  assert.deepEqual(readdirSync(parent), ['out']);
  writeFileSync(join(parent, 'plain'), '');
  await assert.rejects(
    replaceDirectory(join(parent, 'plain'), async () => {}),
    isWriteError('ENOTDIR', /plain: it is a regular file, not a folder/),
  );
  assert.deepEqual(liveTempPaths(), []);
});

/**
 * Runs `body` (module code with `m` = atomic_write.js and `args` = extra arguments) in a child process, sends
 * `signal` once it prints "ready", and returns its exit code (null if it had to be killed after 10 s).
 */
async function interrupted(body: string, args: string[], signal: NodeJS.Signals): Promise<number | null> {
  const code = `const m = await import(${JSON.stringify(MODULE)}); const args = process.argv.slice(1); ${body}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d;
    if (out.includes('ready')) child.kill(signal);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000); // a handler that does not exit fails the test
  return new Promise((resolve) =>
    child.on('exit', (c) => {
      clearTimeout(killer);
      resolve(c);
    }),
  );
}

for (const [signal, expected] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${signal} while streaming: the temp file is removed, the target untouched, exit ${expected}`, {
    skip: isWindows,
  }, async () => {
    const dir = fresh();
    const path = join(dir, 'g.csv');
    writeFileSync(path, 'old');
    const body =
      "const f = await m.openAtomicFile(args[0]); await f.write('new'); console.log('ready'); setInterval(() => {}, 1000);";
    assert.equal(await interrupted(body, [path], signal), expected);
    assert.deepEqual(readdirSync(dir), ['g.csv']);
    assert.equal(readFileSync(path, 'utf8'), 'old');
  });
}

test('SIGINT while a folder is staged: the staging folder is removed, the old folder untouched', {
  skip: isWindows,
}, async () => {
  const parent = fresh();
  const dir = join(parent, 'report');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), 'old');
  const body =
    "await m.replaceDirectory(args[0], async (s) => { await m.writeFileAtomic(s + '/index.html', 'new'); " +
    "console.log('ready'); await new Promise((r) => setTimeout(r, 10000)); });";
  assert.equal(await interrupted(body, [dir], 'SIGINT'), 130);
  assert.deepEqual(readdirSync(parent), ['report']);
  assert.deepEqual(readdirSync(dir), ['index.html']);
  assert.equal(readFileSync(join(dir, 'index.html'), 'utf8'), 'old');
});
