/** Seeded synthetic daily series for the backtest tests (generated here, independent of the code under test). */
import type { PriceSeries } from '../../../src/data/series.js';
import type { BacktestConfig, BacktestSeries } from '../../../src/forecast/backtest/types.js';

/** mulberry32 + Box–Muller: a seeded standard normal stream. */
export function normals(seed: number): () => number {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

/** n weekdays from 2020-01-01. */
export function weekdays(n: number): string[] {
  const dates: string[] = [];
  const d = new Date('2020-01-01T00:00:00Z');
  while (dates.length < n) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) dates.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return dates;
}

export function seriesOf(name: string, close: Float64Array): BacktestSeries {
  const series: PriceSeries = {
    source: `${name}.csv`,
    dates: weekdays(close.length),
    columns: { close },
    rows: close.length,
    warnings: [],
  };
  return { name, series };
}

/** A log-normal random walk around 1000 with 1% daily steps. */
export function randomWalk(name: string, n: number, seed: number): BacktestSeries {
  const z = normals(seed);
  const close = new Float64Array(n);
  let v = 1000;
  for (let i = 0; i < n; i++) close[i] = v *= Math.exp(0.01 * z());
  return seriesOf(name, close);
}

/** x_t = 100 + φ·(x_{t−1} − 100) + ε_t, ε ~ N(0, 1): strongly mean-reverting levels for small φ. */
export function ar1(name: string, n: number, seed: number, phi = 0.3): BacktestSeries {
  const z = normals(seed);
  const close = new Float64Array(n);
  let v = 100;
  for (let i = 0; i < n; i++) close[i] = v = 100 + phi * (v - 100) + z();
  return seriesOf(name, close);
}

/** A small, fast config: `overrides` replace fields. */
export function smallConfig(overrides: Partial<BacktestConfig> = {}): BacktestConfig {
  return {
    folds: 3,
    step: 10,
    horizon: 1,
    window: 'expanding',
    refit: 'every',
    valDays: 30,
    models: ['gru'],
    seeds: [1, 2],
    grid: [{ hidden: 8, layers: 1, seqLen: 8, lr: 0.01, target: 'close' }],
    train: { epochs: 3, batchSize: 32, nonlinearity: 'tanh', dropout: 0 },
    scaler: 'zscore',
    ...overrides,
  };
}
