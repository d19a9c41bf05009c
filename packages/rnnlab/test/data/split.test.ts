import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sliceByDate } from '../../src/data/range.js';
import { StandardScaler } from '../../src/data/scalers.js';
import { splitWindows } from '../../src/data/split.js';
import { makeWindows, type Windows } from '../../src/data/windows.js';
import { readPriceCsv } from '../../src/node/csv_file.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** n consecutive calendar days from 2020-01-01 (any ascending dates will do). */
function days(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10));
}

/** x = 1..40 with dates; T = 4, h = 1 → 36 windows; window r spans days r..r+4. */
const x40 = Float64Array.from({ length: 40 }, (_, t) => t + 1);
const d40 = days(40);
const w40 = makeWindows({ inputs: x40, seqLen: 4, dates: d40 });
const ids = (a: Int32Array) => Array.from(a);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);

/** Asserts the documented guarantees for any split of `w`. */
function checkGuarantees(w: Windows, s: ReturnType<typeof splitWindows>): void {
  const first = (r: number) => r; // first input day
  const firstTarget = (r: number) => r + w.horizon;
  const last = (r: number) => w.targetIndex[r]!;
  for (const r of s.train.windows)
    assert.ok(last(r) < s.trainEnd, `train window ${r} reaches day ${last(r)}`);
  for (const [part, lo, hi] of [
    [s.val, s.train.end, s.val.end],
    [s.test, s.val.end, s.test.end],
  ] as const) {
    for (const r of part.windows) {
      assert.ok(firstTarget(r) >= lo && last(r) < hi, `window ${r} targets outside its block`);
      if (s.purge === 'span') assert.ok(first(r) >= lo, `window ${r} inputs reach back before day ${lo}`);
    }
  }
  // no test or validation target date inside the training data
  const lastTrainDate = w.dates![s.train.lastDay]!;
  for (const r of [...s.val.windows, ...s.test.windows]) assert.ok(w.dates![firstTarget(r)]! > lastTrainDate);
  // counts add up
  const kept = s.train.windows.length + s.val.windows.length + s.test.windows.length;
  assert.equal(kept + s.dropped.val + s.dropped.test, w.rows);
}

test("default split ('span'): counts, dropped straddlers and block boundaries by hand", () => {
  const s = splitWindows(w40);
  // W = 36: nTrain = ⌊25.2⌋ = 25, nVal = ⌊5.4⌋ = 5, nTest = 6; T - 1 + h = 4 straddlers at each boundary.
  assert.deepEqual(ids(s.train.windows), range(0, 25));
  assert.deepEqual(ids(s.val.windows), [29]); // candidates 25..29, 25..28 start before day 29
  assert.deepEqual(ids(s.test.windows), [34, 35]); // candidates 30..35, 30..33 start before day 34
  assert.deepEqual(s.dropped, { val: 4, test: 4 });
  assert.equal(s.trainEnd, 29); // last train window 24 has its last target on day 28
  assert.deepEqual(
    [s.train.start, s.train.end, s.val.start, s.val.end, s.test.start, s.test.end],
    [0, 29, 29, 34, 34, 40],
  );
  assert.deepEqual([s.train.firstDate, s.train.lastDate], [d40[0], d40[28]]);
  assert.deepEqual([s.val.firstDate, s.val.lastDate], [d40[29], d40[33]]);
  assert.deepEqual([s.test.firstDate, s.test.lastDate], [d40[34], d40[39]]);
  // strict disjointness: last train target date < first validation input date, etc.
  assert.ok(s.train.lastDate! < s.val.firstDate! && s.val.lastDate! < s.test.firstDate!);
  checkGuarantees(w40, s);
});

test("purge 'targets': validation inputs may reach into training days, targets never", () => {
  const s = splitWindows(w40, { purge: 'targets' });
  assert.deepEqual(ids(s.train.windows), range(0, 25));
  assert.deepEqual(ids(s.val.windows), [28, 29]); // window 28: inputs days 28..31, targets 29..32
  assert.deepEqual(ids(s.test.windows), [33, 34, 35]);
  assert.deepEqual(s.dropped, { val: 3, test: 3 });
  assert.equal(s.trainEnd, 29);
  assert.equal(s.val.firstDay, 28); // an input day inside the training block
  checkGuarantees(w40, s);
});

test('horizon 3 drops T - 1 + h straddlers and still keeps every target after the training days', () => {
  const w = makeWindows({ inputs: x40, seqLen: 4, horizon: 3, dates: d40 });
  const s = splitWindows(w, { fractions: { train: 0.5, val: 0.25, test: 0.25 } });
  // W = 34: 17 / 8 / 9 windows; lead 6: val 23..24, test 31..33
  assert.deepEqual(ids(s.val.windows), [23, 24]);
  assert.deepEqual(ids(s.test.windows), [31, 32, 33]);
  assert.equal(s.trainEnd, 23);
  checkGuarantees(w, s);
});

test('a scaler fitted on the training days differs from one fitted on all days and equals the hand value', () => {
  const s = splitWindows(w40);
  const train = new StandardScaler().fit(x40.subarray(0, s.trainEnd)); // values 1..29
  const all = new StandardScaler().fit(x40); // values 1..40
  // 1..m: mean (m+1)/2, unbiased variance m(m+1)/12
  assert.equal(train.mean, 15);
  assert.ok(Math.abs(train.std - Math.sqrt((29 * 30) / 12)) < 1e-12);
  assert.equal(all.mean, 20.5);
  assert.ok(Math.abs(all.std - Math.sqrt((40 * 41) / 12)) < 1e-12);
  assert.notEqual(train.mean, all.mean);
});

test('the tutorial window (1257 days, T = 16): every part non-empty, no leakage', () => {
  const series = sliceByDate(readPriceCsv(`${ROOT}data/dji.csv`), '2019-03-25:2024-03-20');
  const w = makeWindows({ inputs: series.columns.close!, seqLen: 16, dates: series.dates });
  assert.equal(w.rows, 1241);
  const s = splitWindows(w);
  // 868 / 186 / 187 by the fractions, 16 straddlers dropped at each boundary
  assert.deepEqual([s.train.windows.length, s.val.windows.length, s.test.windows.length], [868, 170, 171]);
  assert.equal(s.trainEnd, 884);
  assert.equal(s.train.lastDate, series.dates[883]);
  assert.equal(s.val.firstDate, series.dates[884]);
  assert.equal(s.test.lastDate, '2024-03-20');
  checkGuarantees(w, s);
});

test('too few windows: error names the empty part and the minimum series length', () => {
  const x = Float64Array.from({ length: 20 }, (_, t) => t);
  const w = makeWindows({ inputs: x, seqLen: 4 });
  // W = 16: 11 / 2 / 3; validation's 2 all straddle. Valid from W = 34 on (⌊0.15·34⌋ = 5 > 4), i.e. 38 days.
  assert.throws(
    () => splitWindows(w),
    /16 windows \(series of 20 days, seqLen 4, horizon 1\) leave the validation part empty: the fractions give it 2 windows and all 2 of them straddle .* needs at least 38 days \(34 windows\)/,
  );
  const w37 = makeWindows({ inputs: Float64Array.from({ length: 37 }, (_, t) => t), seqLen: 4 });
  assert.throws(() => splitWindows(w37), /needs at least 38 days/);
  const w38 = makeWindows({ inputs: Float64Array.from({ length: 38 }, (_, t) => t), seqLen: 4 });
  assert.equal(splitWindows(w38).val.windows.length, 1);
});

test('bad fractions', () => {
  assert.throws(
    () => splitWindows(w40, { fractions: { train: 0.8, val: 0.15, test: 0.15 } }),
    /must each be > 0 and sum to 1/,
  );
  assert.throws(() => splitWindows(w40, { fractions: { train: 1, val: 0, test: 0 } }), /must each be > 0/);
});
