/**
 * From trained runs and baselines to `CompareResults`: per-seed spreads, seed ensembles, Diebold–Mariano tests
 * against naive with Holm's adjustment, conformal intervals and their coverage, ranks, rank stability, the test
 * period's base rate of up days, the extrapolation check and the verdict.
 *
 * Legend: N scored test windows, M validation windows, H forecast steps, S seeds. Forecast matrices are (N, H)
 * row-major in prices; "step 1" is column 0.
 */
import {
  BASELINE_LABELS,
  BASELINE_NAMES,
  type BaselineName,
  baselineForecasts,
  type EvalSet,
  perStepErrors,
  step,
} from './evaluation.js';
import {
  calibrateIntervals,
  coverageByStep,
  type HalfWidths,
  type IntervalBounds,
  intervalBounds,
} from './intervals.js';
import type { ModelResult } from './job.js';
import { evaluate, type ForecastMetrics, naiveMae } from './metrics.js';
import { MODEL_LABELS, type ModelKind } from './models.js';
import type { PreparedData } from './prepare.js';
import type { CompareResults, DirectionPattern, DmPair, ResultRow, Spread } from './results.js';
import { dieboldMariano } from './stats/diebold_mariano.js';
import { holmAdjust } from './stats/holm.js';
import { decideVerdict } from './verdict.js';

/** One forecaster scored on the test period: a model's seed ensemble or a baseline. */
export interface ScoredForecast {
  name: string;
  label: string;
  kind: 'ensemble' | 'baseline';
  /** Test forecasts (N, H) and validation forecasts (M, H), prices. */
  forecast: Float64Array;
  valForecast: Float64Array;
  halfWidth: HalfWidths;
  bounds: IntervalBounds;
}

export interface Summary {
  results: CompareResults;
  forecasts: ScoredForecast[];
  /** MAE and RMSE per step for every scored forecaster (H > 1 only). */
  horizonErrors: Array<{ model: string; step: number; mae: number; rmse: number }>;
}

export interface SummaryInput {
  data: PreparedData;
  test: EvalSet;
  val: EvalSet;
  /** One result per model kind and seed. */
  runs: readonly ModelResult[];
  seeds: readonly number[];
  /** Price unit for texts ('index points' for the shipped Dow Jones file, 'price' otherwise). */
  unit: string;
}

/** Mean, sample sd (0 for one value), min and max of per-seed values. */
export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), perSeed: [...values] };
}

/** Element-wise mean of equal-length forecast matrices. */
export function ensembleMean(forecasts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(forecasts[0].length);
  for (const f of forecasts) for (let i = 0; i < out.length; i++) out[i] += f[i];
  for (let i = 0; i < out.length; i++) out[i] /= forecasts.length;
  return out;
}

/** Whether the step-1 forecast's direction against the last known close ever changes. */
export function directionPattern(forecast: ArrayLike<number>, previous: ArrayLike<number>): DirectionPattern {
  let up = 0;
  let down = 0;
  for (let i = 0; i < previous.length; i++) {
    const d = forecast[i] - previous[i];
    if (d > 0) up++;
    else if (d < 0) down++;
  }
  if (up === 0 && down === 0) return 'no-change';
  if (down === 0 && up === previous.length) return 'always-up';
  if (up === 0 && down === previous.length) return 'always-down';
  return 'varies';
}

const METRIC_KEYS = ['mae', 'rmse', 'mape', 'mase', 'bias'] as const;

/** Ranks (1 = lowest) of values; non-finite values rank last, ties by input order. */
function ranksOf(values: readonly number[]): number[] {
  const key = (v: number) => (Number.isFinite(v) ? v : Number.POSITIVE_INFINITY);
  const order = values.map((v, i) => ({ v: key(v), i })).sort((a, b) => a.v - b.v || a.i - b.i);
  const ranks = new Array<number>(values.length);
  order.forEach(({ i }, r) => {
    ranks[i] = r + 1;
  });
  return ranks;
}

/**
 * The forecasts to summarize as plain arrays: the scored test origins and validation origins (as eval sets, whose
 * `ids` only count the rows), every model run's forecasts, the baselines' forecasts and the training statistics.
 * `summarize` builds it from one split; a backtest pools it over folds.
 */
export interface ForecastSummaryInput {
  test: EvalSet;
  val: EvalSet;
  /** One run per model kind and seed: test forecasts (N, H) and validation forecasts (M, H), prices. */
  runs: ReadonlyArray<Pick<ModelResult, 'kind' | 'seed' | 'forecast' | 'valForecast'>>;
  seeds: readonly number[];
  /** Baseline forecasts on the same test and validation rows. */
  baselines: Partial<Record<BaselineName, { forecast: Float64Array; valForecast: Float64Array }>>;
  /** naiveMae of the training days (the MASE scale). */
  trainNaiveMae: number;
  target: string;
  /** Per test row, the training period's lowest and highest close (price-level targets; null otherwise). */
  trainRange: { min: Float64Array; max: Float64Array } | null;
  unit: string;
}

/** An eval set over plain arrays (actual (N, H), previous (N), step-1 target dates (N)). */
export function evalSetOf(H: number, actual: Float64Array, previous: Float64Array, dates: string[]): EvalSet {
  const ids = Int32Array.from({ length: previous.length }, (_, i) => i);
  return { ids, ends: ids, H, actual, previous, dates };
}

export function summarize(input: SummaryInput): Summary {
  const { data: d, test, val, runs, seeds, unit } = input;
  const testBase = baselineForecasts(d, test);
  const valBase = baselineForecasts(d, val);
  const train = d.prices.subarray(0, d.split.trainEnd);
  let trainRange: ForecastSummaryInput['trainRange'] = null;
  if (d.target === 'close') {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of train) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const n = test.ids.length;
    trainRange = { min: new Float64Array(n).fill(lo), max: new Float64Array(n).fill(hi) };
  }
  return summarizeForecasts({
    test,
    val,
    runs,
    seeds,
    baselines: Object.fromEntries(
      (Object.keys(testBase) as BaselineName[]).map((b) => [
        b,
        { forecast: testBase[b], valForecast: valBase[b] },
      ]),
    ),
    trainNaiveMae: naiveMae(train),
    target: d.target,
    trainRange,
    unit,
  });
}

/** The core of `summarize`, from plain arrays (see `ForecastSummaryInput`). */
export function summarizeForecasts(input: ForecastSummaryInput): Summary {
  const { test, val, runs, seeds, unit } = input;
  const { H } = test;
  const N = test.ids.length;
  const kinds = [...new Set(runs.map((r) => r.kind))];
  const runsOf = (k: ModelKind) =>
    seeds.map((s) => {
      const r = runs.find((x) => x.kind === k && x.seed === s);
      if (!r) throw new Error(`summarize: no run of ${k} with seed ${s}`);
      return r;
    });
  const stepOne = (forecast: Float64Array): ForecastMetrics =>
    evaluate({
      actual: step(test.actual, H, 0),
      predicted: step(forecast, H, 0),
      previous: test.previous,
      trainNaiveMae: input.trainNaiveMae,
    });

  // Forecasters: seed ensembles of the models, then the baselines.
  const baselineNames = BASELINE_NAMES.filter((b) => input.baselines[b] !== undefined);
  const forecasters = [
    ...kinds.map((k) => ({
      name: k as string,
      label: MODEL_LABELS[k],
      kind: 'ensemble' as const,
      forecast: ensembleMean(runsOf(k).map((r) => r.forecast)),
      valForecast: ensembleMean(runsOf(k).map((r) => r.valForecast)),
    })),
    ...baselineNames.map((b) => ({
      name: b as string,
      label: BASELINE_LABELS[b],
      kind: 'baseline' as const,
      forecast: input.baselines[b]!.forecast,
      valForecast: input.baselines[b]!.valForecast,
    })),
  ];
  const scored: ScoredForecast[] = forecasters.map((f) => {
    const halfWidth = calibrateIntervals(val, f.valForecast);
    return { ...f, halfWidth, bounds: intervalBounds(test, f.forecast, halfWidth) };
  });

  // Diebold–Mariano against naive per step and loss, Holm-adjusted across the compared rows.
  const naive = scored.find((f) => f.name === 'naive');
  const errorsAt = (f: Float64Array, k: number) =>
    Float64Array.from({ length: N }, (_, i) => test.actual[i * H + k] - f[i * H + k]);
  const compared = scored.filter((f) => f !== naive);
  const dm = new Map<string, DmPair[]>();
  if (naive) {
    for (let k = 0; k < H; k++) {
      const eNaive = errorsAt(naive.forecast, k);
      for (const loss of ['abs', 'sq'] as const) {
        const tests = compared.map((f) =>
          dieboldMariano(errorsAt(f.forecast, k), eNaive, { loss, horizon: k + 1 }),
        );
        const adjusted = holmAdjust(tests.map((t) => t.p));
        compared.forEach((f, j) => {
          const list = dm.get(f.name) ?? [];
          dm.set(f.name, list);
          list[k] ??= {} as DmPair;
          list[k][loss] = { statistic: tests[j].statistic, p: tests[j].p, pHolm: adjusted[j] };
        });
      }
    }
  }

  // Rows: metrics of every scored forecaster, plus the per-seed spread of every model.
  const metrics = scored.map((f) => stepOne(f.forecast));
  const ranks = ranksOf(metrics.map((m) => m.mae));
  const rowOf = (f: ScoredForecast, i: number): ResultRow => {
    const m = metrics[i];
    const direction = directionPattern(step(f.forecast, H, 0), test.previous);
    const byStep = coverageByStep(test, f.bounds);
    return {
      name: f.name,
      label: f.label,
      kind: f.kind,
      rank: ranks[i],
      ...(Object.fromEntries(METRIC_KEYS.map((key) => [key, spreadOf([m[key]])])) as Record<
        (typeof METRIC_KEYS)[number],
        Spread
      >),
      directionalAccuracy: direction === 'no-change' ? null : m.directionalAccuracy,
      direction,
      dm: dm.get(f.name)?.[0] ?? null,
      dmByStep: dm.get(f.name) ?? null,
      coverage: byStep[0],
      coverageByStep: byStep,
      halfWidth: f.halfWidth,
    };
  };
  const scoredRows = scored.map(rowOf);

  // Per-seed runs: metrics, ranks among the models in each seed.
  const perSeed = kinds.map((k) => runsOf(k).map((r) => stepOne(r.forecast)));
  const seedRanks = seeds.map((_, s) => ranksOf(perSeed.map((m) => m[s].mae)));
  const modelRows: ResultRow[] = kinds.map((k, ki) => {
    const ms = perSeed[ki];
    const patterns = runsOf(k).map((r) => directionPattern(step(r.forecast, H, 0), test.previous));
    const ensemble = scoredRows.find((r) => r.name === k)!;
    return {
      name: k,
      label: MODEL_LABELS[k],
      kind: 'model',
      rank: ensemble.rank,
      ...(Object.fromEntries(METRIC_KEYS.map((key) => [key, spreadOf(ms.map((m) => m[key]))])) as Record<
        (typeof METRIC_KEYS)[number],
        Spread
      >),
      directionalAccuracy: ms.reduce((a, m) => a + m.directionalAccuracy, 0) / ms.length,
      direction: patterns.every((p) => p === patterns[0]) ? patterns[0] : 'varies',
      dm: null,
      dmByStep: null,
      coverage: null,
      coverageByStep: null,
      halfWidth: null,
      seedRanks: seedRanks.map((r) => r[ki]),
    };
  });

  const rows = [...scoredRows, ...modelRows].sort(
    (a, b) => a.rank - b.rank || Number(a.kind === 'model') - Number(b.kind === 'model'),
  );
  const verdict = decideVerdict(rows, { unit });

  // How often the best ensemble's model was the best model in a single seed.
  const bestModel = verdict.best;
  const bestRow = modelRows.find((r) => r.name === bestModel);
  const timesBest = bestRow ? bestRow.seedRanks!.filter((r) => r === 1).length : 0;
  const rankText = modelRows
    .map((r) => `${MODEL_LABELS[r.name as ModelKind]} ${r.seedRanks!.join(', ')}`)
    .join('; ');
  const rankStability = {
    model: bestModel,
    timesBest,
    seeds: seeds.length,
    text: bestRow
      ? `${MODEL_LABELS[bestModel as ModelKind]} (best ensemble) was the best single model in ${timesBest} of ${seeds.length} seed${seeds.length === 1 ? '' : 's'}. Rank among models per seed (seeds ${seeds.join(', ')}): ${rankText}.`
      : 'No model has a finite test MAE.',
  };

  const actual1 = step(test.actual, H, 0);
  let up = 0;
  for (let i = 0; i < N; i++) if (actual1[i] > test.previous[i]) up++;
  let extrapolation: CompareResults['extrapolation'] = null;
  if (input.trainRange !== null) {
    const { min, max } = input.trainRange;
    let trainMin = Number.POSITIVE_INFINITY;
    let trainMax = Number.NEGATIVE_INFINITY;
    let above = 0;
    let below = 0;
    for (let i = 0; i < N; i++) {
      trainMin = Math.min(trainMin, min[i]);
      trainMax = Math.max(trainMax, max[i]);
      if (actual1[i] > max[i]) above++;
      if (actual1[i] < min[i]) below++;
    }
    extrapolation = { trainMin, trainMax, above, below, share: (above + below) / N };
  }
  const period = (s: EvalSet) => ({ from: s.dates[0], to: s.dates[s.dates.length - 1], n: s.ids.length });

  const horizonErrors =
    H > 1 ? scored.flatMap((f) => perStepErrors(test, f.forecast).map((e) => ({ model: f.name, ...e }))) : [];

  return {
    results: {
      format: 'rnnlab-results/v1',
      verdict,
      testPeriod: period(test),
      calibrationPeriod: period(val),
      horizon: H,
      seeds: [...seeds],
      unit,
      target: input.target,
      upShare: up / N,
      extrapolation,
      rankStability,
      rows,
    },
    forecasts: scored,
    horizonErrors,
  };
}
