/**
 * Calendar dates as day numbers: days since 0000-01-01 in the proleptic Gregorian calendar, so every
 * `YYYY-MM-DD` (years 0000–9999) maps to one integer in [0, DAY_SPAN). A reader keeps 4 bytes per date instead
 * of a string, and dates compare and sort as numbers. Conversions after H. Hinnant's `days_from_civil` /
 * `civil_from_days`: with March-based years (y' = y − [m ≤ 2]), eras of 400 years = 146097 days.
 */

/** Days from 0000-01-01 to 1970-01-01. */
const UNIX_EPOCH_DAY = 719_528;

/** Number of days in years 0000–9999: day numbers run from 0 to DAY_SPAN − 1. */
export const DAY_SPAN = 3_652_425;

/** Day number of year `y`, month `m` (1–12), day `d`; assumes a real date. */
export function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400; // [0, 399]
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1; // [0, 365], March-based
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146_097 + doe - 719_468 + UNIX_EPOCH_DAY;
}

/** `YYYY-MM-DD` of a day number in [0, DAY_SPAN). */
export function isoDate(day: number): string {
  const z = day - UNIX_EPOCH_DAY + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Days in `month` (1–12) of `year`, Gregorian leap rule. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
