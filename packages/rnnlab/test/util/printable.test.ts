import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasUnprintable, printable } from '../../src/util/printable.js';

test('plain text, accents, CJK and emoji pass unchanged', () => {
  assert.equal(printable('Zamknięcie 収盤 📈 C:\\data'), 'Zamknięcie 収盤 📈 C:\\data');
  assert.equal(printable(''), '');
});

test('terminal escape sequences lose their ESC and BEL', () => {
  assert.equal(printable('\u001b]0;owned\u0007'), '\\x1b]0;owned\\x07');
  assert.equal(printable('a\u001b[2Jb'), 'a\\x1b[2Jb');
  assert.equal(printable('\u009b31m'), '\\x9b31m'); // C1 CSI
});

test('newline, carriage return, tab, NUL and DEL are escaped', () => {
  assert.equal(printable('1\n2\r3\t4\u00005\u007f'), '1\\n2\\r3\\t4\\x005\\x7f');
});

test('line separators, bidi overrides, BOM and lone surrogates are escaped; pairs are kept', () => {
  assert.equal(printable('a\u2028b\u202ec\u2067d\ufeff'), 'a\\u{2028}b\\u{202e}c\\u{2067}d\\u{feff}');
  assert.equal(printable('x\ud800y\udc00'), 'x\\u{d800}y\\u{dc00}');
  assert.equal(printable('\ud83d\udcc8'), '📈');
});

test('long text is cut to maxLength with the count of characters left out', () => {
  const out = printable('x'.repeat(1000), 100);
  assert.equal(out.length, 100);
  assert.match(out, /^x+… \(923 more characters\)$/);
  assert.equal(printable('x'.repeat(100), 100), 'x'.repeat(100));
  assert.equal(printable('x'.repeat(300)), 'x'.repeat(300));
  assert.equal(printable('x'.repeat(301)).length, 300);
});

test('escaping counts against maxLength and an escape is never split', () => {
  // 30 ESC characters → 120 characters escaped; 60 allowed: 9 escapes (36) + suffix "… (21 more characters)".
  const out = printable('\u001b'.repeat(30), 60);
  assert.equal(out, `${'\\x1b'.repeat(9)}… (21 more characters)`);
  assert.ok(out.length <= 60);
  // 35 + 4 × 10 = 75 characters escaped; the suffix leaves 38, so the first ESC (4 characters) no longer fits.
  assert.equal(
    printable(`${'a'.repeat(35)}${'\u001b'.repeat(10)}`, 60),
    `${'a'.repeat(35)}… (10 more characters)`,
  );
  assert.equal(printable(`${'a'.repeat(30)}\u001b`, 60), `${'a'.repeat(30)}\\x1b`);
  assert.equal(printable('ab', 1), '… (2 more characters)');
});

test('a surrogate pair is counted and cut as one character', () => {
  const out = printable('📈'.repeat(100), 50);
  assert.ok(out.length <= 50);
  const kept = out.slice(0, out.indexOf('…'));
  assert.equal(kept, '📈'.repeat(kept.length / 2));
  assert.match(out, new RegExp(`… \\(${100 - kept.length / 2} more characters\\)$`));
});

test('every result is free of control characters and bounded, whatever the input', () => {
  const all = Array.from({ length: 0x300 }, (_, i) => String.fromCharCode(i)).join('');
  const out = printable(all, 5000);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters.
  assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f]/);
  assert.ok(printable(all.repeat(50)).length <= 300);
});

test('hasUnprintable finds what printable would escape', () => {
  assert.equal(hasUnprintable('Zamknięcie 📈'), false);
  assert.equal(hasUnprintable('a\u001b[2J'), true);
  assert.equal(hasUnprintable('line\nbreak'), true);
  assert.equal(hasUnprintable('\ud83d\udcc8'), false);
  assert.equal(hasUnprintable('\ud83d'), true);
  assert.equal(hasUnprintable(printable('\u001b\n\ud83d\u202e')), false);
});
