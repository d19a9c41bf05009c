import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataLoader } from '../../src/data/loader.js';
import { mixSeed, mulberry32 } from '../../src/data/random.js';
import { makeWindows } from '../../src/data/windows.js';

// x = 0.1·t for t = 0..29, T = 3 → 27 windows; window r: x = [x_r, x_{r+1}, x_{r+2}], y = [x_{r+1}, …, x_{r+3}]
const series = Float64Array.from({ length: 30 }, (_, t) => 0.1 * t);
const w = makeWindows({ inputs: series, seqLen: 3 });
const epochIds = (l: DataLoader) => [...l].flatMap((b) => Array.from(b.index));

test('mulberry32 matches an independent implementation', () => {
  // values from a separate Python port of mulberry32 (32-bit integer arithmetic)
  const g0 = mulberry32(0);
  assert.deepEqual([g0(), g0(), g0()], [1144304738, 1416247, 958946056]);
  const g42 = mulberry32(42);
  assert.deepEqual([g42(), g42(), g42()], [2581720956, 1925393290, 3661312704]);
  assert.notEqual(mixSeed(1, 0), mixSeed(1, 1));
});

test('batches: shapes, float32 values of each window, last batch smaller', () => {
  const l = new DataLoader(w, { batchSize: 4 });
  assert.equal(l.length, 7); // ⌈27 / 4⌉
  const batches = [...l];
  assert.equal(batches.length, 7);
  assert.deepEqual(batches[0]!.xShape, [4, 3, 1]);
  assert.deepEqual(batches[0]!.yShape, [4, 3]);
  assert.deepEqual(batches[6]!.xShape, [3, 3, 1]);
  assert.deepEqual(Array.from(batches[6]!.index), [24, 25, 26]);
  for (const b of batches) {
    b.index.forEach((r, k) => {
      const xs = [0, 1, 2].map((i) => Math.fround(0.1 * (r + i)));
      const ys = [1, 2, 3].map((i) => Math.fround(0.1 * (r + i)));
      assert.deepEqual(Array.from(b.x.subarray(k * 3, k * 3 + 3)), xs);
      assert.deepEqual(Array.from(b.y.subarray(k * 3, k * 3 + 3)), ys);
    });
  }
});

test('shuffle covers every window exactly once per epoch', () => {
  const l = new DataLoader(w, { batchSize: 4, shuffle: true, seed: 7 });
  for (let e = 0; e < 3; e++) {
    const got = epochIds(l);
    assert.equal(got.length, 27);
    assert.deepEqual(
      [...got].sort((a, b) => a - b),
      Array.from({ length: 27 }, (_, k) => k),
    );
  }
  assert.equal(l.epoch, 3);
});

test('same seed → same order and bytes; new epoch or seed → a new order', () => {
  const a = new DataLoader(w, { batchSize: 5, shuffle: true, seed: 123 });
  const b = new DataLoader(w, { batchSize: 5, shuffle: true, seed: 123 });
  const ba = [...a];
  const bb = [...b];
  assert.deepEqual(
    ba.map((x) => Buffer.from(x.x.buffer).toString('hex')),
    bb.map((x) => Buffer.from(x.x.buffer).toString('hex')),
  );
  assert.deepEqual(epochIds(a), epochIds(b)); // epoch 1 of both
  const a0 = ba.flatMap((x) => Array.from(x.index));
  assert.notDeepEqual(a0, Array.from(a.order(1)));
  assert.deepEqual(a0, Array.from(new DataLoader(w, { batchSize: 5, shuffle: true, seed: 123 }).order(0)));
  assert.notDeepEqual(a0, Array.from(new DataLoader(w, { batchSize: 5, shuffle: true, seed: 124 }).order(0)));
  assert.notDeepEqual(
    a0,
    Array.from({ length: 27 }, (_, k) => k),
  );
  // resuming: setting epoch reproduces that epoch's order
  const c = new DataLoader(w, { batchSize: 5, shuffle: true, seed: 123 });
  c.epoch = 1;
  assert.deepEqual(epochIds(c), Array.from(a.order(1)));
});

test('dropLast and a subset of window ids', () => {
  const l = new DataLoader(w, { batchSize: 4, dropLast: true, shuffle: true, seed: 1 });
  assert.equal(l.length, 6); // ⌊27 / 4⌋
  const batches = [...l];
  assert.ok(batches.every((b) => b.index.length === 4));
  assert.equal(new Set(batches.flatMap((b) => Array.from(b.index))).size, 24);
  const sub = new DataLoader(w, { batchSize: 2, indices: [3, 5, 8] });
  assert.equal(sub.length, 2);
  assert.deepEqual(epochIds(sub), [3, 5, 8]);
});

test('loader errors', () => {
  assert.throws(() => new DataLoader(w, { batchSize: 0 }), /batchSize must be an integer ≥ 1, got 0/);
  assert.throws(
    () => new DataLoader(w, { batchSize: 2, indices: [0, 27] }),
    /indices\[1\] = 27 is not a window id in \[0, 27\)/,
  );
  assert.throws(() => new DataLoader(w, { batchSize: 2, indices: [] }), /no windows to serve/);
  assert.throws(
    () => new DataLoader(w, { batchSize: 4, dropLast: true, indices: [1, 2, 3] }),
    /dropLast with 3 windows and batchSize 4 gives no batch/,
  );
});
