/**
 * Scoring a scenario as it scores itself: every model's seed ensemble and the naive last-value forecast on the
 * scenario's test set (the training windows under `trainAsVal`; every position of each window for a BRNN under
 * `brnnAllPositions`), with the tutorial's "bias" next to the signed sum it meant.
 *
 * Notation: y actual price, ŷ forecast, p the previous day's close (the naive forecast), n scored forecasts.
 */
import {
  BASELINE_LABELS,
  ensembleMean,
  evalSet,
  MODEL_KINDS,
  MODEL_LABELS,
  type ModelKind,
  type ModelResult,
  mae,
  type Summary,
  step,
  targetFor,
} from 'rnnlab/forecast';
import { allPositionTargets } from './all_positions.js';
import type { Scenario } from './scenario.js';

export interface ScenarioRow {
  /** Model kind, or 'naive'. */
  name: string;
  label: string;
  /** Mean absolute error of the seed ensemble, price units. */
  mae: number;
  /** MAE of the naive last-value forecast on the same targets, price units. */
  naiveMae: number;
  /** mae / naiveMae: below 1 beats copying the last price. Comparable across scenarios that score other days. */
  ratio: number;
  /** Σ (y − ŷ): the signed error sum the tutorial meant to print (its sign), price units. Errors cancel in it. */
  bias: number;
  /** What the tutorial printed: Σ_i Σ_j (y_j − ŷ_i) over an n×n broadcast = n · Σ (y − ŷ). */
  tutorialBias: number;
  /** Scored forecasts. */
  n: number;
  /** Which positions of each window were scored: the last one (a forecast) or all of them (the tutorial's BRNN). */
  positions: 'last' | 'all';
  /** MAE of each seed's run, in the order of the summary's seeds (the naive row: its MAE once). */
  perSeedMae: number[];
  note?: string;
}

/** The signed sum Σ (y − ŷ) and the tutorial's broadcast version n · Σ (y − ŷ). */
export function biasSums(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
): { bias: number; tutorialBias: number } {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += actual[i] - forecast[i];
  return { bias: sum, tutorialBias: actual.length * sum };
}

function row(
  name: string,
  label: string,
  actual: Float64Array,
  forecast: Float64Array,
  naive: Float64Array,
  positions: ScenarioRow['positions'],
  perSeedMae: number[],
  note?: string,
): ScenarioRow {
  const m = mae(actual, forecast);
  const naiveMae = mae(actual, naive);
  const r: ScenarioRow = {
    name,
    label,
    mae: m,
    naiveMae,
    ratio: m / naiveMae,
    ...biasSums(actual, forecast),
    n: actual.length,
    positions,
    perSeedMae,
  };
  if (note !== undefined) r.note = note;
  return r;
}

/**
 * Rows per model (seed ensemble, models in the engine's order) and the naive baseline, scored as `sc` scores
 * them. `summary` is the engine's `summarize()` of `runs` on `sc.data` (its test set `evalSet(sc.data, 'test')`);
 * `allPositions` holds `allPositionForecast` per `${kind}:${seed}` for the models `sc.scoreAllPositions` names.
 * Step 1 only (the tutorial forecasts one day ahead).
 */
export function scoreScenario(
  sc: Scenario,
  summary: Summary,
  runs: readonly ModelResult[],
  allPositions: ReadonlyMap<string, Float64Array>,
): ScenarioRow[] {
  const d = sc.data;
  const test = evalSet(d, 'test');
  const { H } = test;
  const N = test.ids.length;
  const T = d.seqLen;
  const seeds = summary.results.seeds;
  const actual = step(test.actual, H, 0);
  if (summary.results.testPeriod.n !== N)
    throw new Error(
      `scoreScenario: the summary scores ${summary.results.testPeriod.n} test windows but scenario '${sc.id}' has ${N}; ` +
        'summarize the runs of this scenario on its own data (scenario.data)',
    );
  const runOf = (kind: ModelKind, seed: number): ModelResult => {
    const r = runs.find((x) => x.kind === kind && x.seed === seed);
    if (r === undefined)
      throw new Error(`scoreScenario: no run of ${kind} with seed ${seed} in scenario '${sc.id}'`);
    const want = sc.jobTarget(kind) ?? targetFor(kind);
    if (r.target !== want)
      throw new Error(
        `scoreScenario: the ${kind} run of seed ${seed} was trained on ${r.target} but scenario '${sc.id}' trains it on ` +
          `${want}; pass job.target = scenario.jobTarget(kind)`,
      );
    return r;
  };
  const kinds = MODEL_KINDS.filter((k) =>
    summary.forecasts.some((f) => f.kind === 'ensemble' && f.name === k),
  );
  const rows = kinds.map((kind): ScenarioRow => {
    const label = MODEL_LABELS[kind];
    const seedRuns = seeds.map((s) => runOf(kind, s));
    if (sc.scoreAllPositions(kind)) {
      const perSeed = seeds.map((s) => {
        const f = allPositions.get(`${kind}:${s}`);
        if (f === undefined)
          throw new Error(
            `scoreScenario: scenario '${sc.id}' scores every position of ${kind}, but allPositions has no '${kind}:${s}'; ` +
              'have the worker return allPositionForecast for it',
          );
        if (f.length !== N * T)
          throw new Error(
            `scoreScenario: allPositions '${kind}:${s}' has ${f.length} values, expected N·T = ${N}·${T}`,
          );
        return f;
      });
      const t = allPositionTargets(d, test);
      return row(
        kind,
        label,
        t.actual,
        ensembleMean(perSeed),
        t.previous,
        'all',
        perSeed.map((f) => mae(t.actual, f)),
        `scored on all ${T} positions of ${N} windows (${N * T} forecasts); at every position but the last the backward direction has read the answer`,
      );
    }
    const forecast = summary.forecasts.find((f) => f.kind === 'ensemble' && f.name === kind)!.forecast;
    return row(
      kind,
      label,
      actual,
      step(forecast, H, 0),
      test.previous,
      'last',
      seedRuns.map((r) => mae(actual, step(r.forecast, H, 0))),
    );
  });
  const naive = row('naive', BASELINE_LABELS.naive, actual, test.previous, test.previous, 'last', []);
  naive.perSeedMae = [naive.mae];
  return [...rows, naive];
}
