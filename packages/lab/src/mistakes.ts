/**
 * The tutorial's mistakes as scenarios: the same models run on data prepared the tutorial's way, one mistake at a
 * time or all together, so the page can show how much each one flatters the numbers (see
 * shared/seed/README.md, "Flaws in the tutorial").
 *
 * A scenario is plain data (`data`, posted to the training workers) plus two questions the page asks it: which
 * positions a model trains on, and whether its every position must be forecast for scoring.
 *
 *   reversed          the rows newest first (as stooq sends them): the model predicts the previous day
 *   trainAsVal        validation and test are the training windows: in-sample scores and intervals
 *   leakyScaler       scalers fitted on every day (DataConfig.scalerFit 'all'): look-ahead
 *   brnnAllPositions  the BRNN trained and scored at every position: its backward direction reads the answer
 *   biasBug           the "bias" the tutorial printed, n·Σ(y − ŷ), beside Σ(y − ŷ) and the MAE (scoring only)
 */
import type { PriceSeries } from 'rnnlab/data';
import {
  type DataConfig,
  evalSet,
  type ModelResult,
  type PreparedData,
  prepareData,
  type Summary,
  summarize,
} from 'rnnlab/forecast';
import type { Scenario } from './mistakes/scenario.js';
import { MISTAKES, type Mistake } from './settings.js';

export {
  type AllPositionTargets,
  allPositionForecast,
  allPositionTargets,
} from './mistakes/all_positions.js';
export type { Scenario } from './mistakes/scenario.js';
export { biasSums, type ScenarioRow, scoreScenario } from './mistakes/score.js';

export const MISTAKE_INFO: Record<Mistake, { label: string; tutorial: string; effect: string }> = {
  reversed: {
    label: 'Time-reversed series',
    tutorial:
      'It reads stooq’s rows newest first and never sorts them, so every window runs backwards and the model predicts the previous day from the days after it.',
    effect:
      'The task becomes a backcast no one can use, and the split turns around: the model trains on the newest prices and is tested on the oldest ones.',
  },
  trainAsVal: {
    label: 'Validation on the training data',
    tutorial: 'Its “validation” loss runs over the training loader: no data is ever held out.',
    effect:
      'Validation and test are the training windows, so every score, and the prediction intervals calibrated on them, is in-sample: the model is graded on the answers it was fitted to.',
  },
  leakyScaler: {
    label: 'Scaler fitted on the whole series',
    tutorial: 'It normalizes with the mean and standard deviation of the whole series, test period included.',
    effect:
      'The scaling knows the future price level (look-ahead): inputs of the test period look more familiar than they could have, whatever the size of the change in the scores.',
  },
  brnnAllPositions: {
    label: 'Bidirectional RNN scored at every position',
    tutorial:
      'It trains and scores the bidirectional RNN on the next day at every position of the window, where the backward direction has already read that day as the following input.',
    effect:
      'At every position but the last the answer is in the input, so the error shrinks to what copying it costs: a score of reading, not forecasting.',
  },
  biasBug: {
    label: '“Bias” broadcast to an n×n matrix',
    tutorial:
      'It prints sum(x[seq_len:] − preds[:, seq_len−1]), an (n,) series minus an (n, 1) column: broadcasting sums an n×n matrix, n·(Σy − Σŷ).',
    effect:
      'The printed number is n times the signed error sum, and a signed sum lets over- and under-forecasts cancel: a poor model can print a “bias” near 0. Read the MAE instead.',
  },
};

/** The rows of `series` newest first (as stooq sends them) under its ascending dates (see `Scenario.dateLabels`). */
export function reverseRows(series: PriceSeries): PriceSeries {
  return {
    ...series,
    source: `${series.source} (rows newest first)`,
    dates: [...series.dates],
    columns: Object.fromEntries(Object.entries(series.columns).map(([k, v]) => [k, v.slice().reverse()])),
    warnings: [...series.warnings],
  };
}

/** `d` with validation and test replaced by the training windows (the tutorial validates on its training loader). */
export function scoreOnTraining(d: PreparedData): PreparedData {
  const train = d.split.train;
  const part = () => ({ ...train, windows: train.windows.slice() });
  return { ...d, split: { ...d.split, val: part(), test: part(), dropped: { val: 0, test: 0 } } };
}

function labelOf(id: string, mistakes: readonly Mistake[]): string {
  if (mistakes.length === 0) return 'Done right';
  if (id === mistakes[0] && mistakes.length === 1) return `${MISTAKE_INFO[mistakes[0]].label} alone`;
  return 'With the tutorial’s mistakes';
}

/**
 * The data of `series` prepared with `mistakes` (see the module doc; `cfg.scalerFit` is decided by
 * leakyScaler). `id` defaults to 'right' without mistakes and 'mistakes' with some.
 */
export function buildScenario(
  series: PriceSeries,
  cfg: DataConfig,
  mistakes: readonly Mistake[],
  id?: string,
): Scenario {
  for (const m of mistakes)
    if (!MISTAKES.includes(m)) throw new Error(`unknown mistake '${m}'; choose from ${MISTAKES.join(', ')}`);
  const on = MISTAKES.filter((m) => mistakes.includes(m));
  const has = (m: Mistake) => on.includes(m);
  const rows = has('reversed') ? reverseRows(series) : series;
  let data = prepareData(rows, { ...cfg, scalerFit: has('leakyScaler') ? 'all' : 'train' });
  if (has('trainAsVal')) data = scoreOnTraining(data);
  const scenarioId = id ?? (on.length === 0 ? 'right' : 'mistakes');

  const notes: string[] = [];
  let valueDates: string[] | null = null;
  if (has('reversed')) {
    // Row p of data holds series row offset + p, whose own day is series.dates[n − 1 − offset − p].
    const offset = series.rows - data.dates.length;
    valueDates = data.dates.map((_, p) => series.dates[series.rows - 1 - offset - p]);
    const test = evalSet(data, 'test');
    const first = test.ends[0] + 1;
    const last = test.ends[test.ends.length - 1] + 1;
    notes.push(
      `The rows run newest first, so the dates label positions: the scored days ${data.dates[first]} to ${data.dates[last]} ` +
        `hold the closes of ${valueDates[first]} back to ${valueDates[last]}, and each forecast is of the day before its inputs.`,
    );
  }
  if (has('trainAsVal'))
    notes.push(
      `Validation and test are the ${data.split.train.windows.length} training windows: every score and interval is in-sample.`,
    );
  if (has('leakyScaler')) notes.push('The scalers saw every day of the series, the test period included.');

  return {
    id: scenarioId,
    label: labelOf(scenarioId, on),
    mistakes: on,
    data,
    reusesRight: on.every((m) => m === 'biasBug'),
    dateLabels: has('reversed') ? 'positions' : 'dates',
    valueDates,
    notes,
    jobTarget: (kind) => (has('brnnAllPositions') && kind === 'brnn' ? 'all-positions' : undefined),
    scoreAllPositions: (kind) => has('brnnAllPositions') && kind === 'brnn',
  };
}

/** One scenario per mistake, each alone, with the mistake's name as id. */
export function aloneScenarios(
  series: PriceSeries,
  cfg: DataConfig,
  mistakes: readonly Mistake[],
): Scenario[] {
  return MISTAKES.filter((m) => mistakes.includes(m)).map((m) => buildScenario(series, cfg, [m], m));
}

/** The engine's summary of a scenario's runs on its own test and validation sets. */
export function summarizeScenario(
  sc: Scenario,
  runs: readonly ModelResult[],
  seeds: readonly number[],
  unit: string,
): Summary {
  return summarize({
    data: sc.data,
    test: evalSet(sc.data, 'test'),
    val: evalSet(sc.data, 'val'),
    runs,
    seeds,
    unit,
  });
}
