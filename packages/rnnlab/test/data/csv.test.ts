import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canonicalColumnName, parsePriceCsv } from '../../src/data/csv.js';
import { formatPriceCsv } from '../../src/data/format.js';
import { readPriceCsv } from '../../src/node/csv_file.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/data/', import.meta.url));
const fixture = (name: string) => `${FIXTURES}${name}`;
const arr = (a: Float64Array | undefined) => Array.from(a ?? []);

test('stooq header, rows newest first → sorted ascending with every column aligned', () => {
  const s = readPriceCsv(fixture('stooq_newest_first.csv'));
  assert.equal(s.rows, 5);
  assert.deepEqual(s.dates, ['2024-03-14', '2024-03-15', '2024-03-18', '2024-03-19', '2024-03-20']);
  assert.deepEqual(arr(s.columns.close), [38905.66, 38714.77, 38790.43, 39110.76, 39512.13]);
  assert.deepEqual(arr(s.columns.open), [39122.39, 38809.65, 38826.93, 38819.61, 39072.05]);
  assert.deepEqual(arr(s.columns.volume), [375810000, 774360000, 327950000, 310610000, 336995052]);
  assert.deepEqual(Object.keys(s.columns).sort(), ['close', 'high', 'low', 'open', 'volume']);
  assert.deepEqual(s.warnings, []);
  assert.equal(s.source, fixture('stooq_newest_first.csv'));
});

test('both row orders give the same series', () => {
  const text = readFileSync(fixture('stooq_newest_first.csv'), 'utf8');
  const [header, ...rows] = text.trimEnd().split('\n');
  const ascending = [header, ...rows.reverse()].join('\n');
  assert.deepEqual(parsePriceCsv(ascending, 'x.csv'), parsePriceCsv(text, 'x.csv'));
});

test('Yahoo header with Adj Close → adj_close column', () => {
  const s = readPriceCsv(fixture('yahoo_adj_close.csv'));
  assert.deepEqual(s.dates, ['2019-03-25', '2019-03-26', '2019-03-27']);
  assert.deepEqual(arr(s.columns.adj_close), [25516.83, 25657.73, 25625.59]);
  assert.deepEqual(arr(s.columns.close), [25516.83, 25657.73, 25625.59]);
  assert.deepEqual(arr(s.columns.high), [25603.27, 25796.29, 25758.17]);
});

test("yfinance's three-line Price/Ticker/Date header and Close-first column order", () => {
  const s = readPriceCsv(fixture('yfinance_multiindex.csv'));
  assert.deepEqual(s.dates, ['1992-01-02', '1992-01-03']);
  assert.deepEqual(arr(s.columns.close), [3172.39990234375, 3201.5]);
  assert.deepEqual(arr(s.columns.open), [3152.10009765625, 3172.39990234375]);
  assert.deepEqual(arr(s.columns.volume), [23550000, 23620000]);
});

test("stooq's Polish header (Data, Otwarcie, …, Wolumen)", () => {
  const s = readPriceCsv(fixture('stooq_polish.csv'));
  assert.deepEqual(s.dates, ['2019-03-25', '2019-03-26']);
  assert.deepEqual(arr(s.columns.close), [25516.83, 25657.73]);
  assert.deepEqual(arr(s.columns.low), [25372.26, 25544.78]);
  assert.deepEqual(arr(s.columns.volume), [303120000, 305110000]);
});

test('BOM, CRLF, blank line, mixed-case shuffled columns, numeric and text extra columns', () => {
  const s = readPriceCsv(fixture('bom_crlf_extras.csv'));
  assert.deepEqual(s.dates, ['2020-01-02', '2020-01-03']);
  assert.deepEqual(arr(s.columns.close), [2.25, 3.5]);
  assert.deepEqual(arr(s.columns.open), [2, 3]);
  assert.deepEqual(arr(s.columns.high), [2.5, 3.75]);
  assert.deepEqual(arr(s.columns.low), [1.75, 2.5]);
  assert.deepEqual(arr(s.columns.volume), [0, 100]);
  assert.deepEqual(arr(s.columns.dividends), [0, 0.25]);
  assert.equal(s.columns.ticker, undefined);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /ignored column 4 "Ticker": not numeric \(line 2 holds "ABC"\)/);
});

test('column names: case, separators and aliases', () => {
  assert.equal(canonicalColumnName(' Adj Close '), 'adj_close');
  assert.equal(canonicalColumnName('Adj. Close'), 'adj_close');
  assert.equal(canonicalColumnName('CLOSE'), 'close');
  assert.equal(canonicalColumnName('Zamknięcie'), 'close');
  assert.equal(canonicalColumnName('Data'), 'date');
});

test('dates with a time part and compact YYYYMMDD dates are accepted', () => {
  const s = parsePriceCsv('Date,Close\n2024-03-19 00:00:00-04:00,2\n20240318,1\n', 't.csv');
  assert.deepEqual(s.dates, ['2024-03-18', '2024-03-19']);
  assert.deepEqual(arr(s.columns.close), [1, 2]);
});

test('formatPriceCsv writes the standard header, ascending rows, and reads back identically', () => {
  const s = readPriceCsv(fixture('stooq_newest_first.csv'));
  const text = formatPriceCsv(s);
  const lines = text.split('\n');
  assert.equal(lines[0], 'Date,Open,High,Low,Close,Volume');
  assert.equal(lines[1], '2024-03-14,39122.39,39160.25,38704.36,38905.66,375810000');
  assert.equal(lines[3], '2024-03-18,38826.93,38898.41,38760.79,38790.43,327950000');
  assert.equal(lines.at(-1), '');
  assert.deepEqual(parsePriceCsv(text, s.source), s);
});

test('formatPriceCsv quotes an extra column name holding a comma or quote, so it reads back', () => {
  const s = parsePriceCsv('Date;Close;"a,b";x"y\n2020-01-02;1;2;3\n', 'x.csv');
  const text = formatPriceCsv(s);
  assert.equal(text.split('\n')[0], 'Date,Close,"a,b","x""y"');
  assert.deepEqual(parsePriceCsv(text, 'x.csv'), s);
});

// ---- bad input: one test per case, each message names file, line and column ----

function throwsWith(text: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parsePriceCsv(text, 'bad.csv'),
    (e: unknown) => {
      assert.ok(e instanceof Error);
      for (const p of patterns) assert.match(e.message, p);
      return true;
    },
  );
}

test('duplicate date: names both lines and the Date column', () => {
  throwsWith(
    'Date,Close\n2020-01-02,1\n2020-01-03,2\n2020-01-02,3\n',
    /^bad\.csv:4:1: column "Date": date 2020-01-02 already appears on line 2\./,
    /Fix: keep one row per trading day/,
  );
});

test('unparseable date', () => {
  throwsWith(
    'Close,Date\n1,2020-01-02\n2,2020-13-01\n',
    /^bad\.csv:3:2: column "Date": "2020-13-01" is not a date/,
    /YYYY-MM-DD/,
  );
  throwsWith('Date,Close\n02/01/2020,1\n', /^bad\.csv:2:1: column "Date": "02\/01\/2020" is not a date/);
});

test('unparseable number', () => {
  throwsWith(
    'Date,Open,Close\n2020-01-02,1,2\n2020-01-03,1,"2,5"\n',
    /^bad\.csv:3:3: column "Close": "2,5" is not a number/,
  );
  throwsWith('Date,Open,Close\n2020-01-02,$1,2\n', /^bad\.csv:2:2: column "Open": "\$1" is not a number/);
});

test('empty field', () => {
  throwsWith(
    'Date,Open,Close\n2020-01-02,,2\n',
    /^bad\.csv:2:2: column "Open" is empty\. Fix: fill in the value, or load with dropInvalid/,
  );
});

test('null field', () => {
  throwsWith(
    'Date,Open,High,Close\n2020-01-02,1,2,3\n2020-01-03,null,null,null\n',
    /^bad\.csv:3:2: column "Open" holds "null" \(a missing value\)/,
  );
});

test('NaN field', () => {
  throwsWith(
    'Date,Close,Volume\n2020-01-02,3,NaN\n',
    /^bad\.csv:2:3: column "Volume" holds "NaN" \(not a number\)/,
  );
});

test('non-positive price', () => {
  throwsWith('Date,Low,Close\n2020-01-02,0,3\n', /^bad\.csv:2:2: column "Low": 0 is not a positive price/);
  throwsWith(
    'Date,Low,Close\n2020-01-02,1,-3.5\n',
    /^bad\.csv:2:3: column "Close": -3\.5 is not a positive price/,
  );
});

test('negative volume (zero volume is allowed)', () => {
  assert.deepEqual(arr(parsePriceCsv('Date,Close,Volume\n2020-01-02,3,0\n', 'ok.csv').columns.volume), [0]);
  throwsWith('Date,Close,Volume\n2020-01-02,3,-1\n', /^bad\.csv:2:3: column "Volume": -1 is negative/);
});

test('wrong number of fields', () => {
  throwsWith('Date,Open,Close\n2020-01-02,1\n', /^bad\.csv:2:3: row has 2 fields but the header has 3/);
});

test('missing required column lists the columns found', () => {
  throwsWith(
    'Date,Open,High\n2020-01-02,1,2\n',
    /^bad\.csv:1: missing required column "close"; found columns: "Date", "Open", "High"\./,
  );
  throwsWith('Day,Close\n2020-01-02,1\n', /missing required column "date"; found columns: "Day", "Close"/);
  assert.throws(
    () => parsePriceCsv('Date,Close\n2020-01-02,1\n', 'bad.csv', { require: ['close', 'volume'] }),
    /missing required column "volume"; found columns: "Date", "Close"/,
  );
});

test('two headers meaning the same column', () => {
  throwsWith('Date,Close,close\n2020-01-02,1,1\n', /^bad\.csv:1:3: column "close" repeats column 2 "Close"/);
});

test('empty file, header only, and broken quoting', () => {
  throwsWith('', /^bad\.csv:1: the file is empty/);
  throwsWith('\uFEFF\r\n', /^bad\.csv:1: the file is empty/);
  throwsWith('Date,Close\n', /^bad\.csv: the file has a header but no data rows/);
  throwsWith('Date,Close\n2020-01-02,1\n2020-01-03,"2\n', /^bad\.csv:3: not a well-formed CSV file/);
});

test('unreadable file names the path', () => {
  assert.throws(
    () => readPriceCsv(fixture('no_such_file.csv')),
    /no_such_file\.csv: cannot read price file \(ENOENT\)/,
  );
});

test('dropInvalid drops bad rows and says how many and why', () => {
  const text = [
    'Date,Open,Close',
    '2020-01-06,1,6',
    '2020-01-03,,5', // line 3: empty Open
    '2020-01-02,2,4',
    '2020-01-06,9,9', // line 5: duplicate of line 2, dropped (first kept)
    '2020-01-01,1,null', // line 6: null Close
    '2020-01-07,1,7',
  ].join('\n');
  const s = parsePriceCsv(text, 'some.csv', { dropInvalid: true });
  assert.deepEqual(s.dates, ['2020-01-02', '2020-01-06', '2020-01-07']);
  assert.deepEqual(arr(s.columns.close), [4, 6, 7]);
  assert.deepEqual(arr(s.columns.open), [2, 1, 1]);
  assert.equal(s.warnings.length, 1);
  const w = s.warnings[0]!;
  assert.match(w, /^some\.csv: dropped 3 of 6 data rows: /);
  assert.match(w, /2 with an empty\/null\/NaN field \(first at line 3, column 2: column "Open" is empty\)/);
  assert.match(w, /1 with a duplicate date \(first at line 5, column 1: .*already appears on line 2\)/);
});

test('dropInvalid with every row bad still throws', () => {
  assert.throws(
    () => parsePriceCsv('Date,Close\n2020-01-02,0\n2020-01-03,x\n', 'bad.csv', { dropInvalid: true }),
    /^Error: bad\.csv: no valid data rows left: 2 of 2 data rows/,
  );
});
