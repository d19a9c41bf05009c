/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors).
 *
 * Layout of a file:
 *   bytes 0..7       N, the header length, unsigned 64-bit little-endian
 *   bytes 8..8+N−1   header: UTF-8 JSON object, padded with spaces to a multiple of 8 bytes
 *                    { "__metadata__": { "<key>": "<string value>", .. },          (optional)
 *                      "<tensor name>": { "dtype": "F32", "shape": [d0, d1, ..],
 *                                         "data_offsets": [begin, end] }, .. }
 *   bytes 8+N..      data section: each tensor's elements, row-major ('C' order), little-endian;
 *                    [begin, end) is relative to the start of the data section, and the tensors'
 *                    ranges tile the data section exactly (no gaps, no overlaps, nothing after).
 *
 * Writing always produces F32 and keeps the caller's tensor order (the reference writer sorts by
 * dtype then name; readers accept any order). Reading accepts F32, F64, F16 and BF16 and returns
 * float32 (F64 rounded to nearest float32). Decoded tensors are listed in data-offset order; note that
 * a JS object lists integer-like names ("0", "1") before all others. Reading rejects non-finite values (NaN, ±∞)
 * unless `allowNonFinite` is set: rnnlab's models cannot use them. Every reading error is a `SafetensorsError`
 * whose message starts with the source name, quotes names escaped and cut short, and stays under ~1 KB.
 * No engine types here: tensors are `{ shape, data: Float32Array }`.
 */
import { printable } from '../util/printable.js';

/** One tensor: its shape (outermost first; [] for a scalar) and its elements in row-major order. */
export interface SafetensorsTensor {
  shape: number[];
  data: Float32Array;
}

/** A decoded file: tensors by name and the `__metadata__` string map ({} if absent). */
export interface SafetensorsContents {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** Largest header accepted when reading, as in the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Largest file `readSafetensorsFile` reads (Node reads at most 2 GiB into one buffer). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/** A safetensors file or buffer that cannot be read: the message names the source, the problem and the fix. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export interface DecodeOptions {
  /** Accept NaN and ±∞ tensor values (default false: they are an error naming the tensor and element). */
  allowNonFinite?: boolean;
  /** Largest header to parse (default MAX_HEADER_BYTES); a reader that knows its files are small sets less. */
  maxHeaderBytes?: number;
}

const METADATA_KEY = '__metadata__';

/** Bytes per element of the dtypes this module can read. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** Serialises tensors (as F32) and optional string metadata to safetensors bytes. */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  const metaEntries = Object.entries(metadata);
  for (const [key, value] of metaEntries) {
    if (typeof value !== 'string') {
      throw new Error(
        `encodeSafetensors: metadata "${key}" is a ${typeof value} (${String(value)}); safetensors metadata ` +
          'values must be strings — pass String(value) or JSON.stringify(value)',
      );
    }
  }
  if (metaEntries.length > 0) header[METADATA_KEY] = Object.fromEntries(metaEntries);

  const entries = Object.entries(tensors);
  let offset = 0;
  for (const [name, tensor] of entries) {
    if (name === METADATA_KEY) {
      throw new Error(`encodeSafetensors: "${METADATA_KEY}" is reserved for metadata; rename that tensor`);
    }
    if (!(tensor?.data instanceof Float32Array)) {
      throw new Error(
        `encodeSafetensors: tensor "${name}" data must be a Float32Array; wrap it with Float32Array.from`,
      );
    }
    const count = elementCount(tensor.shape);
    if (count === undefined) {
      throw new Error(
        `encodeSafetensors: tensor "${name}" has shape ${JSON.stringify(tensor.shape)}; ` +
          'a shape must be an array of non-negative integers ([] for a scalar)',
      );
    }
    if (count !== tensor.data.length) {
      throw new Error(
        `encodeSafetensors: tensor "${name}" has shape [${tensor.shape.join(', ')}] (${count} elements) but ` +
          `${tensor.data.length} data values; make the shape match the data`,
      );
    }
    const end = offset + 4 * count;
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, end] };
    offset = end;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + n + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(n), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + n);
  let pos = 8 + n;
  for (const [, tensor] of entries) {
    for (let i = 0; i < tensor.data.length; i++, pos += 4) view.setFloat32(pos, tensor.data[i]!, true);
  }
  return bytes;
}

/**
 * Parses safetensors bytes. `sourceName` (usually the file path) starts every error message.
 * Validates the whole header and layout before reading any tensor (see the module comment).
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  sourceName = 'safetensors buffer',
  options: DecodeOptions = {},
): SafetensorsContents {
  const fail = (problem: string): never => {
    throw new SafetensorsError(`${printable(sourceName, 200)}: ${problem}`);
  };
  const notSafetensors = 'it is truncated or not a safetensors file; re-save or re-download it';
  if (bytes.length < 8) {
    fail(`file is ${bytes.length} bytes, shorter than the 8-byte header-length prefix; ${notSafetensors}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) {
    fail(
      `header length field says ${n64} bytes but only ${bytes.length - 8} bytes follow the 8-byte prefix; ` +
        notSafetensors,
    );
  }
  const n = Number(n64);
  const maxHeader = Math.min(options.maxHeaderBytes ?? MAX_HEADER_BYTES, MAX_HEADER_BYTES);
  if (n > maxHeader) {
    fail(`header is ${n} bytes, above the ${maxHeader}-byte limit of this reader; ${notSafetensors}`);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail(`header (bytes 8..${8 + n}) is not valid UTF-8; ${notSafetensors}`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${printable((e as Error).message, 160)}); ${notSafetensors}`);
  }
  if (!isPlainObject(header)) {
    return fail(`header is JSON ${describe(header)}, not an object of tensor entries; ${notSafetensors}`);
  }

  const metadataEntries: Array<[string, string]> = [];
  const rawMetadata = header[METADATA_KEY];
  if (rawMetadata !== undefined) {
    if (!isPlainObject(rawMetadata)) {
      fail(`"${METADATA_KEY}" is ${describe(rawMetadata)}; it must be an object of string values`);
    }
    for (const [key, value] of Object.entries(rawMetadata as Record<string, unknown>)) {
      if (typeof value !== 'string') {
        fail(
          `${METADATA_KEY}[${quote(key)}] is ${describe(value)}; safetensors metadata values must be strings ` +
            '(the writer should store String(value) or JSON.stringify(value))',
        );
      }
      metadataEntries.push([key, value as string]);
    }
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary entry.
  const metadata: Record<string, string> = Object.fromEntries(metadataEntries);

  interface Entry {
    name: string;
    dtype: string;
    shape: number[];
    begin: number;
    end: number;
  }
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    const where = `tensor ${quote(name)}`;
    if (!isPlainObject(raw)) {
      fail(`${where} is ${describe(raw)}; expected {"dtype", "shape", "data_offsets"}`);
    }
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string')
      fail(`${where} has dtype ${describe(dtype)}; expected a string such as "F32"`);
    const size = DTYPE_BYTES[dtype as string];
    if (size === undefined) {
      fail(
        `${where} has dtype ${quote(dtype as string)}, which this reader does not support; supported: ` +
          `${Object.keys(DTYPE_BYTES).join(', ')} — convert the tensor to float32 before saving`,
      );
    }
    const count = Array.isArray(shape) ? elementCount(shape) : undefined;
    if (count === undefined) {
      fail(
        `${where} has shape ${describe(shape)}; expected an array of non-negative integers ([] for a scalar)`,
      );
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isByteOffset)) {
      fail(`${where} has data_offsets ${describe(offsets)}; expected [begin, end] with integers 0 <= begin`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(`${where} has data_offsets [${begin}, ${end}]: end is before begin`);
    const expected = (count as number) * (size as number);
    if (end - begin !== expected) {
      fail(
        `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ` +
          `[${(shape as number[]).join(', ')}] of ${dtype} (${size} bytes each) needs ${expected} bytes; ` +
          'the header is inconsistent — re-save the file',
      );
    }
    entries.push({ name, dtype: dtype as string, shape: [...(shape as number[])], begin, end });
  }

  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const declared = entries.reduce((sum, e) => sum + (e.end - e.begin), 0);
  if (declared > dataBytes) {
    fail(
      `the header describes ${declared} bytes of tensor data but only ${dataBytes} bytes follow it ` +
        `(${declared - dataBytes} missing); the file is truncated — re-save or re-download it`,
    );
  }
  for (const e of entries) {
    if (e.end > dataBytes) {
      fail(
        `tensor ${quote(e.name)} has data_offsets [${e.begin}, ${e.end}], outside the ${dataBytes}-byte data ` +
          'section; the header is corrupt — re-save the file',
      );
    }
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.begin < covered) {
      const prev = entries[i - 1]!;
      fail(
        `tensors ${quote(prev.name)} [${prev.begin}, ${prev.end}] and ${quote(e.name)} [${e.begin}, ${e.end}] have ` +
          'overlapping data_offsets; the header is corrupt — re-save the file',
      );
    }
    if (e.begin > covered) {
      fail(
        `data bytes [${covered}, ${e.begin}) before tensor ${quote(e.name)} belong to no tensor; safetensors ` +
          'requires contiguous tensor data — re-save the file',
      );
    }
    covered = e.end;
  }
  if (covered < dataBytes) {
    fail(
      `${dataBytes - covered} bytes after the last tensor's data belong to no tensor; safetensors requires ` +
        'the tensors to end at the end of the file — re-save the file',
    );
  }

  const decoded = entries.map((e): [string, SafetensorsTensor] => {
    const data = readFloats(bytes, dataStart + e.begin, e.end - e.begin, e.dtype);
    if (!options.allowNonFinite) {
      const i = data.findIndex((x) => !Number.isFinite(x));
      if (i >= 0) {
        fail(
          `tensor ${quote(e.name)} holds ${data[i]} at element ${i} of ${data.length}; rnnlab needs finite ` +
            'values — the training that wrote it diverged or the file is damaged. Retrain (e.g. with a lower ' +
            'learning rate), or read it with { allowNonFinite: true }',
        );
      }
    }
    return [e.name, { shape: e.shape, data }];
  });
  return { tensors: Object.fromEntries(decoded), metadata };
}

/** Π shape, or undefined if shape is not an array of non-negative safe integers with a safe product. */
function elementCount(shape: unknown): number | undefined {
  if (!Array.isArray(shape)) return undefined;
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return undefined;
    count *= d;
  }
  return Number.isSafeInteger(count) ? count : undefined;
}

function isByteOffset(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

/** `s` in double quotes, control characters escaped and cut to 80 characters (see util/printable). */
function quote(s: string): string {
  return `"${printable(s, 80)}"`;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A short description of a JSON value for error messages, e.g. `a number (20)`. */
function describe(x: unknown): string {
  if (x === undefined) return 'missing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array (${printable(JSON.stringify(x.slice(0, 20)), 60)})`;
  if (typeof x === 'object') return 'an object';
  return `a ${typeof x} (${printable(JSON.stringify(x), 60)})`;
}

/** True on little-endian hosts, where F32 data can be copied byte for byte. */
const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

/** Reads `byteLength` bytes at `pos` of `bytes` as little-endian `dtype` elements, converted to float32. */
function readFloats(bytes: Uint8Array, pos: number, byteLength: number, dtype: string): Float32Array {
  const out = new Float32Array(byteLength / DTYPE_BYTES[dtype]!);
  if (dtype === 'F32' && LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(pos, pos + byteLength));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) {
    switch (dtype) {
      case 'F32':
        out[i] = view.getFloat32(pos + 4 * i, true);
        break;
      case 'F64':
        out[i] = view.getFloat64(pos + 8 * i, true);
        break;
      case 'F16':
        out[i] = halfToFloat(view.getUint16(pos + 2 * i, true));
        break;
      default: // BF16: the upper 16 bits of a float32.
        out[i] = bfloat16ToFloat(view.getUint16(pos + 2 * i, true));
    }
  }
  return out;
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

function bfloat16ToFloat(bits: number): number {
  bf16Scratch.setUint32(0, bits << 16);
  return bf16Scratch.getFloat32(0);
}

/**
 * IEEE 754 binary16 → number: sign s, exponent e (5 bits), mantissa m (10 bits);
 * (−1)^s·2^(e−15)·(1 + m/1024) for 0 < e < 31, (−1)^s·2^−14·(m/1024) for e = 0, ±∞ or NaN for e = 31.
 */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * 2 ** -14 * (m / 1024);
  if (e === 0x1f) return m === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (e - 15) * (1 + m / 1024);
}
