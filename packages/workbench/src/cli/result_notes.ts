import type { CompareResults } from 'rnnlab/forecast';

/** Short notes printed under the verdict: rank stability, base rate of up days, constant directions, extrapolation. */

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

export function resultNotes(r: CompareResults): string[] {
  const notes: string[] = [];
  if (r.seeds.length > 1) notes.push(`Seeds: ${r.rankStability.text}`);
  notes.push(
    `Direction: ${pct(r.upShare)} of test days closed up, so always guessing "up" scores ${pct(r.upShare)} ` +
      'directional accuracy; naive predicts no move (n/a).',
  );
  const constant = r.rows.filter(
    (row) => row.kind !== 'model' && (row.direction === 'always-up' || row.direction === 'always-down'),
  );
  if (constant.length > 0) {
    notes.push(
      `Never change their predicted direction: ${constant
        .map((row) => `${row.label} (${row.direction === 'always-up' ? 'always up' : 'always down'})`)
        .join(', ')}.`,
    );
  }
  const x = r.extrapolation;
  if (x && x.above + x.below > 0) {
    const side =
      x.above > 0 && x.below > 0
        ? `outside the training range ${x.trainMin.toFixed(2)}..${x.trainMax.toFixed(2)}`
        : x.above > 0
          ? `above the training maximum ${x.trainMax.toFixed(2)}`
          : `below the training minimum ${x.trainMin.toFixed(2)}`;
    notes.push(
      `Extrapolation: ${pct(x.share)} of test targets (${x.above + x.below} of ${r.testPeriod.n}) lie ${side}. ` +
        'Networks trained on price levels (tanh layers, scaled with training statistics) cannot forecast beyond the ' +
        'range they saw, so their forecasts flatten and lag; try --target log_return.',
    );
  }
  return notes;
}
