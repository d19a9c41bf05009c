/**
 * A hand-built report: 60 trading days of a synthetic index, two models (LSTM, bidirectional RNN) trained with
 * three seeds each, and the naive, drift, mean-training-return and AR baselines. Every number in `results` is
 * chosen by hand (spreads, p-values, coverage, verdict text), so tests can assert exact strings.
 */

import type { DmPair, ResultRow, Spread } from 'rnnlab/forecast';
import type { ModelRun, PredictionSeries, ReportData } from '../../src/report/types.js';

/** Deterministic PRNG (mulberry32) so the fixture is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` weekdays starting at `start` (YYYY-MM-DD). */
function tradingDays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export const SEEDS = [0, 1, 2];

/** A deterministic value (a baseline or an ensemble): sd 0, one per-seed value. */
function one(v: number): Spread {
  return { mean: v, sd: 0, min: v, max: v, perSeed: [v] };
}

/** A metric over the three seeds; mean and sd written out by hand. */
function over(perSeed: number[], mean: number, sd: number): Spread {
  return { mean, sd, min: Math.min(...perSeed), max: Math.max(...perSeed), perSeed };
}

function dm(statistic: number, p: number, pHolm: number): DmPair {
  const sq = { statistic: statistic * 0.8, p: Math.min(1, p * 2), pHolm: Math.min(1, pHolm * 2) };
  return { abs: { statistic, p, pHolm }, sq };
}

interface RowSpec {
  name: string;
  label: string;
  kind: ResultRow['kind'];
  rank: number;
  mae: Spread;
  dirAcc: number | null;
  direction: ResultRow['direction'];
  dm: DmPair | null;
  coverage: [number, number] | null;
  seedRanks?: number[];
}

function row(s: RowSpec, horizon: number): ResultRow {
  const scale = (k: number): Spread => ({
    mean: s.mae.mean * k,
    sd: s.mae.sd * k,
    min: s.mae.min * k,
    max: s.mae.max * k,
    perSeed: s.mae.perSeed.map((v) => v * k),
  });
  const withTests = s.kind !== 'model';
  const coverage = s.coverage && withTests ? { '80': s.coverage[0], '95': s.coverage[1] } : null;
  return {
    name: s.name,
    label: s.label,
    kind: s.kind,
    rank: s.rank,
    mae: s.mae,
    rmse: scale(1.25),
    mape: scale(1 / 380),
    mase: scale(1 / 100),
    bias: one((s.mae.mean - 100) / 10),
    directionalAccuracy: s.dirAcc,
    direction: s.direction,
    dm: withTests ? s.dm : null,
    dmByStep: withTests && s.dm ? Array.from({ length: horizon }, () => s.dm!) : null,
    coverage,
    coverageByStep: coverage ? Array.from({ length: horizon }, () => coverage) : null,
    halfWidth: withTests ? { '80': Array(horizon).fill(0.004), '95': Array(horizon).fill(0.007) } : null,
    ...(s.seedRanks ? { seedRanks: s.seedRanks } : {}),
  };
}

export interface FixtureOptions {
  /** True: the LSTM ensemble beats naive significantly ("Yes."); false: lower MAE, not significant. */
  beats?: boolean;
  /** Label of the LSTM model (to test escaping). */
  lstmLabel?: string;
  /** Add per-step errors and tests for a 3-step horizon. */
  horizon?: boolean;
  /** Share of test targets above the training maximum; null (the default) for a return target. */
  extrapolationShare?: number | null;
  /** `dataset.unit`; absent by default (the report then says "price"). */
  unit?: string;
  /** Early stopping on: the kept epoch is the best one. Off by default: the last epoch is kept. */
  patience?: boolean;
}

export function makeReportData(opts: FixtureOptions = {}): ReportData {
  const rand = rng(42);
  const n = 60;
  const dates = tradingDays('2024-01-02', n);
  const values: number[] = [];
  let v = 38000;
  for (let i = 0; i < n; i++) {
    v += (rand() - 0.48) * 300;
    values.push(Math.round(v * 100) / 100);
  }
  const testFrom = 42;
  const testDates = dates.slice(testFrom);
  const actual = values.slice(testFrom);
  const prev = values.slice(testFrom - 1, n - 1);
  const lstmLabel = opts.lstmLabel ?? 'LSTM';
  const beats = opts.beats ?? true;
  const horizon = opts.horizon ? 3 : 1;
  const unit = opts.unit ?? 'price';

  /** A forecast with split-conformal bands ŷ ± q·p (p = last close), q80 = 0.4 %, q95 = 0.7 %. */
  const series = (forecast: number[]): PredictionSeries => ({
    forecast,
    lo80: forecast.map((f, i) => f - 0.004 * prev[i]!),
    hi80: forecast.map((f, i) => f + 0.004 * prev[i]!),
    lo95: forecast.map((f, i) => f - 0.007 * prev[i]!),
    hi95: forecast.map((f, i) => f + 0.007 * prev[i]!),
  });
  const noisy = (scale: number, shift = 0) => prev.map((p) => p + shift + (rand() - 0.5) * scale);

  const history = (start: number) =>
    Array.from({ length: 10 }, (_, e) => ({
      epoch: e + 1,
      trainLoss: start * 0.7 ** e,
      valLoss: start * 1.3 * 0.75 ** Math.min(e, 6) * (e > 6 ? 1.02 ** (e - 6) : 1),
    }));
  const runs = (name: string, label: string, target: ModelRun['target'], start: number): ModelRun[] =>
    SEEDS.map((seed) => {
      const h = history(start * (1 + 0.1 * seed));
      const best = h[6]!;
      return {
        name,
        label,
        kind: 'model' as const,
        seed,
        history: h,
        keptEpoch: opts.patience ? best.epoch : h.length,
        bestEpoch: best.epoch,
        bestValLoss: best.valLoss,
        stopReason: opts.patience ? 'early stop (patience 3)' : 'max epochs',
        trainSeconds: 1.5 + seed * 0.25,
        parameters: name === 'lstm' ? 3265 : 2209,
        target,
      };
    });

  // Hand-chosen results. Yes case: LSTM ensemble MAE 90 vs naive 100, DM p 0.004, Holm 0.020 (5 rows compared).
  // No case: LSTM ensemble 98.8, p 0.21, Holm 0.84. The BRNN is significantly worse in both.
  const lstmSeeds = beats ? over([88, 92, 96], 92, 4) : over([97, 101, 105], 101, 4);
  const brnnSeeds = beats ? over([122, 128, 134], 128, 6) : over([95, 125, 140], 120, 22.913);
  const lstmMae = beats ? 90 : 98.8;
  const lstmDm = beats ? dm(-3.1, 0.004, 0.02) : dm(-1.3, 0.21, 0.84);
  const brnnDm = beats ? dm(2.4, 0.028, 0.112) : dm(2.4, 0.028, 0.14);
  const specs: RowSpec[] = [
    {
      name: 'lstm',
      label: lstmLabel,
      kind: 'model',
      rank: 1,
      mae: lstmSeeds,
      dirAcc: 0.5,
      direction: 'varies',
      dm: null,
      coverage: null,
      seedRanks: beats ? [1, 1, 1] : [2, 1, 1],
    },
    {
      name: 'lstm',
      label: `${lstmLabel} ensemble (3 seeds)`,
      kind: 'ensemble',
      rank: 1,
      mae: one(lstmMae),
      dirAcc: 0.556,
      direction: 'varies',
      dm: lstmDm,
      coverage: [0.833, 0.944],
    },
    {
      name: 'brnn',
      label: 'Bidirectional RNN',
      kind: 'model',
      rank: 6,
      mae: brnnSeeds,
      dirAcc: 0.444,
      direction: 'always-down',
      dm: null,
      coverage: null,
      seedRanks: beats ? [2, 2, 2] : [1, 2, 2],
    },
    {
      name: 'brnn',
      label: 'Bidirectional RNN ensemble (3 seeds)',
      kind: 'ensemble',
      rank: 6,
      mae: one(126),
      dirAcc: 0.444,
      direction: 'always-down',
      dm: brnnDm,
      coverage: [0.611, 0.889],
    },
    {
      name: 'naive',
      label: 'Naive (last value)',
      kind: 'baseline',
      rank: 3,
      mae: one(100),
      dirAcc: null,
      direction: 'no-change',
      dm: null,
      coverage: [0.778, 0.944],
    },
    {
      name: 'drift',
      label: 'Drift',
      kind: 'baseline',
      rank: 5,
      mae: one(100.5),
      dirAcc: 0.556,
      direction: 'always-up',
      dm: dm(0.5, 0.61, 1),
      coverage: [0.778, 0.944],
    },
    {
      name: 'mean_return',
      label: 'Mean training return',
      kind: 'baseline',
      rank: 4,
      mae: one(100.4),
      dirAcc: 0.556,
      direction: 'always-up',
      dm: dm(0.4, 0.7, 1),
      coverage: [0.778, 1],
    },
    {
      name: 'ar',
      label: 'AR(1)',
      kind: 'baseline',
      rank: 2,
      mae: one(99),
      dirAcc: 0.5,
      direction: 'varies',
      dm: dm(-0.9, 0.35, 1),
      coverage: [0.722, 0.944],
    },
  ];
  const rows = specs.map((s) => row(s, horizon));

  const rule =
    'Each model is judged by its seed ensemble. "Yes" only when a model ensemble\'s one-step test MAE is below ' +
    "naive's and the Diebold–Mariano test (HLN, absolute errors) gives a Holm-adjusted p-value below 0.05.";
  const verdict = beats
    ? {
        answer: 'yes' as const,
        status: 'beats' as const,
        headline: 'Yes.',
        text: `${lstmLabel} ensemble (3 seeds) beats the naive forecast: test MAE 90.00 vs naive 100.00 ${unit} (10.0% lower), DM p (Holm) = 0.020. No baseline beats naive significantly.`,
        beatsNaive: ['lstm'],
      }
    : {
        answer: 'no' as const,
        status: 'not-significant' as const,
        headline: 'No — not significantly better.',
        text: `No model beats the naive forecast significantly. The best, ${lstmLabel} ensemble (3 seeds), has test MAE 98.80 vs naive 100.00 ${unit} (1.2% lower), DM p (Holm) = 0.840: a difference within noise, in either direction. No baseline beats naive significantly.`,
        beatsNaive: [],
      };
  const share = opts.extrapolationShare ?? null;

  return {
    title: 'Synthetic report <test>',
    createdAt: '2024-04-01T12:30:00.000Z',
    dataset: {
      source: 'synthetic random walk & co',
      target: 'Close',
      rows: n,
      firstDate: dates[0]!,
      lastDate: dates[n - 1]!,
      range: 'all',
      ...(opts.unit ? { unit: opts.unit } : {}),
    },
    series: { dates, values },
    splits: {
      trainStart: dates[8]!,
      trainEnd: dates[31]!,
      valStart: dates[32]!,
      valEnd: dates[41]!,
      testStart: dates[42]!,
      testEnd: dates[59]!,
      train: 24,
      val: 10,
      test: 18,
      dropped: 0,
    },
    config: {
      seqLen: 8,
      hidden: 16,
      layers: 2,
      batch: 16,
      lr: 0.001,
      epochs: 10,
      horizon,
      seeds: SEEDS.join(','),
      shuffle: true,
      ...(opts.patience ? { patience: 3 } : {}),
    },
    models: [
      ...runs('lstm', lstmLabel, 'all-positions', 0.5),
      ...runs('brnn', 'Bidirectional RNN', 'last-position', 0.8),
    ],
    predictions: {
      dates: testDates,
      actual,
      byModel: {
        lstm: series(noisy(150)),
        brnn: series(noisy(100, -120)),
        naive: series(prev),
        drift: series(prev.map((p) => p + 10)),
        mean_return: series(prev.map((p) => p * 1.0003)),
        ar: series(noisy(60)),
      },
    },
    results: {
      format: 'rnnlab-results/v1',
      verdict: {
        ...verdict,
        best: 'lstm',
        bestOverall: 'lstm',
        worseThanNaive: [],
        alpha: 0.05,
        rule,
      },
      testPeriod: { from: dates[42]!, to: dates[59]!, n: 18 },
      calibrationPeriod: { from: dates[32]!, to: dates[41]!, n: 10 },
      horizon,
      seeds: SEEDS,
      unit,
      target: 'close',
      upShare: 0.556,
      extrapolation:
        share === null
          ? null
          : { trainMin: 37200, trainMax: 38900, above: Math.round(share * 18), below: 0, share },
      rankStability: beats
        ? {
            model: 'lstm',
            timesBest: 3,
            seeds: 3,
            text: `${lstmLabel} has the lowest MAE of the models in 3 of 3 seeds.`,
          }
        : {
            model: 'lstm',
            timesBest: 2,
            seeds: 3,
            text: `${lstmLabel} has the lowest MAE of the models in 2 of 3 seeds (Bidirectional RNN in 1).`,
          },
      rows,
    },
    horizonErrors: opts.horizon
      ? ['lstm', 'brnn', 'naive'].flatMap((model, k) =>
          [1, 2, 3].map((step) => ({
            model,
            step,
            mae: 90 + 10 * k + 30 * step,
            rmse: 120 + 10 * k + 40 * step,
          })),
        )
      : undefined,
    runtime: { wallSeconds: 5.5, workers: 2, threads: 1, node: 'v20.0.0', rnnlab: '0.1.0' },
  };
}
