/**
 * Making text from files, servers and metadata safe to print in a terminal message.
 *
 * A CSV value or header can hold `ESC]0;…` (sets the window title), `ESC[2J` (clears the screen), a newline that
 * fakes a second message, or a bidi override that reorders what is shown. `printable` replaces every such
 * character with a visible escape, so the text shows what the file holds and cannot drive the terminal, and
 * bounds its length.
 */

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\n`, `\r`, `\t`; `\xNN` for other codes below 0x100; `\u{NNNN}` above; lone surrogates as `\u{D8xx}`. */
function escapeChar(ch: string): string {
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) return short;
  const code = ch.codePointAt(0)!;
  const hex = code.toString(16).padStart(code < 0x100 ? 2 : 4, '0');
  return code < 0x100 ? `\\x${hex}` : `\\u{${hex}}`;
}

/** Characters to escape, or a surrogate code unit (only escaped when it is not half of a pair). */
const NEEDS_CHECK =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this module's job.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/;

/**
 * `text` with every control character (C0 including newline and tab, DEL, C1, ESC that starts terminal
 * sequences), line separator, bidi control, BOM and lone surrogate replaced by a visible escape such as `\x1b`,
 * `\n` or `\u{202e}`; other characters (accents, CJK, emoji) pass unchanged. Backslashes are not escaped.
 *
 * If the escaped text is longer than `maxLength` characters it is cut at a character boundary (never inside an
 * escape) and ends with `… (N more characters)`, N counting the characters of `text` left out; the result is
 * then at most `maxLength` long (for `maxLength` ≥ 40; below that the suffix alone may exceed it).
 */
export function printable(text: string, maxLength = 300): string {
  if (text.length <= maxLength && !NEEDS_CHECK.test(text)) return text;
  // Each code point gives at least one character, so the first maxLength + 1 code points decide everything.
  const pieces: string[] = [];
  let length = 0;
  for (const ch of text) {
    if (pieces.length > maxLength) break;
    const piece = ch.length === 1 && NEEDS_CHECK.test(ch) ? escapeChar(ch) : ch;
    pieces.push(piece);
    length += piece.length;
  }
  if (length <= maxLength) return pieces.join('');
  const total = codePointCount(text);
  // Keeping more shortens the count in the suffix, which may leave room for more: repeat until it settles.
  let suffix = moreSuffix(total);
  let kept = 0;
  for (;;) {
    let used = 0;
    kept = 0;
    while (kept < pieces.length && used + pieces[kept]!.length <= maxLength - suffix.length) {
      used += pieces[kept++]!.length;
    }
    const shorter = moreSuffix(total - kept);
    if (shorter.length >= suffix.length) break;
    suffix = shorter;
  }
  return pieces.slice(0, kept).join('') + moreSuffix(total - kept);
}

/** Number of code points in `text` (a surrogate pair counts once). */
function codePointCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pairTail = c >= 0xdc00 && c <= 0xdfff && i > 0 && isHighSurrogate(text.charCodeAt(i - 1));
    if (!pairTail) n++;
  }
  return n;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

function moreSuffix(more: number): string {
  return `… (${more} more character${more === 1 ? '' : 's'})`;
}

/** True if `printable` would escape some character of `text` (a control, separator, bidi mark, lone surrogate). */
export function hasUnprintable(text: string): boolean {
  if (!NEEDS_CHECK.test(text)) return false;
  for (const ch of text) if (ch.length === 1 && NEEDS_CHECK.test(ch)) return true;
  return false;
}
