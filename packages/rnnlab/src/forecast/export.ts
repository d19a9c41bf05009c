/**
 * Machine-readable outputs of a comparison: `results.json` (the `CompareResults` object) and `forecasts.csv`
 * (one row per test window and step: origin date, target date, step, actual close, and for every ensemble and
 * baseline its forecast and its 80% and 95% interval bounds).
 */
import type { EvalSet } from './evaluation.js';
import type { PreparedData } from './prepare.js';
import { type CompareResults, INTERVAL_LEVELS } from './results.js';
import type { ScoredForecast } from './summary.js';

/** `results.json`: the results object, pretty-printed; non-finite numbers become null (JSON has no NaN). */
export function resultsJson(r: { results: CompareResults }): string {
  return `${JSON.stringify(r.results, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

/** `forecasts.csv`: header `origin,date,step,actual,<name>,<name>_lo80,<name>_hi80,<name>_lo95,<name>_hi95,…`. */
export function forecastsCsv(r: {
  data: PreparedData;
  eval: EvalSet;
  forecasts: readonly ScoredForecast[];
}): string {
  const { data: d, eval: s, forecasts } = r;
  const { H } = s;
  const cols = ['origin', 'date', 'step', 'actual'];
  for (const f of forecasts)
    cols.push(f.name, ...INTERVAL_LEVELS.flatMap((l) => [`${f.name}_lo${l}`, `${f.name}_hi${l}`]));
  const num = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '');
  const lines = [cols.join(',')];
  for (let i = 0; i < s.ids.length; i++) {
    for (let k = 0; k < H; k++) {
      const j = i * H + k;
      const cells = [d.dates[s.ends[i]], d.dates[s.ends[i] + k + 1], String(k + 1), num(s.actual[j])];
      for (const f of forecasts)
        cells.push(
          num(f.forecast[j]),
          ...INTERVAL_LEVELS.flatMap((l) => [num(f.bounds[l].lower[j]), num(f.bounds[l].upper[j])]),
        );
      lines.push(cells.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
