import type { ReportData } from './types.js';

/** Colors for the usual series, so the same model has the same color in every chart and every report. */
const KNOWN_COLORS: Record<string, string> = {
  drnn: '#4c78a8',
  brnn: '#f58518',
  lstm: '#54a24b',
  gru: '#e45756',
  naive: '#9d755d',
  drift: '#b279a2',
  mean_return: '#eeca3b',
  ar: '#72b7b2',
};
const EXTRA_COLORS = ['#ff9da6', '#17becf', '#8c564b', '#bcbd22', '#7f7f7f', '#1f77b4', '#d62728'];

/** The actual series: a neutral dark grey, never a model color. */
export const ACTUAL_COLOR = '#3a3a3a';

export interface SeriesStyle {
  name: string;
  /** Display label, unique within the report (the color scale keys on it). */
  label: string;
  kind: 'model' | 'baseline';
  color: string;
}

/**
 * Every series of the report in a stable order (models as listed, then baselines as in the results, then any other
 * prediction key), with unique labels and fixed colors. A model's label is its short one ("LSTM"), the same for
 * its seeds and its seed ensemble.
 */
export function seriesStyles(data: ReportData): SeriesStyle[] {
  const entries: Array<{ name: string; label: string; kind: 'model' | 'baseline' }> = [];
  const seen = new Set<string>();
  const add = (name: string, label: string, kind: 'model' | 'baseline') => {
    if (seen.has(name)) return;
    seen.add(name);
    entries.push({ name, label: label || name, kind });
  };
  for (const m of data.models) add(m.name, m.label, 'model');
  for (const r of data.results.rows) if (r.kind === 'baseline') add(r.name, r.label, 'baseline');
  for (const r of data.results.rows) if (r.kind === 'model') add(r.name, r.label, 'model');
  for (const key of Object.keys(data.predictions.byModel)) add(key, key, 'baseline');

  const labelCount = new Map<string, number>();
  for (const e of entries) labelCount.set(e.label, (labelCount.get(e.label) ?? 0) + 1);
  const used = new Set(Object.values(KNOWN_COLORS));
  let extra = 0;
  return entries.map((e) => {
    let color = KNOWN_COLORS[e.name.toLowerCase()];
    if (!color) {
      const free = EXTRA_COLORS.filter((c) => !used.has(c));
      color = free.length > 0 ? free[extra % free.length]! : EXTRA_COLORS[extra % EXTRA_COLORS.length]!;
      used.add(color);
      extra++;
    }
    const label = labelCount.get(e.label)! > 1 ? `${e.label} (${e.name})` : e.label;
    return { ...e, label, color };
  });
}

export function styleByName(styles: readonly SeriesStyle[]): Map<string, SeriesStyle> {
  return new Map(styles.map((s) => [s.name, s]));
}
