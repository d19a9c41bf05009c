/** Issue 9 cases for the CSV reader: control characters, non-finite numbers, absurd jumps, delimiters, hints. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { JUMP_FACTOR, MAX_COLUMNS, PriceCsvError, parsePriceCsv } from '../../src/data/csv.js';
import { readPriceCsv } from '../../src/node/csv_file.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnlab-csv-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The PriceCsvError message `text` is rejected with. */
function rejection(text: string, opts = {}): string {
  try {
    parsePriceCsv(text, 'bad.csv', opts);
  } catch (e) {
    assert.ok(e instanceof PriceCsvError, `not a PriceCsvError: ${String(e)}`);
    return e.message;
  }
  assert.fail('parsed without error');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the tests look for control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

test('control characters in values and headers are shown escaped, never raw', () => {
  const title = '\u001b]0;pwned\u0007';
  const value = rejection(`Date,Close\n2020-01-02,${title}\n`);
  assert.match(value, /^bad\.csv:2:2: column "Close": "\\x1b\]0;pwned\\x07" is not a number\./);
  assert.doesNotMatch(value, CONTROL);
  const header = rejection('Date,\u001b[2JClose\n2020-01-02,1\n');
  assert.match(header, /found columns: "Date", "\\x1b\[2JClose"/);
  assert.doesNotMatch(header, CONTROL);
  const date = rejection('Date,Close\n"2020-01-02\n\u001b[31mred",1\n');
  assert.match(date, /"2020-01-02\\n\\x1b\[31mred" is not a date/);
  const s = parsePriceCsv('Date,Close,Note\n2020-01-02,1,\u009b2J\n', 'ok.csv');
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /ignored column 3 "Note": not numeric \(line 2 holds "\\x9b2J"\)/);
  assert.doesNotMatch(s.warnings[0]!, CONTROL);
});

test('a control character in the file name is escaped too', () => {
  assert.throws(
    () => readPriceCsv(join(dir, 'no\u001b[2Jsuch.csv')),
    (e: unknown) => e instanceof PriceCsvError && /no\\x1b\[2Jsuch\.csv: cannot read/.test(e.message),
  );
});

test('a long value is cut in the message, which stays bounded', () => {
  const message = rejection(`Date,Close\n2020-01-02,${'9x'.repeat(5000)}\n`);
  assert.match(message, /… \(\d+ more characters\)" is not a number/);
  assert.ok(message.length < 500, `${message.length} characters`);
});

test('1e400 is rejected at parse time with file:line:col (price, volume and with dropInvalid)', () => {
  assert.match(
    rejection('Date,Close\n2020-01-02,1\n2020-01-03,1e400\n'),
    /^bad\.csv:3:2: column "Close": 1e400 is beyond the range of a double \(±1\.8e308\)\. Fix: correct the value/,
  );
  assert.match(
    rejection('Date,Close,Volume\n2020-01-02,1,-1e400\n'),
    /^bad\.csv:2:3: column "Volume": -1e400 is beyond/,
  );
  const s = parsePriceCsv('Date,Close\n2020-01-02,1\n2020-01-03,1e400\n', 'some.csv', { dropInvalid: true });
  assert.deepEqual(Array.from(s.columns.close!), [1]);
  assert.match(
    s.warnings[0]!,
    /dropped 1 of 2 data rows: 1 with a number out of range \(first at line 3, column 2/,
  );
});

test('an extra column holding 1e400 is ignored with a warning, never kept as Infinity', () => {
  const s = parsePriceCsv('Date,Close,Dividends\n2020-01-02,1,0\n2020-01-03,2,1e999\n', 'x.csv');
  assert.equal(s.columns.dividends, undefined);
  assert.match(
    s.warnings[0]!,
    /ignored column 3 "Dividends": not numeric \(line 3 holds "1e999", beyond the range/,
  );
});

test(`a day-to-day move over ${JUMP_FACTOR}× is kept with a warning naming the dates and line`, () => {
  const s = parsePriceCsv(
    'Date,Close,Volume\n2020-01-06,100,5\n2020-01-03,1e30,1\n2020-01-02,100,1e9\n2020-01-07,101,0\n',
    'x.csv',
  );
  assert.deepEqual(Array.from(s.columns.close!), [100, 1e30, 100, 101]);
  assert.equal(s.warnings.length, 1, 'volume jumps are not warned about');
  assert.match(
    s.warnings[0]!,
    /^x\.csv: column "Close" jumps from 100 on 2020-01-02 to 1e\+30 on 2020-01-03 \(line 3\), up 1\.00e\+28× \(and 1 more such jump\); .*Check that row\.$/,
  );
  const calm = parsePriceCsv('Date,Close\n2020-01-02,100\n2020-01-03,4999\n2020-01-06,101\n', 'x.csv');
  assert.deepEqual(calm.warnings, []);
  const crash = parsePriceCsv('Date,Low\n2020-01-02,100\n2020-01-03,1.9\n', 'x.csv', { require: ['low'] });
  assert.match(
    crash.warnings[0]!,
    /column "Low" jumps from 100 on 2020-01-02 to 1\.9 on 2020-01-03 .*down 52\.6×/,
  );
});

test('semicolon-, tab- and |-delimited files are read like comma-separated ones', () => {
  const expected = parsePriceCsv('Date,Open,Close\n2020-01-02,1.5,2\n2020-01-03,2,3\n', 'x.csv');
  for (const d of [';', '\t', '|']) {
    const text = `Date${d}Open${d}Close\n2020-01-02${d}1.5${d}2\n2020-01-03${d}2${d}3\n`;
    assert.deepEqual(parsePriceCsv(text, 'x.csv'), expected, JSON.stringify(d));
  }
});

test('a semicolon file with decimal commas says so; one with no delimiter says the delimiter is the problem', () => {
  assert.match(
    rejection('Date;Close\n2020-01-02;1,5\n'),
    /^bad\.csv:2:2: column "Close": "1,5" is not a number\. Fix: .*decimal points, not commas/,
  );
  assert.match(
    rejection('Date Close\n2020-01-02 1\n'),
    /^bad\.csv:1: missing required columns "date", "close"; found columns: "Date Close"\. The header has a single column, so its fields are not separated by commas, semicolons, tabs or "\|"/,
  );
  assert.match(
    rejection('Day;Close\n2020-01-02;1\n'),
    /missing required column "date"; found columns: "Day", "Close"\. \(Fields were split at semicolon/,
  );
});

test('hints name the CLI flag and the API option', () => {
  assert.match(
    rejection('Date,Close\n2020-01-02,\n'),
    /Fix: fill in the value, or load with dropInvalid: true \(API\) \/ --drop-invalid \(CLI\) to drop such rows\.$/,
  );
  assert.throws(
    () => readPriceCsv(join(dir, 'missing.csv')),
    /cannot read price file \(ENOENT\)\. Check the path, or download one with `rnnlab fetch` \(API: fetchStooq\)/,
  );
});

test('a header with more than MAX_COLUMNS columns is refused', () => {
  const header = ['Date', 'Close', ...Array.from({ length: MAX_COLUMNS }, (_, j) => `x${j}`)].join(',');
  assert.match(
    rejection(`${header}\n`),
    new RegExp(`^bad\\.csv:1: the header has ${MAX_COLUMNS + 2} columns, more than the ${MAX_COLUMNS}`),
  );
});

test('every reader error is a PriceCsvError with file, line and column fields', () => {
  try {
    parsePriceCsv('Date,Close\n2020-01-02,0\n', '/data/p.csv');
    assert.fail('parsed');
  } catch (e) {
    assert.ok(e instanceof PriceCsvError);
    assert.deepEqual([e.source, e.line, e.column], ['/data/p.csv', 2, 2]);
    assert.equal(String(e).startsWith('Error: /data/p.csv:2:2: '), true);
  }
});
