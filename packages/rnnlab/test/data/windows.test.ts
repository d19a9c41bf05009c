import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StandardScaler } from '../../src/data/scalers.js';
import { makeWindows } from '../../src/data/windows.js';
import { readPriceCsv } from '../../src/node/csv_file.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Tensor {
  shape: number[];
  data: number[];
}
interface Section {
  mean: number;
  std: number;
  std_biased: number;
  x_normalized: Tensor;
  X_feature: Tensor;
  Y_label: Tensor;
}
const fx = JSON.parse(readFileSync(`${ROOT}test/fixtures/torch/seed_pipeline.json`, 'utf8')) as {
  num: number;
  seq_len: number;
  rows: number;
  prices: Tensor;
  source: { rows: [number, number] };
  float64: Section;
  float32: Section;
};

function close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: ${a} vs ${e}`);
  }
}

test('seed_pipeline.json prices are the first 40 Close values of data/dji.csv', () => {
  const s = readPriceCsv(`${ROOT}data/dji.csv`);
  const [from, to] = fx.source.rows;
  assert.deepEqual(Array.from(s.columns.close!.subarray(from, to)), fx.prices.data);
});

test('z-score (torch.std, unbiased) and tutorial windows match PyTorch float64 (1e-9 rel, 1e-10 abs)', () => {
  const p = Float64Array.from(fx.prices.data);
  const f = fx.float64;
  const scaler = new StandardScaler().fit(p);
  close([scaler.mean, scaler.std], [f.mean, f.std], 1e-9, 1e-10, 'mean, std');
  close([new StandardScaler({ unbiased: false }).fit(p).std], [f.std_biased], 1e-9, 1e-10, 'std_biased');
  const x = scaler.transform(p);
  close(x, f.x_normalized.data, 1e-9, 1e-10, 'x_normalized');

  const w = makeWindows({ inputs: x, seqLen: fx.seq_len });
  const [rows, T] = f.X_feature.shape as [number, number];
  assert.equal(w.rows, fx.rows);
  assert.equal(rows, fx.num - fx.seq_len);
  assert.deepEqual([w.rows, w.seqLen, w.features, w.horizon], [rows, T, 1, 1]);
  close(w.x, f.X_feature.data, 1e-9, 1e-10, 'X_feature');
  close(w.y, f.Y_label.data, 1e-9, 1e-10, 'Y_label');
});

test('float32 copies of the float64 windows match the PyTorch float32 pipeline (1e-4)', () => {
  const x = new StandardScaler()
    .fit(Float64Array.from(fx.prices.data))
    .transform(Float64Array.from(fx.prices.data));
  const w = makeWindows({ inputs: x, seqLen: fx.seq_len });
  close(Float32Array.from(w.x), fx.float32.X_feature.data, 1e-4, 1e-4, 'X_feature f32');
  close(Float32Array.from(w.y), fx.float32.Y_label.data, 1e-4, 1e-4, 'Y_label f32');
});

test('horizon 2 by hand: x = 10..19, T = 3', () => {
  const x = Float64Array.from({ length: 10 }, (_, t) => 10 + t);
  const w = makeWindows({ inputs: x, seqLen: 3, horizon: 2 });
  assert.equal(w.rows, 6); // 10 - 3 - 2 + 1
  // window r: inputs x[r..r+2] = 10+r..12+r, targets x[r+2..r+4] = 12+r..14+r
  assert.deepEqual(Array.from(w.x.subarray(0, 3)), [10, 11, 12]);
  assert.deepEqual(Array.from(w.y.subarray(0, 3)), [12, 13, 14]);
  assert.deepEqual(Array.from(w.x.subarray(15, 18)), [15, 16, 17]);
  assert.deepEqual(Array.from(w.y.subarray(15, 18)), [17, 18, 19]);
  assert.deepEqual(Array.from(w.lastInputIndex), [2, 3, 4, 5, 6, 7]);
  assert.deepEqual(Array.from(w.targetIndex), [4, 5, 6, 7, 8, 9]);
  assert.equal(w.length, 10);
});

test('multivariate inputs (R, T, F) with a separate target, by hand', () => {
  const a = Float64Array.of(1, 2, 3, 4, 5, 6);
  const b = Float64Array.of(10, 20, 30, 40, 50, 60);
  const c = Float64Array.of(100, 200, 300, 400, 500, 600);
  const dates = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'];
  const w = makeWindows({ inputs: [a, b], target: c, seqLen: 2, dates });
  assert.deepEqual([w.rows, w.seqLen, w.features], [4, 2, 2]);
  assert.equal(w.x.length, 4 * 2 * 2);
  assert.equal(w.y.length, 4 * 2);
  // x[r, i, f]: window 0 = [[1,10],[2,20]], window 3 = [[4,40],[5,50]]
  assert.deepEqual(Array.from(w.x), [1, 10, 2, 20, 2, 20, 3, 30, 3, 30, 4, 40, 4, 40, 5, 50]);
  // y[r, i] = c[r + i + 1]
  assert.deepEqual(Array.from(w.y), [200, 300, 300, 400, 400, 500, 500, 600]);
  assert.deepEqual(Array.from(w.targetIndex), [2, 3, 4, 5]);
  assert.equal(w.dates?.[w.targetIndex[3]!], 'd5');
});

test('a series too short for one window states the minimum length', () => {
  const x = Float64Array.of(1, 2, 3, 4, 5);
  assert.throws(
    () => makeWindows({ inputs: x, seqLen: 4, horizon: 2 }),
    /a series of 5 values is too short for seqLen 4 and horizon 2: need at least seqLen \+ horizon = 6 values/,
  );
  assert.equal(makeWindows({ inputs: x, seqLen: 4 }).rows, 1); // exactly T + h = 5 values
});

test('bad window arguments', () => {
  const x = Float64Array.of(1, 2, 3, 4, 5);
  assert.throws(() => makeWindows({ inputs: x, seqLen: 0 }), /seqLen must be an integer ≥ 1, got 0/);
  assert.throws(() => makeWindows({ inputs: x, seqLen: 2, horizon: 0.5 }), /horizon must be an integer ≥ 1/);
  assert.throws(() => makeWindows({ inputs: [x, x], seqLen: 2 }), /2 input features but no `target`/);
  assert.throws(
    () => makeWindows({ inputs: [x, x.subarray(1)], target: x, seqLen: 2 }),
    /input feature 1 has 4 values but the target has 5/,
  );
  assert.throws(
    () => makeWindows({ inputs: x, seqLen: 2, dates: ['a'] }),
    /1 dates for a series of 5 values/,
  );
  assert.throws(
    () => makeWindows({ inputs: Float64Array.of(1, Number.NaN, 3), seqLen: 1 }),
    /non-finite value \(NaN\) at index 1/,
  );
});
