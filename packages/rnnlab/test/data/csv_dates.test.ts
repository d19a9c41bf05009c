import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DayIndex } from '../../src/data/day_index.js';
import { DAY_SPAN, dayNumber, isoDate } from '../../src/data/day_number.js';

/** Day number by the JS Date (proleptic Gregorian, UTC): days since 0000-01-01. */
function byDate(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  const origin = new Date(0);
  origin.setUTCFullYear(0, 0, 1);
  return Math.round((t.getTime() - origin.getTime()) / 86_400_000);
}

test('day numbers: fixed points and the span of years 0000–9999', () => {
  assert.equal(dayNumber(0, 1, 1), 0);
  assert.equal(dayNumber(1970, 1, 1), 719_528);
  assert.equal(dayNumber(9999, 12, 31), DAY_SPAN - 1);
  assert.equal(isoDate(0), '0000-01-01');
  assert.equal(isoDate(DAY_SPAN - 1), '9999-12-31');
  assert.equal(isoDate(dayNumber(2024, 2, 29)), '2024-02-29');
  assert.equal(dayNumber(2000, 3, 1) - dayNumber(2000, 2, 28), 2); // 2000 is a leap year
  assert.equal(dayNumber(1900, 3, 1) - dayNumber(1900, 2, 28), 1); // 1900 is not
});

test('day numbers agree with Date and round-trip, every 997th day of the span', () => {
  for (let day = 0; day < DAY_SPAN; day += 997) {
    const iso = isoDate(day);
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    assert.equal(byDate(y, m, d), day, iso);
    assert.equal(dayNumber(y, m, d), day, iso);
  }
});

test('DayIndex: rows by day, ascending, across pages', () => {
  const index = new DayIndex();
  const days = [DAY_SPAN - 1, 5, 0, 4096, 4095, 2_000_000];
  days.forEach((day, row) => {
    index.set(day, row);
  });
  assert.equal(index.get(4096), 3);
  assert.equal(index.get(4097), -1);
  assert.equal(index.get(1_000_000), -1);
  assert.deepEqual(Array.from(index.rowsByDay(days.length)), [2, 1, 4, 3, 5, 0]);
});
