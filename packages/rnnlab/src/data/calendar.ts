/** Business-day arithmetic on ISO dates (YYYY-MM-DD, UTC): weekends skipped, exchange holidays not known. */

/** The `n` weekdays (Monday–Friday) after `date`, ascending. */
export function nextBusinessDays(date: string, n: number): string[] {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new Error(`nextBusinessDays: "${date}" is not a YYYY-MM-DD date`);
  const out: string[] = [];
  while (out.length < n) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** Calendar days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
