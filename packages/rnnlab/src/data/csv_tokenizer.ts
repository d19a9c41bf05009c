/**
 * A streaming CSV tokenizer (RFC 4180 with the leniencies of real price files): text is fed in chunks of any
 * size, and each record is handed over as soon as its line ends, with the line it starts on. Nothing but the
 * current record is kept, so memory does not grow with the file.
 *
 * Rules: fields are separated by `delimiter`; records end at LF, CRLF or a lone CR; a field whose first
 * non-blank character is `"` is quoted (it may hold delimiters, line breaks and `""` for a quote, and may be
 * followed only by blanks); a quote inside an unquoted field is an ordinary character. Unquoted fields are
 * trimmed, quoted ones kept as written. Blank lines are skipped.
 */

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/** Limits that keep one malformed record from taking the memory of the whole file. */
export const MAX_FIELDS = 10_000;
export const MAX_FIELD_LENGTH = 100_000;

/** States between characters. */
const UNQUOTED = 0;
const QUOTED = 1;
/** Just read a `"` inside a quoted field: either `""` (a quote) or the closing quote. */
const QUOTE_SEEN = 2;
/** After a closing quote, only blanks may come before the delimiter or line end. */
const AFTER_QUOTE = 3;

/** Malformed CSV: where (1-based line and field) and what. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(detail: string, line: number, column: number) {
    super(detail);
    this.line = line;
    this.column = column;
  }
}

/**
 * Called with each non-blank record's fields and the 1-based line it starts on. The array is reused for the next
 * record: copy it to keep it.
 */
export type CsvRecordHandler = (fields: string[], line: number) => void;

export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly onRecord: CsvRecordHandler;
  private state = UNQUOTED;
  private readonly fields: string[] = [];
  /** Text of the current field carried over from earlier chunks. */
  private carried = '';
  /** The current record so far has a quoted field (so `""` alone is not a blank line). */
  private anyQuoted = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** The previous chunk ended in a CR already counted as a line end; a leading LF belongs to it. */
  private afterCR = false;

  constructor(delimiter: string, onRecord: CsvRecordHandler) {
    this.delimiter = delimiter.charCodeAt(0);
    this.onRecord = onRecord;
  }

  /** Tokenizes `chunk`; throws CsvSyntaxError for a character after a closing quote. */
  write(chunk: string): void {
    const n = chunk.length;
    const delim = this.delimiter;
    let i = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (n > 0 && chunk.charCodeAt(0) === LF) {
        if (this.state === QUOTED) this.carried += '\n';
        i = 1;
      }
    }
    let start = i; // start of the current field's text within this chunk
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case UNQUOTED:
          if (c === delim) {
            this.pushUnquoted(chunk.slice(start, i));
            start = i + 1;
          } else if (c === LF || c === CR) {
            this.pushUnquoted(chunk.slice(start, i));
            i = this.lineEnd(chunk, i, c);
            this.endRecord();
            start = i + 1;
          } else if (
            c === QUOTE &&
            isBlank(this.carried, 0, this.carried.length) &&
            isBlank(chunk, start, i)
          ) {
            this.state = QUOTED;
            this.anyQuoted = true;
            this.quoteLine = this.line;
            this.carried = '';
            start = i + 1;
          }
          break;
        case QUOTED:
          if (c === QUOTE) {
            this.carried += chunk.slice(start, i);
            this.state = QUOTE_SEEN;
            start = i + 1;
          } else if (c === LF) {
            this.line++;
          } else if (c === CR) {
            if (i + 1 === n) this.afterCR = true;
            if (i + 1 === n || chunk.charCodeAt(i + 1) !== LF) this.line++;
          }
          break;
        case QUOTE_SEEN:
          if (c === QUOTE) {
            this.state = QUOTED;
            start = i; // the second quote is kept
          } else if (c === SPACE || (c === TAB && delim !== TAB)) {
            this.state = AFTER_QUOTE;
          } else {
            i = this.afterClosingQuote(chunk, i, c);
            start = i + 1;
          }
          break;
        default: // AFTER_QUOTE
          if (!(c === SPACE || (c === TAB && delim !== TAB))) {
            i = this.afterClosingQuote(chunk, i, c);
            start = i + 1;
          }
      }
    }
    if (this.state === UNQUOTED || this.state === QUOTED) {
      this.carried += chunk.slice(start, n);
      if (this.carried.length > MAX_FIELD_LENGTH) this.tooLong();
    }
  }

  /** Ends the input; throws CsvSyntaxError if a quoted field is still open. */
  end(): void {
    if (this.state === QUOTED) {
      throw new CsvSyntaxError(
        `the quoted field opened on line ${this.quoteLine} is never closed`,
        this.quoteLine,
        this.fields.length + 1,
      );
    }
    if (this.state === UNQUOTED) this.pushUnquoted('');
    else this.pushQuoted();
    this.endRecord();
  }

  /** Handles the character after a closing quote (and blanks): a delimiter, a line end, or an error. */
  private afterClosingQuote(chunk: string, i: number, c: number): number {
    if (c === this.delimiter) {
      this.pushQuoted();
      return i;
    }
    if (c === LF || c === CR) {
      this.pushQuoted();
      const end = this.lineEnd(chunk, i, c);
      this.endRecord();
      return end;
    }
    const shown = c < 32 || c === 127 ? `\\x${c.toString(16).padStart(2, '0')}` : chunk[i];
    throw new CsvSyntaxError(
      `"${shown}" follows the closing quote of field ${this.fields.length + 1}; a quoted field must be followed ` +
        'by the delimiter or the end of the line',
      this.line,
      this.fields.length + 1,
    );
  }

  /** Counts the line end at `i` (CRLF as one); returns the index of its last character. */
  private lineEnd(chunk: string, i: number, c: number): number {
    this.line++;
    if (c === CR) {
      if (i + 1 === chunk.length) this.afterCR = true;
      else if (chunk.charCodeAt(i + 1) === LF) return i + 1;
    }
    return i;
  }

  private pushUnquoted(tail: string): void {
    const text = this.carried === '' ? tail : this.carried + tail;
    this.carried = '';
    this.push(text.trim());
  }

  private pushQuoted(): void {
    this.state = UNQUOTED;
    const text = this.carried;
    this.carried = '';
    this.push(text);
  }

  private push(field: string): void {
    if (field.length > MAX_FIELD_LENGTH) this.tooLong();
    if (this.fields.length === MAX_FIELDS) {
      throw new CsvSyntaxError(
        `the record has more than ${MAX_FIELDS} fields, far more than a price file has`,
        this.recordLine,
        MAX_FIELDS + 1,
      );
    }
    this.fields.push(field);
  }

  private tooLong(): never {
    throw new CsvSyntaxError(
      `field ${this.fields.length + 1} is longer than ${MAX_FIELD_LENGTH} characters, far longer than a price ` +
        'file holds',
      this.recordLine,
      this.fields.length + 1,
    );
  }

  /** Hands the record over, then reuses its array (one array for the whole file: less garbage per row). */
  private endRecord(): void {
    const fields = this.fields;
    const line = this.recordLine;
    this.recordLine = this.line;
    const blank = fields.length === 1 && fields[0] === '' && !this.anyQuoted;
    this.anyQuoted = false;
    if (!blank) this.onRecord(fields, line);
    fields.length = 0;
  }
}

/** True if `s[from, to)` is empty or only spaces and tabs. */
function isBlank(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}
