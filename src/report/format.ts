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

/** A fraction in [0, 1] as a percentage string without the % sign. */
export function fmtFractionAsPercent(value: number, decimals = 1): string {
  return Number.isFinite(value) ? fmtNumber(value * 100, decimals) : NA;
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

/** Non-finite numbers become null, so JSON and Vega treat them as missing values. */
export function finiteOrNull(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
