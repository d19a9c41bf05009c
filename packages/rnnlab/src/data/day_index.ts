/**
 * A map from day numbers (see day_number.ts) to row numbers, for finding repeated dates and putting rows in date
 * order while a price file streams in. Stored as pages of 4096 days (16 KB each) allocated when first touched,
 * so a file spanning 30 years costs ~3 pages and the whole calendar range at most 14.6 MB.
 */
import { DAY_SPAN } from './day_number.js';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;

export class DayIndex {
  /** Row + 1 per day (0: no row), by page. */
  private readonly pages: (Int32Array | undefined)[] = new Array(Math.ceil(DAY_SPAN / PAGE_SIZE));
  private first = DAY_SPAN;
  private last = -1;

  /** The row recorded for `day`, or -1. */
  get(day: number): number {
    const page = this.pages[day >> PAGE_BITS];
    return page === undefined ? -1 : page[day & (PAGE_SIZE - 1)]! - 1;
  }

  /** Records `row` (≥ 0) for `day`. */
  set(day: number, row: number): void {
    const p = day >> PAGE_BITS;
    let page = this.pages[p];
    if (page === undefined) {
      page = new Int32Array(PAGE_SIZE);
      this.pages[p] = page;
    }
    page[day & (PAGE_SIZE - 1)] = row + 1;
    if (day < this.first) this.first = day;
    if (day > this.last) this.last = day;
  }

  /** The recorded rows in ascending day order (`count` = how many days were recorded). */
  rowsByDay(count: number): Int32Array {
    const order = new Int32Array(count);
    let k = 0;
    for (let p = this.first >> PAGE_BITS; p <= this.last >> PAGE_BITS && k < count; p++) {
      const page = this.pages[p];
      if (page === undefined) continue;
      for (let i = 0; i < PAGE_SIZE; i++) if (page[i] !== 0) order[k++] = page[i]! - 1;
    }
    return order;
  }
}
