import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePriceCsv } from '../../src/data/csv.js';
import { buildFeatures, FEATURE_NAMES, featureColumn } from '../../src/data/features.js';

const s = parsePriceCsv(
  [
    'Date,Open,High,Low,Close,Volume',
    '2020-01-02,101,102,98,100,1000',
    '2020-01-03,100,112,99,110,2000',
    '2020-01-06,111,111,97,99,3000',
  ].join('\n'),
  'three.csv',
);

test('plain columns keep every row', () => {
  const t = buildFeatures(s, ['close', 'open', 'high', 'low', 'volume']);
  assert.equal(t.rows, 3);
  assert.equal(t.offset, 0);
  assert.deepEqual(t.dates, ['2020-01-02', '2020-01-03', '2020-01-06']);
  assert.deepEqual(Array.from(featureColumn(t, 'high')), [102, 112, 111]);
  assert.deepEqual(Array.from(featureColumn(t, 'volume')), [1000, 2000, 3000]);
});

test('log_return = ln(close_t / close_{t-1}); its undefined first row is dropped from every column', () => {
  const t = buildFeatures(s, FEATURE_NAMES);
  assert.deepEqual(t.names, ['close', 'open', 'high', 'low', 'volume', 'log_return']);
  assert.equal(t.rows, 2);
  assert.equal(t.offset, 1);
  assert.deepEqual(t.dates, ['2020-01-03', '2020-01-06']);
  assert.deepEqual(Array.from(featureColumn(t, 'close')), [110, 99]);
  assert.deepEqual(Array.from(featureColumn(t, 'open')), [100, 111]);
  assert.deepEqual(Array.from(featureColumn(t, 'volume')), [2000, 3000]);
  const r = featureColumn(t, 'log_return');
  assert.ok(Math.abs(r[0]! - Math.log(1.1)) < 1e-15);
  assert.ok(Math.abs(r[1]! - Math.log(0.9)) < 1e-15);
  for (const c of t.columns) assert.equal(c.length, t.rows);
});

test('feature errors name the problem and the choices', () => {
  assert.throws(
    () => buildFeatures(s, ['close', 'rsi']),
    /three\.csv: unknown feature "rsi"; available: open, high, low, close, volume, log_return/,
  );
  assert.throws(() => buildFeatures(s, ['close', 'close']), /feature "close" is requested twice/);
  assert.throws(() => buildFeatures(s, []), /no features requested for three\.csv/);
  const noVolume = parsePriceCsv('Date,Close\n2020-01-02,1\n', 'one.csv');
  assert.throws(
    () => buildFeatures(noVolume, ['volume']),
    /unknown feature "volume"; available: close, log_return/,
  );
  assert.throws(
    () => buildFeatures(noVolume, ['log_return']),
    /1 row\(s\) is too few for the features log_return: need at least 2/,
  );
  assert.throws(
    () => featureColumn(buildFeatures(s, ['close']), 'open'),
    /feature "open" is not in this table \(close\)/,
  );
});
