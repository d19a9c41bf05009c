/**
 * Output paths given on the command line (`--out`, `--save`, `--save-dir`), checked before any work: a wrong
 * path then fails in milliseconds with the flag, the path and the fix, not after minutes of training.
 *
 * "Writable" is tested, not read from permission bits: root passes every `access()` check, yet cannot create
 * files in /proc or /sys or on a read-only mount. So the check creates and removes an empty probe file
 * (`.rnnlab-probe-<pid>-<random>`) in the folder the output will go to. A path that does not exist yet is
 * judged by its nearest existing ancestor, which also answers `/proc/x` at once (Node's recursive mkdir loops
 * forever there).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, realpathSync, rmSync, type Stats, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { printable } from 'rnnlab';

export interface OutputFileOptions {
  /**
   * The writer creates missing parent folders (`mkdir -p`), so only the nearest existing ancestor must be a
   * writable folder. Default false: the parent folder must exist.
   */
  createParents?: boolean;
}

export interface OutputDirOptions {
  /**
   * The writer replaces the folder as a whole (a sibling temp folder renamed over it), so the folder's parent
   * must be writable too, not only the folder. Default false.
   */
  replaceWhole?: boolean;
}

/**
 * Checks that a file can be written at `path` (given with `flag`, e.g. '--save'): the path is absent or a
 * regular file, and its parent folder exists (or, with `createParents`, can be created) and accepts new files.
 * A symbolic link is followed on purpose: the returned path is the link's target, so the writer replaces the
 * target's content and the link stays. Returns the absolute path to write; throws an Error naming the flag,
 * the path and the fix.
 */
export function checkOutputFile(path: string, flag: string, o: OutputFileOptions = {}): string {
  const fail = failure(flag, path);
  if (path.trim() === '') throw fail('the path is empty', 'give the path of the file to write');
  const target = followLink(resolve(path), fail);
  const st = statOf(target, fail);
  if (st?.isDirectory()) {
    throw fail('this is a folder, not a file', 'give the path of a file, inside this folder or elsewhere');
  }
  if (st && !st.isFile()) {
    throw fail(
      `this is ${kindOf(st)}, not a regular file; writing would replace it`,
      'give the path of a regular file to create or replace',
    );
  }
  const parent = dirname(target);
  if (o.createParents) {
    probe(nearestExistingFolder(parent, fail), fail);
    return target;
  }
  const ps = statOf(parent, fail);
  if (!ps) {
    throw fail(
      `the folder ${show(parent)} does not exist`,
      `create it (mkdir -p ${show(parent)}) or choose another folder`,
    );
  }
  if (!ps.isDirectory()) throw fail(`${show(parent)} is ${kindOf(ps)}, not a folder`, 'choose another path');
  probe(parent, fail);
  return target;
}

/**
 * Checks that a folder can be written at `path` (given with `flag`, e.g. '--out'): the path is absent or a
 * folder that accepts new files; when absent, its nearest existing ancestor is a folder that accepts new files
 * (the writer creates the rest, `mkdir -p`). With `replaceWhole`, the parent must accept new files too. A
 * symbolic link to a folder is followed (the returned path is its target). Returns the absolute path; throws an
 * Error naming the flag, the path and the fix.
 */
export function checkOutputDir(path: string, flag: string, o: OutputDirOptions = {}): string {
  const fail = failure(flag, path);
  if (path.trim() === '') throw fail('the path is empty', 'give the path of the folder to write');
  const target = followLink(resolve(path), fail);
  const st = statOf(target, fail);
  if (st && !st.isDirectory()) {
    throw fail(
      `this is ${kindOf(st)}, not a folder`,
      'give the path of a folder (it is created if missing), or move the file away',
    );
  }
  if (st) probe(target, fail);
  else probe(nearestExistingFolder(dirname(target), fail), fail);
  if (st && o.replaceWhole) probe(dirname(target), fail);
  return target;
}

type Fail = (problem: string, fix: string) => Error;

/** Errors of the form "--save models/x.safetensors: the folder … does not exist. Fix: …". */
function failure(flag: string, path: string): Fail {
  return (problem, fix) => new Error(`${flag} ${show(path)}: ${problem}. Fix: ${fix}.`);
}

/** A path as it appears in a message: control characters escaped, at most 200 characters. */
function show(path: string): string {
  return printable(path, 200);
}

/** `path`'s stats, or null when nothing is there; a file in the middle of the path counts as nothing. */
function statOf(path: string, fail: Fail): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw fail(`cannot inspect ${show(path)} (${describe(e)})`, 'check the path');
  }
}

/** `path`, or the target of the symbolic link at `path`; a link to nothing is refused. */
function followLink(path: string, fail: Fail): string {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return path;
  }
  if (!link.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'its target does not exist' : describe(e);
    throw fail(
      `this is a symbolic link that cannot be followed (${why})`,
      'remove the link or give another path',
    );
  }
}

/** The closest of `path` and its ancestors that exists; it must be a folder. */
function nearestExistingFolder(path: string, fail: Fail): string {
  for (let dir = path; ; dir = dirname(dir)) {
    const st = statOf(dir, fail);
    if (st?.isDirectory()) return dir;
    if (st) {
      throw fail(
        `${show(dir)} is ${kindOf(st)}, so no folder can be created inside it`,
        'choose another path',
      );
    }
    if (dirname(dir) === dir) throw fail('no part of the path exists', 'choose another path');
  }
}

/** Creates and removes an empty file in `dir`, the only test that holds for root and special file systems. */
function probe(dir: string, fail: Fail): void {
  const file = join(dir, `.rnnlab-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    closeSync(openSync(file, 'wx'));
  } catch (e) {
    // ENOENT for a file in an existing folder: a virtual file system that takes no new files.
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'a virtual file system that takes no new files' : describe(e);
    throw fail(`cannot create files in ${show(dir)} (${why})`, 'choose a folder you can write to');
  }
  rmSync(file, { force: true });
}

/** What a non-regular, non-folder path is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFile()) return 'a file';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
};

/** "permission denied, EACCES" for a known system error; its (escaped, bounded) message otherwise. */
function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code ? REASONS[err.code] : undefined;
  return reason ? `${reason}, ${err.code}` : printable(String(err.message ?? e), 200);
}
