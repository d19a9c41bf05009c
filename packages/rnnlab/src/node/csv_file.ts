/**
 * `readPriceCsv(path)`: a price CSV file read from disk in chunks (Node only), with the checks of `parsePriceCsv`
 * (see data/csv.ts). The file's size is checked against `maxBytes` before anything is read.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import {
  CHUNK_BYTES,
  checkedMaxBytes,
  formatBytes,
  type PriceCsvOptions,
  tooLarge,
  unreadable,
} from '../data/csv.js';
import { PriceCsvReader } from '../data/csv_reader.js';
import type { PriceSeries } from '../data/series.js';

/** Reads and parses a price CSV file (see the module doc), streaming it in chunks. Throws PriceCsvError. */
export function readPriceCsv(path: string, opts: PriceCsvOptions = {}): PriceSeries {
  const maxBytes = checkedMaxBytes(opts.maxBytes);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw tooLarge(path, `is ${formatBytes(size)}`, maxBytes, size);
    const reader = new PriceCsvReader(path, opts);
    const decoder = new StringDecoder('utf8'); // keeps characters split across chunks whole
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let bytesRead = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      } catch (e) {
        throw unreadable(path, e);
      }
      if (n === 0) break;
      bytesRead += n;
      if (bytesRead > maxBytes) throw tooLarge(path, `has more than ${formatBytes(maxBytes)}`, maxBytes, 0);
      const text = decoder.write(buffer.subarray(0, n));
      reader.write(bytesRead === n && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      opts.onProgress?.(bytesRead, size);
    }
    reader.write(decoder.end());
    return reader.finish();
  } finally {
    closeSync(fd);
  }
}
