/**
 * The one way rnnlab writes files: atomically, durably, and only over regular files.
 *
 * A file is written to a temp file in the target's own folder (`.<name>.<pid>.<random>.tmp`, so the rename never
 * crosses file systems), flushed to disk (fsync), renamed over the target — atomic on POSIX: a reader sees the
 * old content or the new, never a mix — and then the folder is fsynced where the platform allows, so the rename
 * itself survives a crash. On any error the temp file is removed, and the error names the user's path, never the
 * temp name. `replaceDirectory` does the same for a whole folder (a sibling temp folder, then a swap).
 *
 * Targets: an existing target must be a regular file (or, for `replaceDirectory`, a folder). Renaming over a
 * device, named pipe or socket would replace it (`/dev/full` became a regular file), so those are refused. A
 * symbolic link is followed on purpose: the link's target is replaced and the link stays; a link to nothing is
 * refused.
 *
 * Interrupts: every live temp path is recorded. While any is live, one handler for SIGINT and SIGTERM removes them
 * all and exits with 128 + the signal number (130, 143), the code the default action gives; an `exit` handler
 * removes any left by `process.exit`. With no temp live, no handler is installed.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { printable } from '../util/printable.js';

export interface AtomicWriteOptions {
  /** Create missing parent folders, like `mkdir -p` (default false: the parent folder must exist). */
  createParents?: boolean;
}

export interface ResolveTargetOptions extends AtomicWriteOptions {
  /** Create nothing: with `createParents`, only check that the nearest existing ancestor is a folder. */
  checkOnly?: boolean;
}

/** A failed write: `path` is the user's path; `code` an errno code (EACCES, ENOSPC, …) or one of ours. */
export class AtomicWriteError extends Error {
  constructor(
    readonly path: string,
    /**
     * An errno code (EISDIR: a folder where a file should go; ENOTDIR: a file where a folder should go), or
     * NOT_REGULAR (a device, pipe or socket is in the way), DANGLING_LINK, NO_PARENT.
     */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AtomicWriteError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Live temp paths and the one signal handler

const live = new Map<string, 'file' | 'dir'>();

function removeLiveSync(): void {
  for (const [path, kind] of live) {
    try {
      rmSync(path, { force: true, recursive: kind === 'dir' });
    } catch {
      // best effort: the process is going away
    }
  }
  live.clear();
}

const onSigint = () => exitOnSignal(130);
const onSigterm = () => exitOnSignal(143);

function exitOnSignal(code: number): void {
  removeLiveSync();
  process.exit(code);
}

function track(path: string, kind: 'file' | 'dir'): void {
  live.set(path, kind);
  if (live.size === 1) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    process.on('exit', removeLiveSync);
  }
}

function untrack(path: string): void {
  if (!live.delete(path) || live.size > 0) return;
  process.removeListener('SIGINT', onSigint);
  process.removeListener('SIGTERM', onSigterm);
  process.removeListener('exit', removeLiveSync);
}

/** The temp paths that would be removed on SIGINT/SIGTERM right now (for tests and diagnostics). */
export function liveTempPaths(): string[] {
  return [...live.keys()];
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'no such file or folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EXDEV: 'crosses file systems',
  EBUSY: 'busy',
};

const show = (path: string) => printable(path, 200);

/** `e` as an AtomicWriteError about `path`, its message never showing `hidden` (temp) paths. */
function writeError(path: string, e: unknown, fix: string, ...hidden: string[]): AtomicWriteError {
  if (e instanceof AtomicWriteError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? 'EIO';
  let why = REASONS[code];
  if (why === undefined) {
    let text = String(err.message ?? e);
    for (const h of hidden) text = text.split(h).join(path);
    why = printable(text, 200);
  }
  return new AtomicWriteError(path, code, `cannot write ${show(path)} (${why}, ${code}). Fix: ${fix}.`);
}

/** An error from the file system (has an errno code and a syscall), or one of ours. */
function isSystemError(e: unknown): boolean {
  if (e instanceof AtomicWriteError) return true;
  const err = e as NodeJS.ErrnoException;
  return typeof err?.code === 'string' && typeof err.syscall === 'string';
}

function refuse(path: string, code: string, problem: string, fix: string): AtomicWriteError {
  return new AtomicWriteError(path, code, `cannot write ${show(path)}: ${problem}. Fix: ${fix}.`);
}

/** What a non-regular path is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFile()) return 'a regular file';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** `path`'s stats, or null if nothing is there (a file in the middle of the path counts as nothing). */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

/** The absolute path to write for `path`: itself, or the target of the symbolic link at `path`. */
function followLink(path: string): string {
  const abs = resolve(path);
  let link: Stats;
  try {
    link = lstatSync(abs);
  } catch {
    return abs;
  }
  if (!link.isSymbolicLink()) return abs;
  try {
    return realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw refuse(
      path,
      code === 'ENOENT' ? 'DANGLING_LINK' : code,
      `it is a symbolic link that cannot be followed (${code === 'ENOENT' ? 'its target does not exist' : code})`,
      'remove the link or give another path',
    );
  }
}

/**
 * Makes sure the folder `dir` exists (creating it and its missing ancestors with `create`; with `checkOnly`
 * creating nothing), walking up to the nearest existing ancestor first: Node's own recursive mkdir loops forever
 * on paths such as /proc/x.
 */
function ensureFolder(userPath: string, dir: string, create: boolean, checkOnly = false): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    let st: Stats | null;
    try {
      st = statOrNull(d);
    } catch (e) {
      throw writeError(userPath, e, `check the folder ${show(d)}`);
    }
    if (st?.isDirectory()) break;
    if (st) {
      throw refuse(userPath, 'ENOTDIR', `${show(d)} is ${kindOf(st)}, not a folder`, 'choose another path');
    }
    if (!create) {
      throw refuse(
        userPath,
        'NO_PARENT',
        `the folder ${show(dir)} does not exist (ENOENT)`,
        `create it (mkdir -p ${show(dir)}) or choose another folder`,
      );
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  if (!checkOnly) for (const d of missing.reverse()) makeFolder(userPath, d);
}

/** mkdir `dir` (its parent exists); an existing folder is fine. A `temp` folder's name is never shown. */
function makeFolder(userPath: string, dir: string, temp = false): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statOrNull(dir)?.isDirectory()) return;
    if (code === 'ENOENT') {
      // The parent exists, yet "no such file": a virtual file system (/proc, /sys) that takes no new entries.
      throw refuse(
        userPath,
        'ENOENT',
        `cannot create folders in ${show(dirname(dir))} (a virtual file system that takes no new entries)`,
        'choose a folder you can write to',
      );
    }
    if (temp) throw writeError(userPath, e, `check that ${show(dirname(dir))} is writable`, dir);
    throw writeError(userPath, e, `create the folder ${show(dir)} yourself, or choose another path`);
  }
}

/**
 * Checks `path` as a file to write and returns the absolute path to write (a symbolic link's target): nothing
 * is there or a regular file is; the parent folder exists (or is created, with `createParents`). Throws an
 * AtomicWriteError naming `path` and the fix. Cheap enough to call before any long work.
 */
export function resolveFileTarget(path: string, opts: ResolveTargetOptions = {}): string {
  if (path.trim() === '') throw refuse(path, 'EINVAL', 'the path is empty', 'give the path of a file');
  const target = followLink(path);
  let st: Stats | null;
  try {
    st = statOrNull(target);
  } catch (e) {
    throw writeError(path, e, 'check the path');
  }
  if (st?.isDirectory()) {
    throw refuse(path, 'EISDIR', 'it is a folder, not a file', 'give the path of a file');
  }
  if (st && !st.isFile()) {
    throw refuse(
      path,
      'NOT_REGULAR',
      `it is ${kindOf(st)}, not a regular file, and writing would replace it`,
      'give the path of a regular file to create or replace',
    );
  }
  ensureFolder(path, dirname(target), opts.createParents ?? false, opts.checkOnly);
  return target;
}

/** A fresh temp path beside `target`: `.<name>.<pid>.<random>.<suffix>`. */
function siblingTempPath(target: string, suffix: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.${suffix}`,
  );
}

/** fsync a folder so a rename inside it is durable; skipped where folders cannot be opened or synced. */
function fsyncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR/EPERM on file systems and platforms without directory fsync
  } finally {
    closeSync(fd);
  }
}

/** The mode of the file at `target` (its permission bits) if it exists, to keep it on replacement. */
function existingMode(target: string): number | undefined {
  const st = statOrNull(target);
  return st ? st.mode & 0o7777 : undefined;
}

/** Renames `tmp` over `target`, refusing if something other than a regular file appeared there meanwhile. */
function renameOver(userPath: string, tmp: string, target: string): void {
  const st = statOrNull(target);
  if (st && !st.isFile()) {
    throw refuse(
      userPath,
      'NOT_REGULAR',
      `${kindOf(st)} appeared there while writing, and writing would replace it`,
      'give the path of a regular file to create or replace',
    );
  }
  renameSync(tmp, target);
  fsyncFolder(dirname(target));
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/** A file being written in chunks to a temp file; `commit` puts it in place, `abort` throws it away. */
export interface AtomicFile {
  /** The user's path, as given. */
  readonly path: string;
  /** Bytes written so far. */
  readonly bytesWritten: number;
  /** Appends `chunk` (a string is written as UTF-8). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** fsync, rename over the target, fsync the folder. On error the temp file is removed and the target untouched. */
  commit(): Promise<void>;
  /** Removes the temp file; the target is untouched. Safe to call more than once, and after `commit`. */
  abort(): Promise<void>;
}

/** Starts writing `path` atomically in chunks (the streaming form of `writeFileAtomic`, e.g. for downloads). */
export async function openAtomicFile(path: string, opts: AtomicWriteOptions = {}): Promise<AtomicFile> {
  const target = resolveFileTarget(path, opts);
  const tmp = siblingTempPath(target, 'tmp');
  const mode = existingMode(target);
  track(tmp, 'file');
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'wx', mode ?? 0o666);
    if (mode !== undefined) await handle.chmod(mode);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    untrack(tmp);
    throw writeError(path, e, 'check that the folder is writable', tmp);
  }
  let bytesWritten = 0;
  let state: 'open' | 'committed' | 'aborted' = 'open';
  const abort = async () => {
    if (state !== 'open') return;
    state = 'aborted';
    await handle.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    untrack(tmp);
  };
  const failed = async (e: unknown, fix: string) => {
    await abort();
    return writeError(path, e, fix, tmp);
  };
  return {
    path,
    get bytesWritten() {
      return bytesWritten;
    },
    async write(chunk) {
      if (state !== 'open') throw new Error(`openAtomicFile: ${show(path)} is already ${state}.`);
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      try {
        let at = 0;
        while (at < bytes.length) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
        bytesWritten += bytes.length;
      } catch (e) {
        throw await failed(e, 'free some space or choose another folder');
      }
    },
    async commit() {
      if (state !== 'open') throw new Error(`openAtomicFile: ${show(path)} is already ${state}.`);
      try {
        await handle.sync();
        await handle.close();
        renameOver(path, tmp, target);
      } catch (e) {
        throw await failed(e, 'check that the folder is writable and has free space');
      }
      state = 'committed';
      untrack(tmp);
    },
    abort,
  };
}

/** Writes `data` (a string as UTF-8) to `path` atomically and durably (see the module doc). */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const file = await openAtomicFile(path, opts);
  try {
    await file.write(data);
    await file.commit();
  } finally {
    await file.abort();
  }
}

/** `writeFileAtomic` without the event loop, for synchronous callers (checkpoint saving). */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): void {
  const target = resolveFileTarget(path, opts);
  const tmp = siblingTempPath(target, 'tmp');
  const mode = existingMode(target);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  track(tmp, 'file');
  try {
    const fd = openSync(tmp, 'wx', mode ?? 0o666);
    try {
      if (mode !== undefined) fchmodSync(fd, mode);
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameOver(path, tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(path, e, 'check that the folder exists, is writable and has free space', tmp);
  } finally {
    untrack(tmp);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scratch files

/** A scratch file that is always removed: by `remove()`, on SIGINT/SIGTERM, or at exit. */
export interface TempFile {
  /** Its path (internal: do not show it to users). */
  readonly path: string;
  readonly bytesWritten: number;
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and closes it for reading; writes are no longer possible. */
  close(): Promise<void>;
  remove(): Promise<void>;
}

/** Creates an empty scratch file `.<hint>.<pid>.<random>.part` in the existing folder `dir`. */
export async function createTempFile(dir: string, hint: string): Promise<TempFile> {
  const path = siblingTempPath(join(dir, hint), 'part');
  track(path, 'file');
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (e) {
    untrack(path);
    throw writeError(dir, e, 'choose a folder you can write to', path);
  }
  let bytesWritten = 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    path,
    get bytesWritten() {
      return bytesWritten;
    },
    async write(chunk) {
      try {
        let at = 0;
        while (at < chunk.length) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
      } catch (e) {
        throw writeError(dir, e, 'free some space or choose another folder', path);
      }
      bytesWritten += chunk.length;
    },
    close,
    async remove() {
      await close().catch(() => {});
      await rm(path, { force: true }).catch(() => {});
      untrack(path);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Folders

/**
 * Checks `dir` as a folder to replace as a whole and returns the absolute path (a symbolic link's target): it is
 * absent or a folder, and its parent exists (or is created, with `createParents`). Throws an AtomicWriteError.
 */
export function resolveFolderTarget(dir: string, opts: ResolveTargetOptions = {}): string {
  if (dir.trim() === '') throw refuse(dir, 'EINVAL', 'the path is empty', 'give the path of a folder');
  const target = followLink(dir);
  let st: Stats | null;
  try {
    st = statOrNull(target);
  } catch (e) {
    throw writeError(dir, e, 'check the path');
  }
  if (st && !st.isDirectory()) {
    throw refuse(
      dir,
      st.isFile() ? 'ENOTDIR' : 'NOT_REGULAR',
      `it is ${kindOf(st)}, not a folder`,
      'give the path of a folder, or move it away',
    );
  }
  if (dirname(target) === target) {
    throw refuse(dir, 'EINVAL', 'a root folder cannot be replaced', 'give the path of a folder inside it');
  }
  ensureFolder(dir, dirname(target), opts.createParents ?? false, opts.checkOnly);
  return target;
}

/**
 * Replaces the folder `dir` as a whole: `fill(staging)` writes the new content into a sibling temp folder, which
 * then takes `dir`'s place — the old folder is renamed away, the new one renamed in (two renames with no await
 * between, so no signal handler runs between them), the parent fsynced and the old folder removed. If `fill`
 * fails or the process gets SIGINT/SIGTERM, the temp folder is removed and `dir` is untouched. Only a hard kill
 * between the two renames could leave the old folder under its temp name `.<name>.<pid>.<random>.old`.
 */
export async function replaceDirectory(
  dir: string,
  fill: (staging: string) => Promise<void>,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const target = resolveFolderTarget(dir, opts);
  const staging = siblingTempPath(target, 'tmp');
  track(staging, 'dir');
  try {
    makeFolder(dir, staging, true);
    await fill(staging);
    fsyncFolder(staging);
    swapIn(dir, staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    // fill's own errors (rendering, …) pass unchanged; file system errors name `dir`, never the temp folder.
    if (!isSystemError(e)) throw e;
    throw writeError(
      dir,
      e,
      'check that the folder and its parent are writable and have free space',
      staging,
    );
  } finally {
    untrack(staging);
  }
}

/** Puts the folder `staging` at `target`, moving an existing folder away and removing it. */
function swapIn(dir: string, staging: string, target: string): void {
  if (!statOrNull(target)) {
    renameSync(staging, target);
    fsyncFolder(dirname(target));
    return;
  }
  const old = siblingTempPath(target, 'old');
  track(old, 'dir');
  try {
    renameSync(target, old);
    try {
      renameSync(staging, target);
    } catch (e) {
      renameSync(old, target);
      throw e;
    }
    fsyncFolder(dirname(target));
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    throw writeError(dir, e, 'check that the folder and its parent are writable', staging, old);
  } finally {
    untrack(old);
  }
}
