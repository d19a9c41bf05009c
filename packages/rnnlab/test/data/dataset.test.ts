import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sliceByDate } from '../../src/data/range.js';
import { readPriceCsv } from '../../src/node/csv_file.js';
import { DEFAULT_RANGE, defaultDatasetPath, loadDataset } from '../../src/node/dataset.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('defaultDatasetPath resolves the shipped data/dji.csv from the compiled module', () => {
  assert.equal(defaultDatasetPath(), `${ROOT}data/dji.csv`);
  assert.equal(DEFAULT_RANGE, '2019-03-25:2024-03-20');
});

test('data/dji.csv: whole file as documented in data/README.md', () => {
  const s = readPriceCsv(`${ROOT}data/dji.csv`);
  assert.equal(s.rows, 8361);
  assert.equal(s.dates[0], '1992-01-02');
  assert.equal(s.dates.at(-1), '2025-03-17');
  assert.equal(s.columns.close![0], 3172.4);
  assert.equal(s.columns.close![s.rows - 1], 41841.63);
  assert.deepEqual(s.warnings, []);
});

test("the tutorial's window: 1257 rows, first Close 25516.83, last 39512.13", () => {
  const s = sliceByDate(readPriceCsv(`${ROOT}data/dji.csv`), '2019-03-25:2024-03-20');
  assert.equal(s.rows, 1257);
  assert.equal(s.dates[0], '2019-03-25');
  assert.equal(s.dates[1256], '2024-03-20');
  assert.equal(s.columns.close![0], 25516.83);
  assert.equal(s.columns.close![1256], 39512.13);
  // data/README.md's reference rows
  assert.equal(s.columns.close![s.dates.indexOf('2024-03-15')], 38714.77);
  assert.equal(s.columns.close![s.dates.indexOf('2019-03-28')], 25717.46);
  const d = loadDataset();
  assert.deepEqual(d.dates, s.dates);
  assert.deepEqual(d.columns, s.columns);
});
