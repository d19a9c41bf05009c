import { printable } from '../util/printable.js';

/** Longest message: messages are written to stay well below; this is the safety net. */
export const MAX_MESSAGE_LENGTH = 500;

/**
 * The error every problem with a price CSV file is reported as: unreadable, too large, not CSV, a bad header, a
 * bad row. The message names the file (and line and column when there is one) and the fix; values quoted from
 * the file are passed through `printable`, so the message holds no control characters and is bounded in length.
 * As a safety net the whole message is passed through `printable` too, capped at MAX_MESSAGE_LENGTH. `name`
 * stays "Error", so `String(error)` reads as before this class existed.
 */
export class PriceCsvError extends Error {
  /** The file path or URL the text came from, as given (not escaped). */
  readonly source: string;
  /** 1-based line of the problem, when it has one. */
  readonly line: number | undefined;
  /** 1-based column (field index) of the problem, when it has one. */
  readonly column: number | undefined;

  constructor(message: string, source: string, line?: number, column?: number) {
    super(printable(message, MAX_MESSAGE_LENGTH));
    this.source = source;
    this.line = line;
    this.column = column;
  }
}
