/**
 * The verdict and the metrics table of a comparison, from the engine's `CompareResults` (the same rows, tests and
 * verdict as `rnnlab compare` prints): one row per model ensemble and baseline, ranked by test MAE.
 */
import type { CompareResults, ResultRow } from 'rnnlab/forecast';
import { el, overflowHint } from './dom.js';

const fixed = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const pValue = (p: number | undefined) =>
  p === undefined || !Number.isFinite(p) ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3);
const percent = (v: number | null) =>
  v === null || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(1)}%`;

export function renderVerdict(root: HTMLElement, r: CompareResults): void {
  const v = r.verdict;
  root.className = `verdict ${v.answer}`;
  root.replaceChildren(
    el('p', {}, [el('span', { class: 'answer' }, [v.headline]), ` ${v.text.replace(v.headline, '').trim()}`]),
    el('p', { class: 'rule' }, [`Rule: ${v.rule}`]),
    el('p', { class: 'rule' }, [r.rankStability.text]),
  );
}

/** The metrics table: ensembles and baselines by rank, with the seeds' spread for models. */
export function renderMetrics(root: HTMLElement, r: CompareResults): void {
  const rows = r.rows.filter((x) => x.kind !== 'model').sort((a, b) => a.rank - b.rank);
  const spread = new Map(r.rows.filter((x) => x.kind === 'model').map((x) => [x.name, x]));
  const head = [
    '#',
    'Forecaster',
    `MAE (${r.unit})`,
    'MAE over seeds: mean ± sd (min–max)',
    `RMSE (${r.unit})`,
    'MAPE',
    'Direction right',
    'p DM |e| (Holm)',
    'p DM e² (Holm)',
    'Covered 80% / 95%',
  ];
  const best = r.verdict.best;
  const body = rows.map((row) => {
    const m = spread.get(row.name);
    const seeds =
      m && m.mae.perSeed.length > 1
        ? `${fixed(m.mae.mean, 1)} ± ${fixed(m.mae.sd, 1)} (${fixed(m.mae.min, 1)}–${fixed(m.mae.max, 1)})`
        : '';
    const dm = row.dm;
    const worse = dm !== null && dm.abs.pHolm < r.verdict.alpha && dm.abs.statistic > 0;
    const better = dm !== null && dm.abs.pHolm < r.verdict.alpha && dm.abs.statistic < 0;
    const cls = row.name === best ? 'best' : row.name === 'naive' ? 'naive' : '';
    return el('tr', { class: cls, 'data-row': row.name }, [
      el('td', {}, [String(row.rank)]),
      el('th', { scope: 'row' }, [row.label + directionMark(row)]),
      el('td', { 'data-metric': 'mae' }, [fixed(row.mae.mean)]),
      el('td', {}, [seeds]),
      el('td', {}, [fixed(row.rmse.mean)]),
      el('td', {}, [`${fixed(row.mape.mean)}%`]),
      el('td', {}, [percent(row.directionalAccuracy)]),
      el('td', { class: worse ? 'worse' : better ? 'better' : '' }, [
        dm
          ? `${pValue(dm.abs.p)} (${pValue(dm.abs.pHolm)})${worse ? ' worse' : better ? ' better' : ''}`
          : '—',
      ]),
      el('td', {}, [dm ? `${pValue(dm.sq.p)} (${pValue(dm.sq.pHolm)})` : '—']),
      el('td', {}, [row.coverage ? `${percent(row.coverage['80'])} / ${percent(row.coverage['95'])}` : '—']),
    ]);
  });
  const about =
    `Test period ${r.testPeriod.from}..${r.testPeriod.to}: ${r.testPeriod.n} one-step-ahead forecasts in ${r.unit}; ` +
    `seeds ${r.seeds.join(', ')}; intervals calibrated on ${r.calibrationPeriod.from}..${r.calibrationPeriod.to}. ` +
    `Up days: ${percent(r.upShare)} (the base rate for “direction right”).` +
    (r.extrapolation && r.extrapolation.share > 0
      ? ` ${percent(r.extrapolation.share)} of test targets lie outside the training range (${fixed(r.extrapolation.trainMin)}–${fixed(r.extrapolation.trainMax)}): tanh networks on price targets cannot reach them; try the log-return target.`
      : '');
  const note = el('p', { class: 'scroll-note' }, [
    '↔ The table is wider than the screen: scroll it sideways.',
  ]);
  root.replaceChildren(
    el('p', { class: 'hint' }, [about]),
    note,
    el('table', {}, [
      el('caption', {}, [`Ensembles and baselines ranked by test MAE (${r.unit})`]),
      el('thead', {}, [
        el(
          'tr',
          {},
          head.map((h) => el('th', { scope: 'col' }, [h])),
        ),
      ]),
      el('tbody', {}, body),
    ]),
  );
  root.tabIndex = 0;
  root.setAttribute('role', 'region');
  root.setAttribute('aria-label', 'Metrics table (scrolls sideways on small screens)');
  overflowHint(root, note);
}

function directionMark(row: ResultRow): string {
  return row.direction === 'always-up' ? ' ↑ always' : row.direction === 'always-down' ? ' ↓ always' : '';
}

/** MAE per forecast step for every forecaster (H > 1). */
export function renderHorizon(
  root: HTMLElement,
  errors: ReadonlyArray<{ model: string; step: number; mae: number }>,
  labels: ReadonlyMap<string, string>,
  unit: string,
): void {
  if (errors.length === 0) {
    root.replaceChildren();
    return;
  }
  const names = [...new Set(errors.map((e) => e.model))];
  const H = Math.max(...errors.map((e) => e.step));
  root.replaceChildren(
    el('table', {}, [
      el('caption', {}, [`MAE per forecast step (${unit}); step k forecasts k days ahead recursively`]),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { scope: 'col' }, ['Forecaster']),
          ...Array.from({ length: H }, (_, k) => el('th', { scope: 'col' }, [`step ${k + 1}`])),
        ]),
      ]),
      el(
        'tbody',
        {},
        names.map((n) =>
          el('tr', {}, [
            el('th', { scope: 'row' }, [labels.get(n) ?? n]),
            ...Array.from({ length: H }, (_, k) =>
              el('td', {}, [fixed(errors.find((e) => e.model === n && e.step === k + 1)?.mae ?? Number.NaN)]),
            ),
          ]),
        ),
      ),
    ]),
  );
}
