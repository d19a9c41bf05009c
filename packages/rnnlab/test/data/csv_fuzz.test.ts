/**
 * Property-based fuzzing of the CSV reader (issue 9, "Done when"): for thousands of random and mutated inputs
 * the reader returns a clean series (dates valid and ascending, every value finite, bounded printable
 * warnings) or throws a PriceCsvError with a bounded printable message — never another exception, never
 * more than 2 s. Seeded, so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PriceCsvError, parsePriceCsv } from '../../src/data/csv.js';
import { formatPriceCsv } from '../../src/data/format.js';
import { isIsoDate, type PriceSeries } from '../../src/data/series.js';
import { hasUnprintable } from '../../src/util/printable.js';

const MAX_MESSAGE = 500;
const MAX_MS = 2000;

/** Pieces that matter to a price CSV reader, hostile ones included. */
const TOKENS = [
  'Date',
  'Close',
  'Open',
  'High',
  'Low',
  'Volume',
  'Adj Close',
  'Data',
  'Zamkniecie',
  'Price',
  'Ticker',
  'X',
  '2020-01-02',
  '2020-01-03',
  '2020-02-30',
  '20200102',
  '2020-01-02 00:00:00-04:00',
  '0000-01-01',
  '9999-12-31',
  '1',
  '0',
  '-1',
  '1.5',
  '.5',
  '1e400',
  '-1e400',
  '1e-400',
  '1e30',
  '1e308',
  'NaN',
  'null',
  '-',
  '0x10',
  'Infinity',
  '1,5',
  '"',
  '""',
  '"a,b"',
  ' ',
  '\u001b]0;x\u0007',
  '\u001b[2J',
  '\u0000',
  '\u202e',
  '\ud800',
  '\u0085',
  '\n',
  '\r\n',
  '\r',
  ',',
  ';',
  '\t',
  '|',
  '\ufeff',
  '9'.repeat(400),
  'é',
];

/** Token soup: mostly separators, numbers, dates and header names. */
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((t) => t.join(''));

/** A valid price file (random dates, order and prices), then a few edits with hostile tokens. */
const mutatedFile = fc
  .record({
    start: fc.integer({ min: 0, max: 9000 }),
    rows: fc.integer({ min: 1, max: 30 }),
    prices: fc.array(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), { minLength: 30, maxLength: 30 }),
    newestFirst: fc.boolean(),
    delimiter: fc.constantFrom(',', ';', '\t'),
    edits: fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 8 }), token: fc.constantFrom(...TOKENS) }), {
      maxLength: 4,
    }),
  })
  .map(({ start, rows, prices, newestFirst, delimiter, edits }) => {
    const lines = Array.from({ length: rows }, (_, i) => {
      const year = String(start + Math.floor(i / 28)).padStart(4, '0');
      const p = prices[i]!;
      return [`${year}-03-${String((i % 28) + 1).padStart(2, '0')}`, p, p * 1.01, p / 1.01, p, i].join(
        delimiter,
      );
    });
    if (newestFirst) lines.reverse();
    let text = [['Date', 'Open', 'High', 'Low', 'Close', 'Volume'].join(delimiter), ...lines].join('\n');
    for (const { at, cut, token } of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + token + text.slice(i + cut);
    }
    return text;
  });

/** Any text at all, including unpaired surrogates and every control character. */
const anyText = fc.string({ unit: 'binary', maxLength: 300 });

/** Asserts the reader's contract on `text`; returns the series when it parsed. */
function checkReader(text: string, dropInvalid: boolean): PriceSeries | null {
  const started = performance.now();
  let series: PriceSeries;
  try {
    series = parsePriceCsv(text, 'fuzz.csv', { dropInvalid });
  } catch (e) {
    assert.ok(e instanceof PriceCsvError, `not a PriceCsvError: ${String(e)}\n${JSON.stringify(text)}`);
    assert.ok(e.message.length <= MAX_MESSAGE, `${e.message.length} characters: ${e.message}`);
    assert.ok(!hasUnprintable(e.message), JSON.stringify(e.message));
    return null;
  } finally {
    assert.ok(performance.now() - started < MAX_MS, `took over ${MAX_MS} ms: ${JSON.stringify(text)}`);
  }
  assert.ok(series.rows > 0);
  assert.equal(series.dates.length, series.rows);
  series.dates.forEach((d, t) => {
    assert.ok(isIsoDate(d), d);
    if (t > 0) assert.ok(series.dates[t - 1]! < d, `dates not ascending at ${t}`);
  });
  for (const [name, values] of Object.entries(series.columns)) {
    assert.equal(values.length, series.rows, name);
    for (const x of values) assert.ok(Number.isFinite(x), `${name} holds ${x}: ${JSON.stringify(text)}`);
  }
  for (const w of series.warnings) {
    assert.ok(w.length <= MAX_MESSAGE && !hasUnprintable(w), JSON.stringify(w));
  }
  return series;
}

const options = (seed: number, numRuns: number) => ({ seed, numRuns });

test('fuzz: token soup', () => {
  fc.assert(
    fc.property(tokenSoup, fc.boolean(), (text, drop) => {
      checkReader(`Date,Close\n${text}`, drop);
      checkReader(text, drop);
    }),
    options(1, 2000),
  );
});

test('fuzz: valid files with hostile edits; clean results also survive a write and re-read', () => {
  fc.assert(
    fc.property(mutatedFile, fc.boolean(), (text, drop) => {
      const series = checkReader(text, drop);
      if (series === null) return;
      const again = parsePriceCsv(formatPriceCsv(series), 'fuzz.csv');
      assert.deepEqual(again.dates, series.dates);
      assert.deepEqual(again.columns, series.columns);
    }),
    options(2, 2000),
  );
});

test('fuzz: arbitrary text', () => {
  fc.assert(
    fc.property(anyText, fc.boolean(), (text, drop) => {
      checkReader(text, drop);
      checkReader(`Date,Close\n2020-01-02,1\n${text}`, drop);
    }),
    options(3, 1500),
  );
});
