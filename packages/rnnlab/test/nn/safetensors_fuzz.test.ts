/**
 * Property-based fuzzing of the safetensors reader (fast-check, fixed seeds): for random bytes, random headers
 * and mutated valid files, `decodeSafetensors` either returns a well-formed result (finite values, data lengths
 * = Π shape, string metadata) or throws a SafetensorsError with a short, printable message — never another
 * exception, never a slow call.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../src/nn/safetensors.js';

const SOURCE = 'fuzz.safetensors';
/** Longest message accepted: every reading error is a line or two. */
const MAX_MESSAGE = 1000;
const MAX_MS = 2000;

/** Decodes `bytes` and checks the contract above; returns 'ok' or 'error' (for the coverage counts). */
function checkDecode(bytes: Uint8Array): 'ok' | 'error' {
  const t0 = performance.now();
  let outcome: 'ok' | 'error';
  try {
    const { tensors, metadata } = decodeSafetensors(bytes, SOURCE);
    for (const [name, t] of Object.entries(tensors)) {
      assert.ok(Array.isArray(t.shape) && t.shape.every((d) => Number.isSafeInteger(d) && d >= 0), name);
      assert.equal(
        t.data.length,
        t.shape.reduce((a, d) => a * d, 1),
        `${name}: data length vs shape`,
      );
      assert.ok(t.data.every(Number.isFinite), `${name}: non-finite value in a result`);
    }
    for (const v of Object.values(metadata)) assert.equal(typeof v, 'string');
    outcome = 'ok';
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    assert.ok(e.message.startsWith(`${SOURCE}: `), e.message);
    assert.ok(e.message.length <= MAX_MESSAGE, `${e.message.length}-character message`);
    assert.ok(
      !Array.from(e.message).some((c) => c.charCodeAt(0) < 0x20),
      `control character in ${e.message}`,
    );
    outcome = 'error';
  }
  const ms = performance.now() - t0;
  assert.ok(ms < MAX_MS, `${ms} ms`);
  return outcome;
}

/** A file from a header value (serialised as is, padded to 8) and data bytes; `lengthDelta` corrupts the prefix. */
function fileOf(header: unknown, data: Uint8Array, lengthDelta = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) ?? 'undefined');
  const n = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + n + data.length).fill(0x20, 8, 8 + n);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.max(0, n + lengthDelta)), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + n);
  return bytes;
}

const counts = { ok: 0, error: 0 };
const record = (outcome: 'ok' | 'error') => {
  counts[outcome]++;
};

test('random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => record(checkDecode(bytes))),
    { seed: 901, numRuns: 1500 },
  );
});

/** Values likely to break a reader: huge, negative, fractional, non-numbers, deep or long. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    -1,
    0.5,
    2 ** 53,
    2 ** 64,
    1e308,
    -0,
    'F32',
    'I8',
    '',
    [],
    {},
    null,
    [1, 2, 3],
    [0, 2 ** 60],
  ),
);
const dtype = fc.oneof(fc.constantFrom('F32', 'F64', 'F16', 'BF16'), hostileValue);
const shape = fc.oneof(fc.array(fc.nat(4), { maxLength: 3 }), hostileValue);
const offsets = fc.oneof(fc.tuple(fc.nat(80), fc.nat(80)), hostileValue);
const entry = fc.oneof(
  fc.record({ dtype, shape, data_offsets: offsets }, { requiredKeys: [] }),
  hostileValue,
);
const metadata = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
  hostileValue,
);

test('random headers: tensor entries and metadata with hostile fields, prefix length off by a little', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ maxLength: 6 }), entry, { maxKeys: 4 }),
      fc.option(metadata, { nil: undefined }),
      fc.uint8Array({ maxLength: 80 }),
      fc.oneof(fc.constant(0), fc.integer({ min: -9, max: 9 })),
      (tensors, meta, data, delta) => {
        const header = meta === undefined ? tensors : { __metadata__: meta, ...tensors };
        record(checkDecode(fileOf(header, data, delta)));
      },
    ),
    { seed: 902, numRuns: 2500 },
  );
});

/** Valid tensors of small shapes whose values may be NaN or ±∞ (then decoding must refuse them). */
const validTensors = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).filter((n) => n !== '__metadata__'),
  fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }).chain((s) =>
    fc
      .array(fc.float(), {
        minLength: s.reduce((a, d) => a * d, 1),
        maxLength: s.reduce((a, d) => a * d, 1),
      })
      .map((values) => ({ shape: s, data: Float32Array.from(values) })),
  ),
  { maxKeys: 4 },
);

/** One corruption of a byte array: flip a byte, cut the end, insert bytes, or overwrite the length prefix. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('prefix' as const), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = 'at' in m ? m.at % (bytes.length + 1) : 0;
  switch (m.kind) {
    case 'flip': {
      const out = Uint8Array.from(bytes);
      if (out.length > 0) out[at % out.length] = m.value;
      return out;
    }
    case 'cut':
      return bytes.subarray(0, at);
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
    case 'prefix': {
      const out = Uint8Array.from(bytes.length >= 8 ? bytes : new Uint8Array(8));
      new DataView(out.buffer).setBigUint64(0, m.value, true);
      return out;
    }
  }
}

test('valid files (values may be NaN/±∞), then up to 3 byte-level mutations', () => {
  fc.assert(
    fc.property(
      validTensors,
      fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
      fc.array(mutation, { maxLength: 3 }),
      (tensors, meta, mutations) => {
        const bytes = mutations.reduce(mutate, encodeSafetensors(tensors, meta));
        const outcome = checkDecode(bytes);
        record(outcome);
        if (mutations.length === 0) {
          const finite = Object.values(tensors).every((t) => t.data.every(Number.isFinite));
          assert.equal(
            outcome,
            finite ? 'ok' : 'error',
            'an unmodified file decodes iff its values are finite',
          );
        }
      },
    ),
    { seed: 903, numRuns: 2500 },
  );
});

test('the fuzzing reached both outcomes', () => {
  // Guards against generators that only ever produce garbage (or only valid files).
  assert.ok(counts.ok > 500 && counts.error > 2000, JSON.stringify(counts));
});
