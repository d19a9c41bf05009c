import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePriceCsv } from '../../src/data/csv.js';
import { parseDateRange, sliceByDate } from '../../src/data/range.js';

const series = parsePriceCsv(
  'Date,Close,Volume\n2020-01-02,1,10\n2020-01-03,2,20\n2020-01-06,3,30\n2020-01-07,4,40\n',
  'four.csv',
);

test('parseDateRange: both sides, open sides, whitespace', () => {
  assert.deepEqual(parseDateRange('2019-03-25:2024-03-20'), { start: '2019-03-25', end: '2024-03-20' });
  assert.deepEqual(parseDateRange('2020-01-01:'), { start: '2020-01-01' });
  assert.deepEqual(parseDateRange(':2020-01-01'), { end: '2020-01-01' });
  assert.deepEqual(parseDateRange(' : '), {});
  assert.deepEqual(parseDateRange('2020-01-01:2020-01-01'), { start: '2020-01-01', end: '2020-01-01' });
});

test('parseDateRange: malformed ranges', () => {
  assert.throws(
    () => parseDateRange('2020-01-01'),
    /invalid date range "2020-01-01": expected exactly one ":"/,
  );
  assert.throws(() => parseDateRange('2020-01-01:2020-02-30'), /end "2020-02-30" is not a calendar date/);
  assert.throws(() => parseDateRange('20-1-1:'), /start "20-1-1" is not a calendar date.*START:END/);
  assert.throws(() => parseDateRange('2021-01-01:2020-01-01'), /start 2021-01-01 is after end 2020-01-01/);
  assert.throws(() => parseDateRange('2020-01-01:2020-01-02:2020-01-03'), /exactly one ":"/);
});

test('sliceByDate keeps both ends inclusive, also between trading days', () => {
  const s = sliceByDate(series, '2020-01-03:2020-01-06');
  assert.deepEqual(s.dates, ['2020-01-03', '2020-01-06']);
  assert.deepEqual(Array.from(s.columns.close!), [2, 3]);
  assert.deepEqual(Array.from(s.columns.volume!), [20, 30]);
  assert.equal(s.rows, 2);
  assert.deepEqual(sliceByDate(series, '2020-01-04:').dates, ['2020-01-06', '2020-01-07']);
  assert.deepEqual(sliceByDate(series, ':2020-01-05').dates, ['2020-01-02', '2020-01-03']);
  assert.equal(sliceByDate(series, ':').rows, 4);
  assert.deepEqual(sliceByDate(series, { start: '2020-01-07' }).dates, ['2020-01-07']);
});

test('sliceByDate copies: editing the slice leaves the series alone', () => {
  const s = sliceByDate(series, '2020-01-02:2020-01-03');
  s.columns.close![0] = 99;
  assert.equal(series.columns.close![0], 1);
});

test('sliceByDate: a range with no rows names the series range', () => {
  assert.throws(
    () => sliceByDate(series, '2020-01-04:2020-01-05'),
    /four\.csv: date range 2020-01-04:2020-01-05 selects no rows; the file covers 2020-01-02:2020-01-07/,
  );
  assert.throws(() => sliceByDate(series, '2021-01-01:'), /selects no rows/);
});

test('control characters in a range are shown escaped', () => {
  assert.throws(
    () => parseDateRange('2020-01-01\u001b[2J:'),
    (e: unknown) =>
      e instanceof Error &&
      e.message.startsWith(
        'invalid date range "2020-01-01\\x1b[2J:": start "2020-01-01\\x1b[2J" is not a calendar',
      ),
  );
  assert.throws(() => sliceByDate(series, '2030-01-01:\n'), /date range 2030-01-01:\\n selects no rows/);
});
