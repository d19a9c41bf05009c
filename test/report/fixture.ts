import type { MetricRow, ReportData } from '../../src/report/types.js';

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

function metric(model: string, label: string, kind: 'model' | 'baseline', mae: number, n: number): MetricRow {
  return {
    model,
    label,
    kind,
    mae,
    rmse: mae * 1.25,
    mape: (mae / 38000) * 100,
    mase: mae / 100,
    directionalAccuracy: kind === 'model' ? 0.5 + (100 - mae) / 400 : 0.48,
    bias: (mae - 100) / 10,
    n,
  };
}

export interface FixtureOptions {
  /** Hand-chosen metrics: the best model (LSTM) beats naive (MAE 90 vs 100), or not (110 vs 100). */
  beats?: boolean;
  /** Label of the LSTM model (to test escaping). */
  lstmLabel?: string;
  /** Add per-step errors for a 3-step horizon. */
  horizon?: boolean;
}

/** A small synthetic report: 60 trading days, two models (LSTM, BRNN) and the naive, drift and AR baselines. */
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
  const noisy = (scale: number) => prev.map((p) => p + (rand() - 0.5) * scale);
  const lstmLabel = opts.lstmLabel ?? 'LSTM';
  const beats = opts.beats ?? true;
  const history = (start: number) =>
    Array.from({ length: 10 }, (_, e) => ({
      epoch: e + 1,
      trainLoss: start * 0.7 ** e,
      valLoss: start * 1.3 * 0.75 ** Math.min(e, 6) * (e > 6 ? 1.02 ** (e - 6) : 1),
    }));
  const nTest = testDates.length;
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
      horizon: 1,
      seed: 7,
      shuffle: true,
    },
    models: [
      {
        name: 'lstm',
        label: lstmLabel,
        kind: 'model',
        history: history(0.5),
        bestEpoch: 7,
        stopReason: 'max epochs',
        trainSeconds: 1.5,
        parameters: 3265,
        target: 'all-positions',
      },
      {
        name: 'brnn',
        label: 'BRNN',
        kind: 'model',
        history: history(0.8),
        stopReason: 'early stop (patience 3)',
        trainSeconds: 2.25,
        parameters: 2209,
        target: 'last-position',
      },
    ],
    predictions: {
      dates: testDates,
      actual,
      byModel: {
        lstm: noisy(150),
        brnn: noisy(250),
        naive: prev,
        drift: prev.map((p) => p + 10),
        ar: noisy(60),
      },
    },
    metrics: [
      metric('lstm', lstmLabel, 'model', beats ? 90 : 110, nTest),
      metric('brnn', 'BRNN', 'model', 130, nTest),
      metric('naive', 'naive', 'baseline', 100, nTest),
      metric('drift', 'drift', 'baseline', beats ? 101 : 105, nTest),
      metric('ar', 'AR(1)', 'baseline', beats ? 99 : 102, nTest),
    ],
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
    runtime: { wallSeconds: 5.5, workers: 2, node: 'v20.0.0', rnnlab: '0.1.0' },
  };
}
