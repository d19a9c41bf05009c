/**
 * Property-based fuzzing of checkpoint loading (fast-check, fixed seeds). Starting from a valid checkpoint of a
 * small GRU, random changes to the model config, the data settings (any field replaced by a hostile JSON value
 * or deleted), the tensors (renamed, dropped, reshaped, NaN), the metadata text and the bytes: `decodeCheckpoint`
 * either returns a model and data settings that hold only finite numbers and forecast finite numbers, or throws
 * a CheckpointError with a short message — never another exception, never a slow call.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type CheckpointData, CheckpointError, decodeCheckpoint } from '../../src/forecast/checkpoint.js';
import { SequenceRegressor } from '../../src/forecast/models.js';
import { predictLast } from '../../src/forecast/predict.js';
import { manualSeed } from '../../src/index.js';

const SOURCE = 'fuzz.safetensors';
const MAX_MESSAGE = 1000;
const MAX_MS = 2000;

manualSeed(6);
const base = new SequenceRegressor({ kind: 'gru', inputSize: 2, hiddenSize: 2, numLayers: 1 });
const baseConfig: Record<string, unknown> = { ...base.config };
const standard = { kind: 'standard', mean: 100, std: 5, unbiased: true };
const baseData: Record<string, unknown> = {
  target: 'close',
  features: ['close', 'volume'],
  seqLen: 4,
  scalers: [standard, { kind: 'minmax', min: 0, max: 1e6, range: [0, 1] }],
  targetScaler: standard,
  source: 'data/dji.csv',
  trainedThrough: '2020-01-02',
  dataEnd: '2020-06-30',
  diverged: false,
  seed: 3,
  intervals: {
    levels: [0.8, 0.95],
    relativeHalfWidth: [
      [0.01, 0.02],
      [0.03, null],
    ],
  },
};

interface RawTensor {
  shape: unknown;
  values: number[];
}
const baseTensors = (): Record<string, RawTensor> =>
  Object.fromEntries(
    base.namedParameters().map(([n, p]) => [n, { shape: [...p.shape], values: Array.from(p.data) }]),
  );

/** A safetensors file written by hand, so shapes, names and metadata can be anything (F32 data, 8-padded header). */
function fileOf(tensors: Record<string, RawTensor>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * t.values.length] };
    offset += 4 * t.values.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + n + offset).fill(0x20, 8, 8 + n);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(n), true);
  bytes.set(json, 8);
  let pos = 8 + n;
  for (const t of Object.values(tensors)) for (const v of t.values) view.setFloat32((pos += 4) - 4, v, true);
  return bytes;
}

/** Loads `bytes` and checks the contract above; returns 'ok' or 'error'. */
function checkLoad(bytes: Uint8Array): 'ok' | 'error' {
  const t0 = performance.now();
  let outcome: 'ok' | 'error';
  try {
    const { model, data } = decodeCheckpoint(bytes, SOURCE);
    for (const [name, p] of model.namedParameters()) assert.ok(p.data.every(Number.isFinite), name);
    checkFiniteData(data);
    const T = data.seqLen;
    const F = data.features.length;
    const x = Float32Array.from({ length: T * F }, (_, i) => Math.sin(i));
    assert.ok(predictLast(model, x, 1, T, F).every(Number.isFinite), 'non-finite forecast');
    outcome = 'ok';
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
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

/** Every number in the data settings is finite, except interval widths, which may be +Infinity (unbounded). */
function checkFiniteData(d: CheckpointData): void {
  assert.ok(Number.isSafeInteger(d.seqLen) && d.seqLen >= 1);
  for (const s of [...d.scalers, d.targetScaler]) {
    if (s === null) continue;
    const numbers = s.kind === 'standard' ? [s.mean, s.std] : [s.min, s.max, ...s.range];
    assert.ok(numbers.every(Number.isFinite), JSON.stringify(s));
  }
  if (d.seed !== undefined) assert.ok(Number.isSafeInteger(d.seed));
  if (d.intervals) {
    assert.ok(d.intervals.levels.every((l) => l > 0 && l < 1));
    assert.ok(
      d.intervals.relativeHalfWidth.flat().every((w) => w >= 0),
      'widths >= 0 or +Infinity',
    );
  }
}

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.double(),
  fc.constantFrom(
    -3,
    0,
    1,
    1e6,
    1e300,
    2 ** 53,
    0.5,
    -1e-320,
    '',
    'close',
    'log_return',
    'volume',
    'relu',
    'lstm',
    null,
    [],
    {},
    true,
    '2020-02-30',
    '2021-01-01',
    [0.95, 0.8],
    [null],
    { kind: 'standard', mean: 1e308, std: 1e-320 },
  ),
);

/** A path into the data settings or the config: top-level keys and a few nested ones. */
const dataPath = fc.constantFrom(
  ['target'],
  ['features'],
  ['features', 0],
  ['features', 1],
  ['seqLen'],
  ['scalers'],
  ['scalers', 0],
  ['scalers', 0, 'mean'],
  ['scalers', 0, 'std'],
  ['scalers', 0, 'kind'],
  ['scalers', 1, 'min'],
  ['scalers', 1, 'range'],
  ['scalers', 1, 'range', 1],
  ['targetScaler'],
  ['targetScaler', 'std'],
  ['source'],
  ['trainedThrough'],
  ['dataEnd'],
  ['diverged'],
  ['seed'],
  ['intervals'],
  ['intervals', 'levels'],
  ['intervals', 'levels', 0],
  ['intervals', 'relativeHalfWidth'],
  ['intervals', 'relativeHalfWidth', 0],
  ['intervals', 'relativeHalfWidth', 1, 0],
);
const configPath = fc.constantFrom(
  ['kind'],
  ['inputSize'],
  ['outputSize'],
  ['hiddenSize'],
  ['numLayers'],
  ['nonlinearity'],
  ['dropout'],
);

/** Sets (or, for undefined, deletes) the value at `path` of a deep copy of `root`. */
function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) return copy;
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** Plausible values, so that many changed checkpoints are still valid and get loaded and run. */
const plausible = fc.oneof(
  fc.integer({ min: 1, max: 40 }),
  fc.double({ min: 1e-4, max: 1e4, noNaN: true }),
  fc.boolean(),
  fc.constantFrom('2020-12-31', '2021-03-04', 'close', 'volume', 'open', 'log_return', 'x.csv'),
);

/** Field by field, values of the right type and range: changed checkpoints that are still valid. */
const validChange = fc
  .oneof(
    fc.record({ path: fc.constant(['seqLen']), value: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ path: fc.constant(['seed']), value: fc.nat() }),
    fc.record({ path: fc.constant(['diverged']), value: fc.boolean() }),
    fc.record({
      path: fc.constant(['dataEnd']),
      value: fc.constantFrom('2020-01-02', '2021-03-04', '2024-02-29'),
    }),
    fc.record({ path: fc.constant(['source']), value: fc.string({ maxLength: 40 }) }),
    fc.record({
      path: fc.constant(['scalers', 1, 'max']),
      value: fc.double({ min: 1, max: 1e9, noNaN: true }),
    }),
    fc.record({
      path: fc.constant(['intervals', 'levels', 0]),
      value: fc.double({ min: 0.01, max: 0.94, noNaN: true }),
    }),
    fc.record({
      path: fc.constant(['intervals', 'relativeHalfWidth', 0, 1]),
      value: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(null)),
    }),
  )
  .map(({ path, value }) => ({
    on: 'data' as const,
    path: path as readonly (string | number)[],
    value: value as unknown,
  }));

const plausibleChange = fc.oneof(
  fc.record({ on: fc.constant('data' as const), path: dataPath, value: plausible }),
  fc.record({ on: fc.constant('config' as const), path: configPath, value: plausible }),
);

const change = fc.oneof(
  plausibleChange,
  fc.record({
    on: fc.constant('data' as const),
    path: dataPath,
    value: fc.option(hostile, { nil: undefined }),
  }),
  fc.record({
    on: fc.constant('config' as const),
    path: configPath,
    value: fc.option(hostile, { nil: undefined }),
  }),
  fc.record({ on: fc.constant('rename' as const), index: fc.nat(), name: fc.string({ maxLength: 20 }) }),
  fc.record({ on: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({
    on: fc.constant('reshape' as const),
    index: fc.nat(),
    shape: fc.oneof(fc.array(fc.nat(9), { maxLength: 3 }), hostile),
  }),
  fc.record({
    on: fc.constant('poison' as const),
    index: fc.nat(),
    value: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -3.4e38),
  }),
  fc.record({
    on: fc.constant('text' as const),
    key: fc.constantFrom('rnnlab.model', 'rnnlab.data', 'format'),
    text: fc.string({ maxLength: 30 }),
  }),
);
type Change =
  | (typeof change extends fc.Arbitrary<infer C> ? C : never)
  | { on: 'data'; path: readonly (string | number)[]; value: unknown };

function build(changes: Change[]): Uint8Array {
  let config: unknown = baseConfig;
  let data: unknown = baseData;
  const tensors = baseTensors();
  const texts: Record<string, string> = {};
  for (const c of changes) {
    const names = Object.keys(tensors);
    const pick = (index: number) => names[index % names.length];
    switch (c.on) {
      case 'data':
        data = setAt(data, c.path, c.value);
        break;
      case 'config':
        config = setAt(config, c.path, c.value);
        break;
      case 'rename': {
        const from = pick(c.index);
        if (from !== undefined && c.name !== '__metadata__') {
          const t = tensors[from]!;
          delete tensors[from];
          tensors[c.name] = t;
        }
        break;
      }
      case 'drop': {
        const name = pick(c.index);
        if (name !== undefined) delete tensors[name];
        break;
      }
      case 'reshape': {
        const name = pick(c.index);
        const dims: unknown[] = Array.isArray(c.shape) ? c.shape : [];
        const count = dims.reduce((a: number, d) => a * Number(d), 1);
        // Keep the file well-formed where the shape allows, so the checkpoint checks (not the reader) decide.
        if (name !== undefined)
          tensors[name] = {
            shape: c.shape,
            values: new Array(Number.isSafeInteger(count) ? count : 0).fill(0.1),
          };
        break;
      }
      case 'poison': {
        const name = pick(c.index);
        const t = name === undefined ? undefined : tensors[name];
        if (t !== undefined && t.values.length > 0) t.values[c.index % t.values.length] = c.value;
        break;
      }
      case 'text':
        texts[c.key] = c.text;
        break;
    }
  }
  return fileOf(tensors, {
    format: 'rnnlab-checkpoint/v1',
    'rnnlab.model': JSON.stringify(config),
    'rnnlab.data': JSON.stringify(data),
    ...texts,
  });
}

const counts = { ok: 0, error: 0 };

test('the unmodified base checkpoint loads', () => {
  assert.equal(checkLoad(build([])), 'ok');
});

test('1 to 3 random changes to config, data settings, tensors and metadata text', () => {
  fc.assert(
    fc.property(fc.array(change, { minLength: 1, maxLength: 3 }), (changes) => {
      counts[checkLoad(build(changes))]++;
    }),
    { seed: 911, numRuns: 3000 },
  );
});

test('1 to 3 valid changes to the data settings: the checkpoint loads, keeps them, and forecasts', () => {
  fc.assert(
    fc.property(fc.array(validChange, { minLength: 1, maxLength: 3 }), (changes) => {
      assert.equal(checkLoad(build(changes)), 'ok');
      counts.ok++;
      const { data } = decodeCheckpoint(build(changes), SOURCE);
      const expected = changes.reduce(
        (d: unknown, c) => setAt(d, c.path, c.value),
        baseData,
      ) as CheckpointData;
      const widths = expected.intervals!.relativeHalfWidth.map((row) =>
        row.map((w) => w ?? Number.POSITIVE_INFINITY),
      );
      assert.deepEqual(data, {
        ...expected,
        intervals: { ...expected.intervals!, relativeHalfWidth: widths },
      });
    }),
    { seed: 913, numRuns: 1000 },
  );
});

test('byte-level corruption of a valid checkpoint', () => {
  fc.assert(
    fc.property(fc.nat(), fc.nat(255), fc.boolean(), (at, value, cut) => {
      const bytes = build([]);
      const i = at % bytes.length;
      if (cut) counts[checkLoad(bytes.subarray(0, i))]++;
      else {
        bytes[i] = value;
        counts[checkLoad(bytes)]++;
      }
    }),
    { seed: 912, numRuns: 1500 },
  );
});

test('the fuzzing reached both outcomes', () => {
  assert.ok(counts.ok > 300 && counts.error > 3000, JSON.stringify(counts));
});
