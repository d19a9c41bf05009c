import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CsvSyntaxError, CsvTokenizer, MAX_FIELD_LENGTH, MAX_FIELDS } from '../../src/data/csv_tokenizer.js';

/** Records of `chunks` fed in order, as [line, ...fields]. */
function tokenize(chunks: string[], delimiter = ','): (string | number)[][] {
  const out: (string | number)[][] = [];
  const t = new CsvTokenizer(delimiter, (fields, line) => out.push([line, ...fields]));
  for (const c of chunks) t.write(c);
  t.end();
  return out;
}

test('fields, trimming, blank lines and the line each record starts on', () => {
  assert.deepEqual(tokenize(['a, b ,c\n\n  \n1,2,3']), [
    [1, 'a', 'b', 'c'],
    [4, '1', '2', '3'],
  ]);
});

test('LF, CRLF and lone CR all end a record', () => {
  assert.deepEqual(tokenize(['a\r\nb\rc\nd']), [
    [1, 'a'],
    [2, 'b'],
    [3, 'c'],
    [4, 'd'],
  ]);
});

test('quoted fields keep delimiters, line breaks, doubled quotes and blanks; the next record starts later', () => {
  assert.deepEqual(tokenize(['"a,b"," x ","say ""hi""",  "q"  \n"two\nlines",z\nlast']), [
    [1, 'a,b', ' x ', 'say "hi"', 'q'],
    [2, 'two\nlines', 'z'],
    [4, 'last'],
  ]);
  assert.deepEqual(tokenize(['""\n']), [[1, '']]);
});

test('a quote inside an unquoted field is an ordinary character', () => {
  assert.deepEqual(tokenize(['12"3,x']), [[1, '12"3', 'x']]);
});

test('other delimiters: semicolon and tab (a tab is then not trimmed away as a blank)', () => {
  assert.deepEqual(tokenize(['a;b,c\n'], ';'), [[1, 'a', 'b,c']]);
  assert.deepEqual(tokenize(['a\t\tb\n'], '\t'), [[1, 'a', '', 'b']]);
});

test('malformed input: text after a closing quote, an unclosed quote, too many fields, a huge field', () => {
  const fails = (chunks: string[], line: number, pattern: RegExp) =>
    assert.throws(
      () => tokenize(chunks),
      (e: unknown) => e instanceof CsvSyntaxError && e.line === line && pattern.test(e.message),
    );
  fails(['a\n"b"c,d\n'], 2, /"c" follows the closing quote of field 1/);
  fails(['a\n"b"\u001b\n'], 2, /"\\x1b" follows the closing quote/);
  fails(['a\nb,"c\nd\n'], 2, /the quoted field opened on line 2 is never closed/);
  fails([`x\n${','.repeat(MAX_FIELDS)}\n`], 2, new RegExp(`more than ${MAX_FIELDS} fields`));
  fails(['x\n', 'y'.repeat(MAX_FIELD_LENGTH), 'y'], 2, /field 1 is longer than/);
});

/** Text made of the characters that matter to a CSV tokenizer. */
const csvText = fc
  .array(fc.constantFrom('a', '1', ' ', ',', ';', '"', '""', '\n', '\r', '\r\n', '\t', 'é', '📈'), {
    maxLength: 80,
  })
  .map((parts) => parts.join(''));

test('split anywhere: feeding any chunks gives the same records (or error) as the whole text', () => {
  const outcome = (chunks: string[]) => {
    try {
      return tokenize(chunks);
    } catch (e) {
      assert.ok(e instanceof CsvSyntaxError, String(e));
      return `${e.line}:${e.column}: ${e.message}`;
    }
  };
  fc.assert(
    fc.property(csvText, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...points].map((p, k) => text.slice(p, points[k] ?? text.length));
      assert.deepEqual(outcome(chunks), outcome([text]));
    }),
    { seed: 9, numRuns: 2000 },
  );
});
