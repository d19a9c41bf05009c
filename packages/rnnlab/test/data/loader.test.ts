import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataLoader } from '../../src/data/loader.js';
import { makeWindows } from '../../src/data/windows.js';
import { nn } from '../../src/index.js';
import { defaultGenerator, Generator, manualSeed } from '../../src/tensor/random.js';

// x = 0.1·t for t = 0..29, T = 3 → 27 windows; window r: x = [x_r, x_{r+1}, x_{r+2}], y = [x_{r+1}, …, x_{r+3}]
const series = Float64Array.from({ length: 30 }, (_, t) => 0.1 * t);
const w = makeWindows({ inputs: series, seqLen: 3 });
const ascending = Array.from({ length: 27 }, (_, k) => k);
const epochIds = (l: DataLoader) => [...l].flatMap((b) => Array.from(b.index));
const epochs = (l: DataLoader, n: number) => Array.from({ length: n }, () => epochIds(l));

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

test('without shuffle every epoch serves `indices` in their order and draws nothing from the generator', () => {
  manualSeed(5);
  const expected = defaultGenerator.nextUint32();
  manualSeed(5);
  assert.deepEqual(epochs(new DataLoader(w, { batchSize: 4 }), 3), [ascending, ascending, ascending]);
  const sub = new DataLoader(w, { batchSize: 2, indices: [8, 3, 5] });
  assert.equal(sub.length, 2);
  assert.deepEqual(epochs(sub, 2), [
    [8, 3, 5],
    [8, 3, 5],
  ]);
  assert.equal(defaultGenerator.nextUint32(), expected);
});

test('shuffle serves every window exactly once per epoch, a new order each epoch', () => {
  manualSeed(7);
  const l = new DataLoader(w, { batchSize: 4, shuffle: true });
  const orders = epochs(l, 4);
  for (const ids of orders) {
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      ascending,
    );
  }
  assert.equal(new Set(orders.map((ids) => ids.join())).size, 4);
  assert.ok(orders.every((ids) => ids.join() !== ascending.join()));
  const sub = new DataLoader(w, { batchSize: 2, shuffle: true, indices: [20, 3, 11, 7, 15] });
  for (const ids of epochs(sub, 3))
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      [3, 7, 11, 15, 20],
    );
});

test('manualSeed(s), build a model, iterate: the same orders and bytes every time; another seed differs', () => {
  const run = (seed: number) => {
    manualSeed(seed);
    const lstm = new nn.LSTM({ inputSize: 1, hiddenSize: 4, numLayers: 2 }); // draws its weights first
    const l = new DataLoader(w, { batchSize: 5, shuffle: true });
    const batches = [...l, ...l, ...l];
    return {
      weights: Array.from(lstm.parameters()[0]!.data),
      ids: batches.map((b) => Array.from(b.index)),
      bytes: batches.map((b) => Buffer.from(b.x.buffer).toString('hex')),
    };
  };
  const a = run(123);
  assert.deepEqual(run(123), a);
  const b = run(124);
  assert.notDeepEqual(b.ids.slice(0, 6), a.ids.slice(0, 6)); // epoch 1 already differs
  assert.notDeepEqual(b.weights, a.weights);
});

test('one 32-bit draw from the generator per shuffled epoch, taken when the iterator is created', () => {
  manualSeed(11);
  defaultGenerator.nextUint32();
  const afterOneDraw = defaultGenerator.nextUint32();
  manualSeed(11);
  epochIds(new DataLoader(w, { batchSize: 4, shuffle: true }));
  assert.equal(defaultGenerator.nextUint32(), afterOneDraw);

  manualSeed(1);
  const l = new DataLoader(w, { batchSize: 4, shuffle: true });
  const first = epochIds(l);
  manualSeed(1);
  const it = l[Symbol.iterator]();
  manualSeed(2); // after the iterator exists: does not change its order
  const ids: number[] = [];
  for (let r = it.next(); !r.done; r = it.next()) ids.push(...r.value.index);
  assert.deepEqual(ids, first);
});

test('an explicit generator is independent of the default one', () => {
  const withOwn = () => new DataLoader(w, { batchSize: 4, shuffle: true, generator: new Generator(9) });
  const reference = epochs(withOwn(), 3);
  const l = withOwn();
  const got: number[][] = [];
  for (const seed of [0, 1, 2]) {
    manualSeed(seed); // reseeding or drawing from the default generator does not move the loader's orders
    defaultGenerator.random();
    got.push(epochIds(l));
  }
  assert.deepEqual(got, reference);
  assert.equal(l.generator instanceof Generator, true);

  manualSeed(3);
  const expected = defaultGenerator.nextUint32();
  manualSeed(3);
  epochIds(withOwn()); // nor does the loader draw from the default generator
  assert.equal(defaultGenerator.nextUint32(), expected);

  const other = new DataLoader(w, { batchSize: 4, shuffle: true, generator: new Generator(10) });
  assert.notDeepEqual(epochs(other, 2), reference.slice(0, 2));
  assert.equal(new DataLoader(w, { batchSize: 4 }).generator, undefined);
});

test('dropLast with shuffle: full batches only, distinct windows', () => {
  manualSeed(1);
  const l = new DataLoader(w, { batchSize: 4, dropLast: true, shuffle: true });
  assert.equal(l.length, 6); // ⌊27 / 4⌋
  const batches = [...l];
  assert.ok(batches.every((b) => b.index.length === 4));
  assert.equal(new Set(batches.flatMap((b) => Array.from(b.index))).size, 24);
});

test('loader errors', () => {
  assert.throws(() => new DataLoader(w, { batchSize: 0 }), /batchSize must be an integer ≥ 1, got 0/);
  assert.throws(
    () => new DataLoader(w, { batchSize: 2, indices: [0, 27] }),
    /indices\[1\] = 27 is not a sample id in \[0, 27\)/,
  );
  assert.throws(() => new DataLoader(w, { batchSize: 2, indices: [] }), /no windows to serve/);
  assert.throws(
    () => new DataLoader(w, { batchSize: 4, dropLast: true, indices: [1, 2, 3] }),
    /dropLast with 3 windows and batchSize 4 gives no batch/,
  );
});
