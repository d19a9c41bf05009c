/**
 * Crafted and damaged checkpoints: each is rejected in well under a second, before any model is built, with a
 * CheckpointError that names the file, the field and the fix; the optional metadata fields round-trip and are
 * validated.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type CheckpointData, CheckpointError, decodeCheckpoint } from '../../src/forecast/checkpoint.js';
import { SequenceRegressor } from '../../src/forecast/models.js';
import { manualSeed } from '../../src/index.js';
import { encodeSafetensors } from '../../src/nn/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/node/checkpoint_file.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnlab-ckpt-hostile-'));
const scaler = { kind: 'standard' as const, mean: 30000, std: 3000, unbiased: true };
const goodData: CheckpointData = {
  target: 'close',
  features: ['close'],
  seqLen: 16,
  scalers: [scaler],
  targetScaler: scaler,
  source: 'data/dji.csv',
  trainedThrough: '2022-01-03',
};
manualSeed(4);
const model = new SequenceRegressor({ kind: 'lstm', hiddenSize: 4, numLayers: 2 });
const goodConfig = model.config;
const goodTensors = () =>
  Object.fromEntries(
    model.namedParameters().map(([n, p]) => [n, { shape: [...p.shape], data: Float32Array.from(p.data) }]),
  );

/** Writes a checkpoint file whose metadata is exactly what it is given (no checks), returns its path. */
function craft(
  name: string,
  parts: {
    config?: unknown;
    data?: unknown;
    tensors?: ReturnType<typeof goodTensors>;
    meta?: Record<string, string>;
  },
): string {
  const path = join(dir, `${name}.safetensors`);
  const bytes = encodeSafetensors(parts.tensors ?? goodTensors(), {
    format: 'rnnlab-checkpoint/v1',
    'rnnlab.model': JSON.stringify(parts.config ?? goodConfig),
    'rnnlab.data': JSON.stringify(parts.data ?? goodData),
    ...parts.meta,
  });
  writeFileSync(path, bytes);
  return path;
}

/** loadCheckpoint's CheckpointError message; asserts the error class, the path prefix, the bound and the time. */
function rejection(path: string, maxMs = 1000): string {
  const t0 = performance.now();
  try {
    loadCheckpoint(path);
  } catch (e) {
    const ms = performance.now() - t0;
    assert.ok(e instanceof CheckpointError, `${(e as Error).constructor.name}: ${(e as Error).message}`);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.ok(e.message.length < 1000, `${e.message.length} characters`);
    assert.ok(ms < maxMs, `${ms} ms to reject`);
    return e.message;
  }
  assert.fail(`${path} was accepted`);
}

describe('crafted model configs are rejected before any model is built', () => {
  test('numLayers 1e6 (was 70 s, 4.7 GB) and hiddenSize 1e5 (was 22 s, 1.1 GB)', () => {
    assert.match(
      rejection(craft('layers', { config: { ...goodConfig, numLayers: 1e6 } })),
      /: metadata "rnnlab\.model": numLayers must be an integer in \[1, 100\], got 1000000\. Re-save it/,
    );
    assert.match(
      rejection(craft('hidden', { config: { ...goodConfig, hiddenSize: 1e5 } })),
      /: metadata "rnnlab\.model": hiddenSize must be an integer in \[1, 65536\], got 100000\./,
    );
  });

  test('a config within bounds that the tensors do not fit: names and shapes compared, message short', () => {
    assert.match(
      rejection(craft('wide', { config: { ...goodConfig, hiddenSize: 5000 } })),
      /its tensors do not fit the model its metadata declares, lstm \(inputSize 1, hiddenSize 5000, numLayers 2, outputSize 1\): the file has 10 tensors, the config implies 10; size mismatch: lstm\.weight_ih_l0 is \[16, 1\], expected \[20000, 1\], .*, … \(4 more\)\. Re-save/,
    );
    const t = goodTensors();
    delete t['linear.bias'];
    t['lstm.weight_ih_l9'] = { shape: [1], data: new Float32Array(1) };
    assert.match(
      rejection(craft('renamed', { tensors: t })),
      /the file has 10 tensors, the config implies 10; missing linear\.bias; unexpected "lstm\.weight_ih_l9"/,
    );
  });

  test('20 000 extra tensors: a short message; a 19 MB header: refused before parsing', () => {
    const many = goodTensors();
    for (let i = 0; i < 20_000; i++) many[`x${i}`] = { shape: [0], data: new Float32Array(0) };
    assert.match(
      // Parsing a 1.2 MB header takes ~50 ms; the bound leaves room for a loaded machine.
      rejection(craft('many', { tensors: many }), 5000),
      /the file has 20010 tensors, the config implies 10; unexpected "x0", "x1", "x2", "x3", "x4", … \(19995 more\)/,
    );
    for (let i = 20_000; i < 300_000; i++) many[`x${i}`] = { shape: [0], data: new Float32Array(0) };
    assert.match(
      rejection(craft('huge', { tensors: many })),
      /: header is \d+ bytes, above the 4000000-byte limit of this reader/,
    );
  });

  test('unknown kind, a non-object config, invalid JSON, a missing key, a foreign file', () => {
    assert.match(
      rejection(craft('kind', { config: { ...goodConfig, kind: 'transformer' } })),
      /"rnnlab\.model": unknown model "transformer": choose one of drnn, brnn, lstm, gru/,
    );
    assert.match(rejection(craft('arr', { config: [1] })), /"rnnlab\.model": it is \[1\], not an object/);
    assert.match(
      rejection(craft('json', { meta: { 'rnnlab.data': '{"target": "close",' } })),
      /metadata "rnnlab\.data" is not valid JSON \(/,
    );
    assert.match(
      rejection(craft('fmt', { meta: { format: 'other/v9' } })),
      /metadata "format" is "other\/v9", expected "rnnlab-checkpoint\/v1": not an rnnlab checkpoint\. Give a file/,
    );
  });
});

describe('weights and data settings are validated', () => {
  test('a NaN weight (was: predicts "NaN (NaN%)") is an error naming the tensor and element', () => {
    const t = goodTensors();
    t['lstm.weight_hh_l1']!.data[7] = Number.NaN;
    assert.match(
      rejection(craft('nan', { tensors: t })),
      /: weight "lstm\.weight_hh_l1" holds NaN at element 7 of 64: its training diverged or the file is damaged\. Retrain/,
    );
    t['lstm.weight_hh_l1']!.data[7] = Number.POSITIVE_INFINITY;
    assert.match(
      rejection(craft('inf', { tensors: t, data: { ...goodData, diverged: true } })),
      /holds Infinity at element 7 of 64: the checkpoint is marked as diverged/,
    );
  });

  const cases: Array<[string, unknown, RegExp]> = [
    [
      'target volume (was: +Infinity%)',
      { target: 'volume' },
      /"target" is "volume"; expected "close" or "log_return"/,
    ],
    [
      'target log_return with a price scaler (was: +Infinity%)',
      { target: 'log_return' },
      /"targetScaler" is \{"kind":"standard","mean":30000,.*statistics of daily log returns lie within ±1/,
    ],
    [
      'missing scalers (was: Cannot read properties of undefined)',
      { scalers: undefined },
      /"scalers" is missing; expected one scaler \(or null\) per feature, 1 in all/,
    ],
    [
      'seqLen -3 (was: Invalid typed array length)',
      { seqLen: -3 },
      /"seqLen" is -3; expected an integer in \[1, 10000\]/,
    ],
    ['seqLen 1e9', { seqLen: 1e9 }, /"seqLen" is 1000000000; expected an integer in \[1, 10000\]/],
    ['seqLen "16"', { seqLen: '16' }, /"seqLen" is "16"; expected an integer/],
    [
      'std 0',
      { scalers: [{ ...scaler, std: 0 }], targetScaler: { ...scaler, std: 0 } },
      /"scalers"\[0\] \(feature close\) is .*a standard scaler needs a mean and a std > 0 within ±1e15/,
    ],
    [
      'minmax with max < min',
      { scalers: [{ kind: 'minmax', min: 5, max: 1, range: [0, 1] }] },
      /a minmax scaler needs min < max and a range \[lo, hi\] with lo < hi/,
    ],
    [
      'unknown scaler kind',
      { scalers: [{ kind: 'robust' }] },
      /"scalers"\[0\] \(feature close\) has kind "robust"/,
    ],
    [
      'targetScaler differs from the target feature’s scaler',
      { targetScaler: { ...scaler, mean: 1 } },
      /"targetScaler" differs from the scaler of the target feature "close"/,
    ],
    [
      'a feature name with a terminal escape',
      { features: ['\u001b[2Jclose'] },
      /"features"\[0\] is "\\u001b\[2Jclose"; expected a column name/,
    ],
    [
      'two features for a one-input model',
      { features: ['close', 'open'], scalers: [scaler, null] },
      /"features" has 2 names but the model takes inputSize 1/,
    ],
    ['duplicate features', { features: ['close', 'close'] }, /"features" lists "close" twice/],
    [
      'trainedThrough not a date',
      { trainedThrough: '2022-02-30' },
      /"trainedThrough" is "2022-02-30"; expected a date YYYY-MM-DD/,
    ],
    [
      'dataEnd before trainedThrough',
      { dataEnd: '2021-12-31' },
      /"dataEnd" 2021-12-31 is before "trainedThrough" 2022-01-03/,
    ],
    ['diverged "yes"', { diverged: 'yes' }, /"diverged" is "yes"; expected true or false/],
    ['seed -1', { seed: -1 }, /"seed" is -1; expected an integer in \[0, 2\^53 - 1\]/],
    ['seed 2^53', { seed: 2 ** 53 }, /"seed" is 9007199254740992; expected an integer/],
    [
      'interval levels not increasing',
      { intervals: { levels: [0.95, 0.8], relativeHalfWidth: [[0.01], [0.02]] } },
      /"intervals" "levels" is \[0\.95,0\.8\]; expected 1 to 16 increasing levels in \(0, 1\)/,
    ],
    [
      'a negative interval width',
      { intervals: { levels: [0.8], relativeHalfWidth: [[0.01, -0.02]] } },
      /"intervals" "relativeHalfWidth"\[0\]\[1\] is -0\.02; expected a number >= 0/,
    ],
    [
      'interval rows of different lengths',
      { intervals: { levels: [0.8, 0.95], relativeHalfWidth: [[0.01, 0.02], [0.03]] } },
      /"relativeHalfWidth"\[1\] is \[0\.03\]; expected 1 to 1000 widths, as many in every row/,
    ],
  ];
  for (const [name, change, pattern] of cases) {
    test(`rnnlab.data: ${name}`, () => {
      const message = rejection(
        craft(name.replace(/\W+/g, '_'), { data: { ...goodData, ...(change as object) } }),
      );
      assert.match(message, /: metadata "rnnlab\.data": /);
      assert.match(message, pattern);
      assert.match(message, /Re-save it with `rnnlab train --save`\.$/);
    });
  }

  test('not a file, a directory, a truncated file: CheckpointError naming the path', () => {
    assert.match(rejection(join(dir, 'absent.safetensors')), /cannot read it \(ENOENT/);
    assert.match(rejection(dir), /is a directory/);
    const path = craft('cut', {});
    writeFileSync(path, encodeSafetensors(goodTensors()).subarray(0, 30));
    assert.match(rejection(path), /truncated/);
  });
});

describe('optional metadata: dataEnd, diverged, seed, intervals', () => {
  test('round trip; an unbounded (Infinity) width is stored as null and loads as Infinity', () => {
    const path = join(dir, 'full.safetensors');
    const data: CheckpointData = {
      ...goodData,
      dataEnd: '2023-06-30',
      diverged: false,
      seed: 9,
      intervals: {
        levels: [0.8, 0.95],
        relativeHalfWidth: [
          [0.011, 0.016],
          [0.02, Number.POSITIVE_INFINITY],
        ],
      },
    };
    saveCheckpoint(path, model, goodConfig, data);
    const loaded = loadCheckpoint(path);
    assert.deepEqual(loaded.data, data);
    assert.deepEqual(loaded.model.config, goodConfig);
  });

  test('a checkpoint without the optional fields (older rnnlab) loads without them', () => {
    const loaded = loadCheckpoint(craft('old', {}));
    assert.deepEqual(loaded.data, goodData);
    assert.ok(!('intervals' in loaded.data) && !('seed' in loaded.data));
  });

  test('unknown data keys are dropped; a "__proto__" key does not change the result’s prototype', () => {
    const path = craft('proto', {
      meta: { 'rnnlab.data': `${JSON.stringify(goodData).slice(0, -1)},"__proto__":{"x":1},"extra":2}` },
    });
    const { data } = loadCheckpoint(path);
    assert.deepEqual(data, goodData);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
  });

  test('NaN widths are accepted only for a model marked as diverged', () => {
    const q = { levels: [0.8], relativeHalfWidth: [[Number.NaN]] };
    assert.throws(
      () => saveCheckpoint(join(dir, 'nanq.safetensors'), model, goodConfig, { ...goodData, intervals: q }),
      /cannot save: checkpoint data "intervals" "relativeHalfWidth"\[0\]\[0\] is NaN; expected a number >= 0/,
    );
    const path = join(dir, 'nanq-diverged.safetensors');
    saveCheckpoint(path, model, goodConfig, { ...goodData, diverged: true, intervals: q });
    assert.deepEqual(loadCheckpoint(path).data.intervals, {
      levels: [0.8],
      relativeHalfWidth: [[Number.POSITIVE_INFINITY]],
    });
  });

  test('saveCheckpoint refuses data that loading would reject, and writes nothing', () => {
    const path = join(dir, 'refused.safetensors');
    assert.throws(
      () => saveCheckpoint(path, model, goodConfig, { ...goodData, seqLen: 0 }),
      (e: Error) =>
        e instanceof CheckpointError &&
        e.message ===
          `${path}: cannot save: checkpoint data "seqLen" is 0; expected an integer in [1, 10000]`,
    );
    assert.ok(!existsSync(path));
  });

  test('decodeCheckpoint reads the same bytes from memory', () => {
    const bytes = encodeSafetensors(goodTensors(), {
      format: 'rnnlab-checkpoint/v1',
      'rnnlab.model': JSON.stringify(goodConfig),
      'rnnlab.data': JSON.stringify({ ...goodData, seed: 3 }),
    });
    assert.equal(decodeCheckpoint(bytes, 'mem').data.seed, 3);
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, 20), 'mem'), /^CheckpointError: mem: /);
  });
});
