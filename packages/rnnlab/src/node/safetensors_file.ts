/**
 * Safetensors files on disk (Node only): `readSafetensorsFile` and `writeSafetensorsFile` around the byte-level
 * `decodeSafetensors` / `encodeSafetensors` of nn/safetensors.ts.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  type DecodeOptions,
  decodeSafetensors,
  encodeSafetensors,
  MAX_FILE_BYTES,
  type SafetensorsContents,
  SafetensorsError,
  type SafetensorsTensor,
} from '../nn/safetensors.js';
import { printable } from '../util/printable.js';
import { writeFileAtomicSync } from './atomic_write.js';

/**
 * Writes `encodeSafetensors(tensors, metadata)` to `path` with the atomic writer (node/atomic_write.ts): a temp
 * file in the same folder, fsynced, renamed over `path`, the folder fsynced; readers see either the old file or
 * the complete new one. The parent folder must exist; an existing `path` must be a regular file (a symbolic link
 * is followed). Errors (AtomicWriteError) name `path`, never the temp file.
 */
export function writeSafetensorsFile(
  path: string,
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomicSync(path, encodeSafetensors(tensors, metadata));
}

/**
 * Reads and decodes a safetensors file; errors (SafetensorsError) name `path`. Only regular files up to
 * MAX_FILE_BYTES are read, so a device or FIFO given by mistake fails at once instead of reading forever.
 */
export function readSafetensorsFile(path: string, options: DecodeOptions = {}): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      throw new SafetensorsError(
        `${printable(path, 200)}: is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}; give the path of a .safetensors file`,
      );
    }
    if (stat.size > MAX_FILE_BYTES) {
      throw new SafetensorsError(
        `${printable(path, 200)}: file is ${stat.size} bytes, more than the ${MAX_FILE_BYTES} bytes this reader handles; ` +
          'it is not an rnnlab checkpoint (those are a few MB)',
      );
    }
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof SafetensorsError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const fix =
      code === 'ENOENT' ? 'check the path' : code === 'EACCES' ? 'check its permissions' : 'check the file';
    throw new SafetensorsError(
      `${printable(path, 200)}: cannot read it (${printable((e as Error).message, 160)}); ${fix}`,
    );
  }
  return decodeSafetensors(bytes, path, options);
}
