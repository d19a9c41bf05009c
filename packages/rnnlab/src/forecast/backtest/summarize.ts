/**
 * From the unit results of a plan to `BacktestResults`: checks that every unit is present exactly once and comes
 * from this plan, pools each series × grid cell over its folds (the scored origins of all folds, in order), runs
 * the comparison's summary on the pooled arrays (seed ensembles, DM/HLN tests with Holm, conformal intervals,
 * verdict), and summarizes across series.
 *
 * Cross-series, per forecaster and cell: r_s = MAE_s / MAE_s(naive) at step 1 for every series s; the geometric
 * mean G = exp(mean_s ln r_s) with a 95% percentile bootstrap interval (B = 2000 resamples of the series with
 * replacement, drawn from Generator(BOOTSTRAP_SEED)); wins / losses / ties count the series where the forecaster's
 * Holm-adjusted DM test on absolute errors at step 1 is significant (p < 0.05) and better / worse, or neither.
 */
import { Generator } from '../../tensor/random.js';
import { BASELINE_NAMES, type BaselineName } from '../evaluation.js';
import type { ModelKind } from '../models.js';
import type { CompareResults } from '../results.js';
import { evalSetOf, summarizeForecasts } from '../summary.js';
import { VERDICT_ALPHA } from '../verdict.js';
import { unitResultHash } from './run_unit.js';
import type { BacktestPlan, BacktestResults, UnitResult } from './types.js';

export const BACKTEST_RESULTS_FORMAT = 'rnnlab-backtest-results/v1';
export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20240601;

/** "a, b, c and 7 more" (at most `max` keys). */
function keyList(keys: readonly string[], max = 8): string {
  const shown = keys.slice(0, max).join(', ');
  return keys.length > max ? `${shown} and ${keys.length - max} more` : shown;
}

/** Checks that `results` are the plan's units exactly once each, with valid hashes; returns them by unit id. */
export function checkUnitResults(plan: BacktestPlan, results: readonly UnitResult[]): UnitResult[] {
  const foreign: string[] = [];
  const corrupt: string[] = [];
  const byId: Array<UnitResult | undefined> = new Array(plan.units.length);
  const duplicated = new Set<string>();
  for (const r of results) {
    const planned = plan.units[r.unit?.id];
    if (r.planHash !== plan.hash || !planned || planned.key !== r.unit.key) {
      foreign.push(`${r.unit?.key ?? '?'} (plan ${r.planHash})`);
      continue;
    }
    if (r.hash !== unitResultHash(r)) {
      corrupt.push(r.unit.key);
      continue;
    }
    if (byId[planned.id] !== undefined) duplicated.add(planned.key);
    else byId[planned.id] = r;
  }
  if (foreign.length > 0)
    throw new Error(
      `backtest: ${foreign.length} result(s) are not units of plan ${plan.hash}: ${keyList(foreign)}. ` +
        'Merge only parts made from the same plan (same data, config and rnnlab version).',
    );
  if (corrupt.length > 0)
    throw new Error(
      `backtest: ${corrupt.length} result(s) do not match their content hash (damaged or edited): ${keyList(corrupt)}. Re-run those units.`,
    );
  if (duplicated.size > 0)
    throw new Error(
      `backtest: ${duplicated.size} unit(s) appear more than once: ${keyList([...duplicated])}. ` +
        'Pass every part once (a shard given twice, or overlapping --shard settings?).',
    );
  const missing = plan.units.filter((u) => byId[u.id] === undefined).map((u) => u.key);
  if (missing.length > 0)
    throw new Error(
      `backtest: ${missing.length} of ${plan.units.length} unit(s) have no result: ${keyList(missing)}. ` +
        'Run the missing shards (or re-run the failed ones) and merge again.',
    );
  return byId as UnitResult[];
}

const concat = (parts: ReadonlyArray<ArrayLike<number>>): Float64Array => {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p as ArrayLike<number>, at);
    at += p.length;
  }
  return out;
};

/** Pools the folds of one series and grid cell and summarizes them as `compare` does. */
function summarizeSeriesCell(
  plan: BacktestPlan,
  byKey: Map<string, UnitResult>,
  series: string,
  cell: number,
): CompareResults {
  const { config } = plan;
  const H = config.horizon;
  const folds = Array.from({ length: config.folds }, (_, k) => k);
  const get = (k: number, suffix: string) => byKey.get(`${series}/f${k}/c${cell}/${suffix}`)!;
  const base = folds.map((k) => get(k, 'baselines'));
  for (const b of base) {
    if (!b.train)
      throw new Error(
        `backtest: result ${b.unit.key} has no training statistics; re-run it with this rnnlab version`,
      );
  }
  const actual = concat(base.map((b) => b.actual));
  const previous = concat(base.map((b) => b.previous));
  const test = evalSetOf(
    H,
    actual,
    previous,
    base.flatMap((b) => b.targetDates ?? b.origins),
  );
  const val = evalSetOf(
    H,
    concat(base.map((b) => b.valActual)),
    concat(base.map((b) => b.valPrevious)),
    base.flatMap((b) => b.valTargetDates ?? []),
  );
  const pooled = (units: UnitResult[], name: string) => {
    units.forEach((u, k) => {
      const f = u.forecasts[name];
      const v = u.valForecasts[name];
      if (!f || f.length !== base[k]!.actual.length || !v || v.length !== base[k]!.valActual.length)
        throw new Error(
          `backtest: result ${u.unit.key} has no forecasts "${name}" of the fold's shape; re-run it`,
        );
    });
    return {
      forecast: concat(units.map((u) => u.forecasts[name]!)),
      valForecast: concat(units.map((u) => u.valForecasts[name]!)),
    };
  };
  const runs = config.models.flatMap((kind: ModelKind) =>
    config.seeds.map((seed) => ({
      kind,
      seed,
      ...pooled(
        folds.map((k) => get(k, `${kind}/s${seed}`)),
        kind,
      ),
    })),
  );
  const baselines: Partial<Record<BaselineName, { forecast: Float64Array; valForecast: Float64Array }>> = {};
  for (const b of BASELINE_NAMES) if (base[0]!.forecasts[b]) baselines[b] = pooled(base, b);
  const target = config.grid[cell]!.target;
  let trainRange: { min: Float64Array; max: Float64Array } | null = null;
  if (target === 'close') {
    trainRange = {
      min: concat(base.map((b) => new Float64Array(b.previous.length).fill(b.train!.min))),
      max: concat(base.map((b) => new Float64Array(b.previous.length).fill(b.train!.max))),
    };
  }
  return summarizeForecasts({
    test,
    val,
    runs,
    seeds: config.seeds,
    baselines,
    trainNaiveMae: base.reduce((a, b) => a + b.train!.naiveMae, 0) / base.length,
    target,
    trainRange,
    unit: 'price',
  }).results;
}

/** Geometric mean of positive values (NaN if any is not finite and positive). */
export function geometricMean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.log(values[i]!);
  return Math.exp(s / values.length);
}

/**
 * 95% percentile bootstrap interval of the geometric mean: B resamples of the values with replacement, the
 * 2.5% and 97.5% quantiles (linear interpolation between order statistics) of their geometric means.
 */
export function bootstrapGeoMeanInterval(
  values: readonly number[],
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): [number, number] {
  const g = new Generator(seed);
  const n = values.length;
  const stats = new Float64Array(resamples);
  const sample = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = values[g.randint(n)]!;
    stats[b] = geometricMean(sample);
  }
  stats.sort();
  const q = (p: number) => {
    const x = (resamples - 1) * p;
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, resamples - 1);
    return stats[lo]! + (x - lo) * (stats[hi]! - stats[lo]!);
  };
  return [q(0.025), q(0.975)];
}

export function summarizeBacktest(plan: BacktestPlan, results: readonly UnitResult[]): BacktestResults {
  const checked = checkUnitResults(plan, results);
  const byKey = new Map(checked.map((r) => [r.unit.key, r]));
  const series = plan.series.map((s) => s.name);
  const perSeries = series.flatMap((name) =>
    plan.config.grid.map((_, cell) => ({
      series: name,
      cell,
      results: summarizeSeriesCell(plan, byKey, name, cell),
    })),
  );
  const crossSeries: BacktestResults['crossSeries'] = [];
  plan.config.grid.forEach((_, cell) => {
    const cells = perSeries.filter((p) => p.cell === cell);
    const names = cells[0]!.results.rows
      .filter((r) => r.kind !== 'model' && r.name !== 'naive')
      .map((r) => r.name);
    const order = [...plan.config.models, ...BASELINE_NAMES] as string[];
    names.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const name of names) {
      let wins = 0;
      let losses = 0;
      const relativeMae = cells.map((p) => {
        const rows = p.results.rows.filter((r) => r.kind !== 'model');
        const row = rows.find((r) => r.name === name)!;
        const naive = rows.find((r) => r.name === 'naive')!;
        const t = row.dm?.abs;
        if (t && t.pHolm < VERDICT_ALPHA && t.statistic < 0) wins++;
        else if (t && t.pHolm < VERDICT_ALPHA && t.statistic > 0) losses++;
        return row.mae.mean / naive.mae.mean;
      });
      crossSeries.push({
        model: name,
        cell,
        relativeMae,
        geoMean: geometricMean(relativeMae),
        interval: bootstrapGeoMeanInterval(relativeMae),
        wins,
        losses,
        ties: relativeMae.length - wins - losses,
      });
    }
  });
  return { format: BACKTEST_RESULTS_FORMAT, planHash: plan.hash, perSeries, crossSeries, series };
}
