/**
 * The backtest report page: one self-contained HTML file (no external URLs; a Content-Security-Policy allows only
 * its own style and its one script by hash). It shows the plan, the cross-series table — per model and grid cell,
 * the geometric mean over series of MAE / naive MAE with its 95% bootstrap interval and the wins/ties/losses
 * against naive — a bar chart of those geometric means with interval whiskers, and each series' verdict.
 */
import { createHash } from 'node:crypto';
import type { BacktestPlan, BacktestResults, GridCell } from 'rnnlab/forecast';
import { escapeHtml, fmtNumber } from './format.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
th{cursor:pointer;background:#f4f4f4}td:first-child,th:first-child,td.l{text-align:left}
.better{color:#1a7f37}.worse{color:#b42318}code{background:#f4f4f4;padding:0 3px}svg text{font:12px system-ui,sans-serif}
svg{max-width:100%;height:auto}.wide{overflow-x:auto}td.l{min-width:14em}`;

/** Sorts a table by the clicked header: numbers numerically (data-v), text alphabetically; a second click reverses. */
const SORT_SCRIPT = `document.querySelectorAll('table.sortable th').forEach((th,i)=>th.addEventListener('click',()=>{
const tb=th.closest('table').tBodies[0];const asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';
const v=(r)=>{const c=r.cells[i];const n=parseFloat(c.dataset.v);return Number.isNaN(n)?c.textContent:n};
[...tb.rows].sort((a,b)=>{const x=v(a),y=v(b);const d=typeof x==='number'&&typeof y==='number'?x-y:String(x).localeCompare(String(y));return asc?d:-d}).forEach((r)=>tb.appendChild(r))}));`;

function cellLabel(c: GridCell | undefined, i: number, cells: number): string {
  if (!c) return `cell ${i}`;
  const text = `hidden ${c.hidden}, layers ${c.layers}, seq ${c.seqLen}, lr ${c.lr}, ${c.target}`;
  return cells > 1 ? `c${i}: ${text}` : text;
}

/** A number cell with its sort value. */
function num(value: number, decimals = 3, cls = ''): string {
  const v = Number.isFinite(value) ? String(value) : '';
  return `<td data-v="${escapeHtml(v)}"${cls ? ` class="${cls}"` : ''}>${escapeHtml(fmtNumber(value, decimals))}</td>`;
}

/** Horizontal bars of the geometric means with 95% interval whiskers and a reference line at 1 (naive). */
export function geoMeanChart(
  rows: BacktestResults['crossSeries'],
  label: (r: BacktestResults['crossSeries'][number]) => string,
): string {
  const barH = 22;
  const left = 260;
  const width = 760;
  const plotW = width - left - 20;
  const values = rows.flatMap((r) => [r.geoMean, r.interval[0], r.interval[1]]).filter(Number.isFinite);
  const max = Math.max(1.1, ...values) * 1.05;
  const x = (v: number) => left + (Math.max(0, Math.min(v, max)) / max) * plotW;
  const height = rows.length * barH + 40;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = 10 + i * barH;
    const cls = r.interval[1] < 1 ? '#1a7f37' : r.interval[0] > 1 ? '#b42318' : '#6b7280';
    parts.push(`<text x="${left - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(label(r))}</text>`);
    if (Number.isFinite(r.geoMean))
      parts.push(
        `<rect x="${left}" y="${y + 4}" width="${(x(r.geoMean) - left).toFixed(1)}" height="${barH - 8}" fill="${cls}" opacity="0.75"/>`,
      );
    if (Number.isFinite(r.interval[0]) && Number.isFinite(r.interval[1])) {
      const [a, b] = [x(r.interval[0]).toFixed(1), x(r.interval[1]).toFixed(1)];
      const m = y + barH / 2;
      parts.push(
        `<path d="M${a} ${m}H${b}M${a} ${m - 5}V${m + 5}M${b} ${m - 5}V${m + 5}" stroke="#111" fill="none"/>`,
      );
    }
  });
  const one = x(1).toFixed(1);
  const axisY = 10 + rows.length * barH;
  parts.push(`<line x1="${one}" y1="4" x2="${one}" y2="${axisY}" stroke="#111" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${one}" y="${axisY + 16}" text-anchor="middle">1 = naive</text>`);
  parts.push(`<text x="${left}" y="${axisY + 16}">0</text>`);
  parts.push(
    `<text x="${left + plotW}" y="${axisY + 16}" text-anchor="end">${escapeHtml(fmtNumber(max, 2))}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Geometric mean relative MAE per model">${parts.join('')}</svg>`;
}

/** The report page for `results` of `plan`. */
export function renderBacktestHtml(
  plan: BacktestPlan,
  results: BacktestResults,
  o: { version: string },
): string {
  const c = plan.config;
  const cells = c.grid.length;
  const label = (r: { model: string; cell: number }) => (cells > 1 ? `${r.model} · c${r.cell}` : r.model);
  const header = results.series.map((s) => `<th>${escapeHtml(s)}</th>`).join('');
  const rows = results.crossSeries
    .map((r) => {
      const cls = r.interval[1] < 1 ? 'better' : r.interval[0] > 1 ? 'worse' : '';
      const per = r.relativeMae.map((v) => num(v)).join('');
      return (
        `<tr><td>${escapeHtml(r.model)}</td><td class="l" data-v="${r.cell}">${escapeHtml(cellLabel(c.grid[r.cell], r.cell, cells))}</td>` +
        `${num(r.geoMean, 3, cls)}<td data-v="${escapeHtml(String(r.interval[0]))}">${escapeHtml(fmtNumber(r.interval[0], 3))}–${escapeHtml(fmtNumber(r.interval[1], 3))}</td>` +
        `${num(r.wins, 0)}${num(r.ties, 0)}${num(r.losses, 0)}${per}</tr>`
      );
    })
    .join('\n');
  const verdicts = results.perSeries
    .map(
      (p) =>
        `<li><b>${escapeHtml(p.series)}</b>${cells > 1 ? ` (${escapeHtml(cellLabel(c.grid[p.cell], p.cell, cells))})` : ''}: ` +
        `${escapeHtml(p.results.verdict.headline)} ${escapeHtml(p.results.verdict.text)}</li>`,
    )
    .join('\n');
  const seriesList = plan.series
    .map(
      (s) =>
        `<li>${escapeHtml(s.name)}: ${s.rows} rows, ${escapeHtml(s.firstDate)}..${escapeHtml(s.lastDate)}</li>`,
    )
    .join('');
  const scriptHash = createHash('sha256').update(SORT_SCRIPT).digest('base64');
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; script-src 'sha256-${scriptHash}'; img-src data:`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>rnnlab backtest</title><style>${STYLE}</style></head><body>
<h1>Rolling-origin backtest</h1>
<p>${plan.series.length} series × ${c.folds} folds (step ${c.step} days, horizon ${c.horizon}, ${escapeHtml(c.window)} window${
    c.window === 'sliding' && c.trainDays ? ` of ${c.trainDays} training days` : ''
  }, refit ${escapeHtml(c.refit)}, ${c.valDays} validation days) × models ${escapeHtml(c.models.join(', '))} × seeds ${escapeHtml(
    c.seeds.join(', '),
  )} × ${cells} grid cell${cells === 1 ? '' : 's'}: ${plan.units.length} units. Plan <code>${escapeHtml(plan.hash)}</code>; rnnlab ${escapeHtml(o.version)}.</p>
<ul>${seriesList}</ul>
<h2>Across series</h2>
<p>Relative MAE = the seed ensemble's MAE / naive's MAE on one series, pooled over its folds; below 1 beats naive. The
geometric mean over series has a 95% bootstrap interval; wins/ties/losses count series where the row is significantly
better / neither / significantly worse than naive (Diebold–Mariano on absolute errors, Holm-adjusted). Click a header to sort.</p>
${geoMeanChart(results.crossSeries, label)}
<div class="wide"><table class="sortable"><thead><tr><th>model</th><th>cell</th><th>geo. mean rel. MAE</th><th>95% interval</th><th>wins</th><th>ties</th><th>losses</th>${header}</tr></thead>
<tbody>
${rows}
</tbody></table></div>
<h2>Per series</h2>
<ul>
${verdicts}
</ul>
<script>${SORT_SCRIPT}</script>
</body></html>
`;
}
