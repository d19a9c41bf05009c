/**
 * Tutorial mode's comparison: per model, "done right" against "with the mistakes" (MAE and MAE/naive), the
 * change, the tutorial's printed "bias" beside the signed sum it meant (when biasBug is on), the active mistakes
 * with what the tutorial does and what it does to the numbers, and optionally each mistake alone.
 *
 * Plain DOM, built with `root.ownerDocument`. CSS classes used:
 *   mistakes            the section
 *   mistakes-table      both tables (main comparison and "each alone")
 *   mistakes-alone      the "each mistake alone" table
 *   mistakes-list       the list of active mistakes
 *   mistakes-notes      the paragraphs under a table (scenario notes, the bias explanation)
 *   num                 numeric cells
 *   flattered | worse | same   the change cell (mistakes make the model look better | worse | no change)
 *   baseline            the naive row
 */
import type { ScenarioRow } from '../mistakes.js';
import { MISTAKE_INFO } from '../mistakes.js';
import type { Mistake } from '../settings.js';

type Cell = string | Node;

/** Changes of MAE/naive under 0.05% read as no change. */
const SAME = 5e-4;

function num(v: number, digits: number): string {
  if (!Number.isFinite(v)) return '—';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The change of MAE/naive from done right to wrong, worded and classed. */
export function changeOf(right: ScenarioRow, wrong: ScenarioRow): { text: string; cls: string } {
  const rel = wrong.ratio / right.ratio - 1;
  if (!Number.isFinite(rel)) return { text: '—', cls: 'same' };
  if (Math.abs(rel) < SAME) return { text: 'no change', cls: 'same' };
  const pct = `${num(Math.abs(rel) * 100, 1)}%`;
  return rel < 0
    ? { text: `flattered by ${pct}`, cls: 'flattered' }
    : { text: `worse by ${pct}`, cls: 'worse' };
}

/**
 * Renders the comparison into `root`, replacing its contents. `right` and `wrong` are `scoreScenario` rows of
 * the done-right and the with-mistakes scenarios; `alone` adds a table of each mistake alone; `notes` are
 * sentences shown under the main table (e.g. the wrong scenario's `notes`).
 */
export function renderMistakes(
  root: HTMLElement,
  right: ScenarioRow[],
  wrong: ScenarioRow[],
  mistakes: readonly Mistake[],
  unit: string,
  alone?: Array<{ mistake: Mistake; rows: ScenarioRow[] }>,
  notes: readonly string[] = [],
): void {
  const doc = root.ownerDocument;
  const el = (tag: string, cls?: string, ...children: Cell[]): HTMLElement => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    e.append(...children);
    return e;
  };
  const th = (scope: 'col' | 'row' | 'colgroup', text: string, span?: { col?: number; row?: number }) => {
    const e = el('th', undefined, text);
    e.setAttribute('scope', scope);
    if (span?.col) e.setAttribute('colspan', String(span.col));
    if (span?.row) e.setAttribute('rowspan', String(span.row));
    return e;
  };
  const td = (text: string, cls = 'num') => el('td', cls, text);
  const byName = (rows: readonly ScenarioRow[], name: string) => rows.find((r) => r.name === name);
  const names = [...new Set([...right, ...wrong].map((r) => r.name))];
  const biasBug = mistakes.includes('biasBug');

  const section = el('section', 'mistakes');
  section.setAttribute('aria-label', 'The tutorial’s mistakes');

  // Main table.
  const table = el('table', 'mistakes-table');
  table.append(
    el(
      'caption',
      undefined,
      `Test error done right and with the tutorial’s mistakes (${unit}). MAE/naive below 1 beats copying the last price; ` +
        'the change compares MAE/naive, since the mistakes can score other days.',
    ),
  );
  const head1 = el(
    'tr',
    undefined,
    th('col', 'Model', { row: 2 }),
    th('colgroup', 'Done right', { col: 2 }),
    th('colgroup', 'With the mistakes', { col: 2 }),
    th('col', 'Change in MAE/naive', { row: 2 }),
  );
  const head2 = el(
    'tr',
    undefined,
    th('col', `MAE (${unit})`),
    th('col', 'MAE / naive'),
    th('col', `MAE (${unit})`),
    th('col', 'MAE / naive'),
  );
  if (biasBug) {
    head1.append(th('colgroup', '“Bias” with the mistakes', { col: 2 }));
    head2.append(
      th('col', `Tutorial’s printed n·Σ(y − ŷ) (${unit})`),
      th('col', `Correct Σ(y − ŷ) (${unit})`),
    );
  }
  table.append(el('thead', undefined, head1, head2));
  const body = el('tbody');
  for (const name of names) {
    const r = byName(right, name);
    const w = byName(wrong, name);
    const tr = el('tr', name === 'naive' ? 'baseline' : undefined, th('row', (r ?? w)!.label));
    tr.append(td(r ? num(r.mae, 1) : '—'), td(r ? num(r.ratio, 3) : '—'));
    tr.append(td(w ? num(w.mae, 1) : '—'), td(w ? num(w.ratio, 3) : '—'));
    if (name === 'naive') tr.append(td('reference', 'same'));
    else if (r && w) {
      const c = changeOf(r, w);
      tr.append(td(c.text, c.cls));
    } else tr.append(td('—', 'same'));
    if (biasBug) tr.append(td(w ? num(w.tutorialBias, 0) : '—'), td(w ? num(w.bias, 0) : '—'));
    body.append(tr);
  }
  table.append(body);
  section.append(table);

  const explain: string[] = [...notes, ...wrong.flatMap((w) => (w.note ? [`${w.label}: ${w.note}.`] : []))];
  if (biasBug) {
    const model = wrong.find((w) => w.name !== 'naive');
    explain.push(
      'The tutorial’s “bias” is n times the signed error sum (n forecasts), and a signed sum lets over- and ' +
        'under-forecasts cancel' +
        (model
          ? `: ${model.label} printed ${num(model.tutorialBias, 0)}, its errors sum to ${num(model.bias, 0)}, ` +
            `yet its absolute errors add up to ${num(model.mae * model.n, 0)} ${unit} (MAE ${num(model.mae, 1)} over n = ${model.n}).`
          : '.'),
    );
  }
  if (explain.length > 0)
    section.append(el('div', 'mistakes-notes', ...explain.map((t) => el('p', undefined, t))));

  // The active mistakes.
  if (mistakes.length === 0) section.append(el('p', 'mistakes-notes', 'No mistake is switched on.'));
  else
    section.append(
      el(
        'ul',
        'mistakes-list',
        ...mistakes.map((m) => {
          const info = MISTAKE_INFO[m];
          return el(
            'li',
            undefined,
            el('strong', undefined, info.label),
            ` — ${info.tutorial} ${info.effect}`,
          );
        }),
      ),
    );

  // Each mistake alone: MAE/naive and the change per mistake.
  if (alone && alone.length > 0) {
    const t = el('table', 'mistakes-table mistakes-alone');
    t.append(
      el(
        'caption',
        undefined,
        'Each mistake alone: MAE/naive and its change from done right (the same models and seeds, one mistake at a time).',
      ),
    );
    const h1 = el(
      'tr',
      undefined,
      th('col', 'Model', { row: 2 }),
      th('col', 'Done right MAE / naive', { row: 2 }),
    );
    const h2 = el('tr');
    for (const a of alone) {
      h1.append(th('colgroup', MISTAKE_INFO[a.mistake].label, { col: 2 }));
      h2.append(th('col', 'MAE / naive'), th('col', 'Change'));
    }
    t.append(el('thead', undefined, h1, h2));
    const b = el('tbody');
    for (const name of names.filter((n) => n !== 'naive')) {
      const r = byName(right, name);
      const tr = el(
        'tr',
        undefined,
        th('row', (r ?? byName(wrong, name))!.label),
        td(r ? num(r.ratio, 3) : '—'),
      );
      for (const a of alone) {
        const w = byName(a.rows, name);
        tr.append(td(w ? num(w.ratio, 3) : '—'));
        if (r && w) {
          const c = changeOf(r, w);
          tr.append(td(c.text, c.cls));
        } else tr.append(td('—', 'same'));
      }
      b.append(tr);
    }
    t.append(b);
    section.append(t);
  }

  root.replaceChildren(section);
}
