import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../src/nn/safetensors.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/node/safetensors_file.js';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** Whether `s` holds a C0 control character (ESC, BEL, newline, …) that a terminal would act on. */
const hasControlChars = (s: string) => Array.from(s).some((c) => c.charCodeAt(0) < 0x20);

/** A safetensors file built by hand: u64 LE length, the header text padded with spaces to 8n, data. */
function buildFile(header: string, data: number[] = []): Uint8Array {
  const json = ascii(header);
  const n = Math.ceil(json.length / 8) * 8;
  const prefix = [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff, 0, 0, 0, 0];
  return Uint8Array.from([...prefix, ...json, ...Array(n - json.length).fill(0x20), ...data]);
}

/** A valid one-tensor file: "w" = [1.5, −2] as F32 (bytes 00 00 C0 3F, 00 00 00 C0). */
const W_HEADER = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
const W_DATA = [0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0];

function decodeError(bytes: Uint8Array, options = {}): string {
  try {
    decodeSafetensors(bytes, 'x.safetensors', options);
  } catch (e) {
    assert.ok(e instanceof SafetensorsError, `not a SafetensorsError: ${e}`);
    return e.message;
  }
  assert.fail('decodeSafetensors accepted a corrupt file');
}

test('byte layout of a one-tensor file, checked by hand', () => {
  const bytes = encodeSafetensors({ w: { shape: [2], data: Float32Array.from([1.5, -2]) } });
  // Header JSON: {"w": (5) + {"dtype":"F32", (15) + "shape":[2], (12) + "data_offsets":[0,8] (20) + }} (2)
  // = 54 bytes, padded with 2 spaces to 56 = 7·8. File: 8 + 56 + 2·4 = 72 bytes.
  assert.equal(bytes.length, 72);
  assert.deepEqual(Array.from(bytes.subarray(0, 8)), [56, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(new TextDecoder().decode(bytes.subarray(8, 64)), `${W_HEADER}  `);
  // 1.5f = 0x3FC00000 and −2f = 0xC0000000, least significant byte first.
  assert.deepEqual(Array.from(bytes.subarray(64)), W_DATA);
  assert.deepEqual(bytes, buildFile(W_HEADER, W_DATA));
});

test('matches the reference serializer on its own test vector (attn.0, shape [1,2,3], 0..5)', () => {
  // The header {"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}} is exactly 64 bytes,
  // so no padding; then 0f = 00 00 00 00, 1f = 00 00 80 3F, 2f = 00 00 00 40, 3f = 00 00 40 40, 4f = 00 00 80 40,
  // 5f = 00 00 A0 40 (the bytes the huggingface/safetensors Rust tests expect).
  const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assert.equal(header.length, 64);
  const data = [
    0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40,
  ];
  const bytes = encodeSafetensors({
    'attn.0': { shape: [1, 2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) },
  });
  assert.deepEqual(bytes, buildFile(header, data));
});

test('an empty file is {} plus 6 spaces; metadata goes first as __metadata__', () => {
  assert.deepEqual(Array.from(encodeSafetensors({})), [8, 0, 0, 0, 0, 0, 0, 0, ...ascii('{}      ')]);
  // {"__metadata__":{"framework":"pt"}} is 35 bytes → padded to 40.
  assert.deepEqual(
    encodeSafetensors({}, { framework: 'pt' }),
    buildFile('{"__metadata__":{"framework":"pt"}}'),
  );
  const bytes = encodeSafetensors({ s: { shape: [], data: Float32Array.from([1]) } }, { k: 'v' });
  const n = bytes[0]!;
  assert.equal(
    new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd(),
    '{"__metadata__":{"k":"v"},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}',
  );
});

test('round trip keeps order, shapes (scalar, empty), values and metadata', () => {
  const tensors = {
    'rnn.weight_ih_l0': { shape: [2, 3], data: Float32Array.from([0.1, -0.2, 0.3, 1e-30, 3.4e38, -0]) },
    scalar: { shape: [], data: Float32Array.from([42.5]) },
    empty: { shape: [0, 3], data: new Float32Array(0) },
    'linear.bias': { shape: [1], data: Float32Array.from([Number.POSITIVE_INFINITY]) },
  };
  const metadata = { format: 'pt', epochs: '20', note: 'ünïcode ✓' };
  const back = decodeSafetensors(encodeSafetensors(tensors, metadata), 'mem', { allowNonFinite: true });
  assert.deepEqual(Object.keys(back.tensors), ['rnn.weight_ih_l0', 'scalar', 'empty', 'linear.bias']);
  assert.deepEqual(back.tensors, tensors);
  assert.deepEqual(back.metadata, metadata);
  assert.ok(Object.is(back.tensors['rnn.weight_ih_l0']!.data[5], -0));
});

test('round trip of a file without metadata gives metadata {}', () => {
  const bytes = encodeSafetensors({ w: { shape: [2], data: Float32Array.from([1.5, -2]) } }, {});
  assert.ok(!new TextDecoder().decode(bytes).includes('__metadata__'));
  const back = decodeSafetensors(bytes, 'mem');
  assert.deepEqual(back.metadata, {});
  assert.deepEqual(back.tensors.w, { shape: [2], data: Float32Array.from([1.5, -2]) });
});

test('decodes a view into a larger buffer (non-zero byteOffset) and any tensor order in the header', () => {
  // b comes first in the data section although it is listed second.
  const header =
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
  const file = buildFile(header, [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]); // b = 1f, a = 2f
  const padded = new Uint8Array(file.length + 3);
  padded.set(file, 3);
  const back = decodeSafetensors(padded.subarray(3), 'mem');
  assert.deepEqual(Object.keys(back.tensors), ['b', 'a']); // data-offset order
  assert.deepEqual(back.tensors.a!.data, Float32Array.from([2]));
  assert.deepEqual(back.tensors.b!.data, Float32Array.from([1]));
});

test('reads F64, F16 and BF16 as float32', () => {
  const header =
    '{"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},' +
    '"h":{"dtype":"F16","shape":[5],"data_offsets":[16,26]},' +
    '"b":{"dtype":"BF16","shape":[3],"data_offsets":[26,32]}}';
  const data = [
    // F64 1.5 = 0x3FF8000000000000; F64 0.1 = 0x3FB999999999999A.
    0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f,
    // F16 1.0 = 0x3C00, −2.0 = 0xC000, 0.5 = 0x3800, smallest subnormal 0x0001 = 2^−24, +∞ = 0x7C00.
    0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0x01, 0x00, 0x00, 0x7c,
    // BF16 is the top half of a float32: 1.5 = 0x3FC0, −2 = 0xC000, 1.0 + 2^−7 = 0x3F81.
    0xc0, 0x3f, 0x00, 0xc0, 0x81, 0x3f,
  ];
  const t = decodeSafetensors(buildFile(header, data), 'mem', { allowNonFinite: true }).tensors;
  assert.deepEqual(t.d!.data, Float32Array.from([1.5, Math.fround(0.1)]));
  assert.deepEqual(t.h!.data, Float32Array.from([1, -2, 0.5, 2 ** -24, Number.POSITIVE_INFINITY]));
  assert.deepEqual(t.b!.data, Float32Array.from([1.5, -2, 1 + 2 ** -7]));
});

test('writeSafetensorsFile writes atomically (no temp file left) and readSafetensorsFile reads it back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-st-'));
  try {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old contents');
    const tensors = { w: { shape: [2], data: Float32Array.from([1.5, -2]) } };
    writeSafetensorsFile(path, tensors, { epochs: '20' });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    assert.deepEqual(new Uint8Array(readFileSync(path)), encodeSafetensors(tensors, { epochs: '20' }));
    assert.deepEqual(readSafetensorsFile(path), { tensors, metadata: { epochs: '20' } });
    // A failing encode leaves the old file and no temp file behind.
    assert.throws(() => writeSafetensorsFile(path, { w: { shape: [3], data: new Float32Array(2) } }));
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    assert.deepEqual(readSafetensorsFile(path).tensors, tensors);
    // Errors name the file.
    writeFileSync(path, 'abc');
    assert.throws(
      () => readSafetensorsFile(path),
      (e: Error) => e.message.startsWith(`${path}: file is 3 bytes`),
    );
    assert.throws(() => writeSafetensorsFile(join(dir, 'missing', 'm.safetensors'), tensors), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encodeSafetensors rejects bad input with a fix', () => {
  assert.throws(
    () => encodeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } }),
    /tensor "w" has shape \[2, 2\] \(4 elements\) but 3 data values/,
  );
  assert.throws(
    () => encodeSafetensors({ w: { shape: [-1], data: new Float32Array(0) } }),
    /shape \[-1\]; a shape must be an array of non-negative integers/,
  );
  assert.throws(
    () => encodeSafetensors({ w: { shape: [1], data: [1] as unknown as Float32Array } }),
    /tensor "w" data must be a Float32Array/,
  );
  assert.throws(
    () => encodeSafetensors({}, { epochs: 20 as unknown as string }),
    /metadata "epochs" is a number \(20\); safetensors metadata values must be strings/,
  );
  assert.throws(
    () => encodeSafetensors({ __metadata__: { shape: [], data: new Float32Array(1) } }),
    /"__metadata__" is reserved/,
  );
});

// One test per corrupt-file case; every message starts with the source name.

test('corrupt: file shorter than 8 bytes', () => {
  assert.match(decodeError(new Uint8Array(5)), /^x\.safetensors: file is 5 bytes, shorter than the 8-byte/);
});

test('corrupt: header length beyond the file', () => {
  const bytes = new Uint8Array(16);
  bytes[0] = 0xe8; // 0x03E8 = 1000
  bytes[1] = 0x03;
  assert.match(
    decodeError(bytes),
    /header length field says 1000 bytes but only 8 bytes follow the 8-byte prefix/,
  );
  bytes[7] = 0xff; // u64 beyond 2^53: 0xFF·2^56 + 1000 = 255·72057594037927936 + 1000 = 18374686479671624680
  assert.match(
    decodeError(bytes),
    /header length field says 18374686479671624680 bytes but only 8 bytes follow/,
  );
});

test('corrupt: header not valid UTF-8', () => {
  const bytes = buildFile('{}      ');
  bytes[9] = 0xff;
  assert.match(decodeError(bytes), /header \(bytes 8\.\.16\) is not valid UTF-8/);
});

test('corrupt: header not valid JSON', () => {
  assert.match(decodeError(buildFile('{"w":{"dtype":')), /header is not valid JSON \(.*\)/);
});

test('corrupt: header JSON is not an object', () => {
  assert.match(decodeError(buildFile('[1,2]')), /header is JSON an array \(\[1,2\]\), not an object/);
});

test('corrupt: tensor entry is not an object', () => {
  assert.match(
    decodeError(buildFile('{"w":7}')),
    /tensor "w" is a number \(7\); expected \{"dtype", "shape"/,
  );
});

test('corrupt: missing dtype', () => {
  assert.match(
    decodeError(buildFile('{"w":{"shape":[2],"data_offsets":[0,8]}}', W_DATA)),
    /tensor "w" has dtype missing; expected a string such as "F32"/,
  );
});

test('corrupt: ill-typed shape', () => {
  for (const shape of ['"2"', '[2.5]', '[-2]', 'null']) {
    const header = `{"w":{"dtype":"F32","shape":${shape},"data_offsets":[0,8]}}`;
    assert.match(
      decodeError(buildFile(header, W_DATA)),
      /tensor "w" has shape .*; expected an array of non-negative/,
    );
  }
});

test('corrupt: missing or ill-typed data_offsets', () => {
  for (const offsets of ['', ',"data_offsets":[0]', ',"data_offsets":[0,"8"]', ',"data_offsets":[-8,0]']) {
    const header = `{"w":{"dtype":"F32","shape":[2]${offsets}}}`;
    assert.match(
      decodeError(buildFile(header, W_DATA)),
      /tensor "w" has data_offsets .*; expected \[begin, end\]/,
    );
  }
});

test('corrupt: reversed data_offsets', () => {
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}';
  assert.match(decodeError(buildFile(header, W_DATA)), /data_offsets \[8, 0\]: end is before begin/);
});

test('corrupt: unsupported dtype', () => {
  const header = '{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}';
  assert.match(
    decodeError(buildFile(header, W_DATA)),
    /tensor "w" has dtype "I64", which this reader does not support; supported: F32, F64, F16, BF16/,
  );
});

test('corrupt: data_offsets do not match shape × dtype size', () => {
  // [2, 2] F32 needs 2·2·4 = 16 bytes, the offsets span 12.
  const header = '{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}';
  assert.match(
    decodeError(buildFile(header, new Array(12).fill(0))),
    /data_offsets \[0, 12\] span 12 bytes but shape \[2, 2\] of F32 \(4 bytes each\) needs 16 bytes/,
  );
});

test('corrupt: overlapping data_offsets', () => {
  // a [0,16) and b [8,24) overlap; the 32 data bytes would hold both.
  const header =
    '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}';
  assert.match(
    decodeError(buildFile(header, new Array(32).fill(0))),
    /tensors "a" \[0, 16\] and "b" \[8, 24\] have overlapping data_offsets/,
  );
});

test('corrupt: data_offsets out of range', () => {
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[100,108]}}';
  assert.match(
    decodeError(buildFile(header, W_DATA)),
    /tensor "w" has data_offsets \[100, 108\], outside the 8-byte data section/,
  );
});

test('corrupt: truncated data', () => {
  const whole = buildFile(W_HEADER, W_DATA);
  assert.match(
    decodeError(whole.subarray(0, whole.length - 3)),
    /header describes 8 bytes of tensor data but only 5 bytes follow it \(3 missing\); the file is truncated/,
  );
});

test('corrupt: gap between tensors', () => {
  const header =
    '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}';
  assert.match(
    decodeError(buildFile(header, new Array(20).fill(0))),
    /data bytes \[8, 12\) before tensor "b" belong to no tensor/,
  );
});

test('corrupt: trailing bytes after the last tensor', () => {
  assert.match(
    decodeError(buildFile(W_HEADER, [...W_DATA, 1, 2, 3, 4])),
    /4 bytes after the last tensor's data belong to no tensor/,
  );
});

test('corrupt: metadata value that is not a string', () => {
  assert.match(
    decodeError(buildFile('{"__metadata__":{"format":"pt","epochs":20}}')),
    /__metadata__\["epochs"\] is a number \(20\); safetensors metadata values must be strings/,
  );
});

test('corrupt: metadata that is not an object', () => {
  assert.match(
    decodeError(buildFile('{"__metadata__":["pt"]}')),
    /"__metadata__" is an array \(\["pt"\]\); it must be an object of string values/,
  );
});

test('non-finite values: an error naming tensor, element and value unless allowNonFinite', () => {
  // F32 NaN = 0x7FC00000 as element 1 of "w" (bytes 00 00 C0 7F).
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const bytes = buildFile(header, [0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0x7f]);
  assert.match(
    decodeError(bytes),
    /^x\.safetensors: tensor "w" holds NaN at element 1 of 2; rnnlab needs finite values.*allowNonFinite: true/,
  );
  const t = decodeSafetensors(bytes, 'mem', { allowNonFinite: true }).tensors.w!;
  assert.equal(t.data[0], 1);
  assert.ok(Number.isNaN(t.data[1]));
  // F16 −∞ = 0xFC00.
  const half = buildFile('{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}', [0x00, 0xfc]);
  assert.match(decodeError(half), /tensor "h" holds -Infinity at element 0 of 1/);
});

test('names in messages: control characters escaped, long names cut, message bounded', () => {
  const evil = `\u001b]0;owned\u0007${'x'.repeat(5000)}`;
  const header = JSON.stringify({ [evil]: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } });
  const message = decodeError(buildFile(header, new Array(8).fill(0)));
  assert.ok(!hasControlChars(message), message);
  assert.match(
    message,
    /^x\.safetensors: tensor "\\x1b\]0;owned\\x07x+… \(\d+ more characters\)" has dtype "I64"/,
  );
  assert.ok(message.length < 400, `${message.length} characters`);
  // A JSON syntax error quoting the bad byte does not echo it raw either.
  assert.ok(!hasControlChars(decodeError(buildFile('{"a":\u001b[2J}'))));
});

test('a "__proto__" metadata key stays an ordinary entry', () => {
  const back = decodeSafetensors(buildFile('{"__metadata__":{"__proto__":"x","k":"v"}}'), 'mem');
  assert.deepEqual(Object.keys(back.metadata), ['__proto__', 'k']);
  assert.equal(Object.getPrototypeOf(back.metadata), Object.prototype);
});

test('maxHeaderBytes: a reader can refuse large headers before parsing them', () => {
  const bytes = buildFile(W_HEADER, W_DATA); // header padded to 56 bytes
  assert.match(decodeError(bytes, { maxHeaderBytes: 48 }), /header is 56 bytes, above the 48-byte limit/);
  assert.deepEqual(decodeSafetensors(bytes, 'mem', { maxHeaderBytes: 56 }).tensors.w!.shape, [2]);
});

test('readSafetensorsFile: a missing path, a directory or a device fail at once naming the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-st-'));
  try {
    const cases: Array<[string, RegExp]> = [
      [
        join(dir, 'nope.safetensors'),
        /: cannot read it \(ENOENT: no such file or directory.*\); check the path$/,
      ],
      [dir, /: is a directory; give the path of a \.safetensors file$/],
      ['/dev/zero', /: is not a regular file; give the path of a \.safetensors file$/],
    ];
    for (const [path, pattern] of cases) {
      assert.throws(
        () => readSafetensorsFile(path),
        (e: Error) =>
          e instanceof SafetensorsError && e.message.startsWith(`${path}: `) && pattern.test(e.message),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
