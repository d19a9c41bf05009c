/** Text and number formatting shared by the HTML page and the terminal table. */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** JSON that is safe inside a `<script>` element: no `</script>`, `<!--` or line separators survive. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export const NA = 'n/a';

/** Fixed decimals with thousands separators; "n/a" for non-finite values. */
export function fmtNumber(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return NA;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Like fmtNumber with an explicit sign: "+12.30", "−4.00". */
export function fmtSigned(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return NA;
  const body = fmtNumber(Math.abs(value), decimals);
  if (Number(body.replace(/,/g, '')) === 0) return body;
  return value > 0 ? `+${body}` : `\u2212${body}`;
}

/** A fraction in [0, 1] as a percentage string without the % sign; "n/a" for null and non-finite values. */
export function fmtFractionAsPercent(value: number | null, decimals = 1): string {
  return value !== null && Number.isFinite(value) ? fmtNumber(value * 100, decimals) : NA;
}

export function fmtInteger(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : NA;
}

/** Seconds as "0.84 s", "42.1 s", "3 min 05 s", "1 h 02 min". */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return NA;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

/** An ISO timestamp as "2024-03-20 14:05 UTC"; anything unparsable is returned unchanged. */
export function fmtTimestamp(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Decimals that keep three or four significant digits of a price-sized number: 233 → 0, 92.0 → 1, 4.57 → 2. */
export function compactDecimals(value: number): number {
  const a = Math.abs(value);
  return a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
}

/** A metric over seeds as "233.1 ± 27.4 (198.2–267.0)"; decimals follow the mean's size. */
export function fmtSpread(s: { mean: number; sd: number; min: number; max: number }): string {
  if (!Number.isFinite(s.mean)) return NA;
  const d = compactDecimals(s.mean);
  return `${fmtNumber(s.mean, d)} ± ${fmtNumber(s.sd, d)} (${fmtNumber(s.min, d)}\u2013${fmtNumber(s.max, d)})`;
}

/** A p-value: "0.013", "<0.001"; "n/a" when missing. */
export function fmtP(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return NA;
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** A test's p-value with its Holm-adjusted value in brackets: "0.013 (0.052)". */
export function fmtPHolm(test: { p: number; pHolm: number } | undefined | null): string {
  if (!test) return NA;
  return `${fmtP(test.p)} (${fmtP(test.pHolm)})`;
}

/** Empirical coverage at 80% and 95% as whole percentages, "81/94"; "n/a" when not computed. */
export function fmtCoverage(coverage: Record<'80' | '95', number> | null | undefined): string {
  if (!coverage) return NA;
  const pct = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 100)) : NA);
  return `${pct(coverage['80'])}/${pct(coverage['95'])}`;
}

/** The unit as it reads after "in": "price units" for the generic "price", else the unit itself. */
export function unitWords(unit: string): string {
  return unit === 'price' ? 'price units' : unit;
}

/** Non-finite numbers become null, so JSON and Vega treat them as missing values. */
export function finiteOrNull(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
