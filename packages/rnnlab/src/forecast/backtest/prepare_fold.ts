/**
 * Model-ready data for one fold and grid cell, without look-ahead: the series is cut to the fold's days
 * [trainStart, lastTarget], scalers are fitted on the fold's training days only, and the split's blocks are the
 * fold's (see folds.ts):
 *   - training windows: every target (and input) is a training day;
 *   - validation windows: every target is a validation day (inputs may reach back into training days, the known
 *     past, as with `purge: 'targets'`); early stopping uses them and the conformal intervals score those whose
 *     H targets are all validation days;
 *   - test windows: one per scored origin, ending on the origin.
 * Day indices below are rows of the feature table: series day = base + t.
 */
import { buildFeatures, featureColumn } from '../../data/features.js';
import { MinMaxScaler, type ScalerJSON, StandardScaler } from '../../data/scalers.js';
import type { PriceSeries } from '../../data/series.js';
import type { Split, SplitPart } from '../../data/split.js';
import { makeWindows } from '../../data/windows.js';
import { type PreparedData, type ScalerKind, scaleWith } from '../prepare.js';
import type { FoldDays } from './folds.js';
import type { GridCell } from './types.js';

/** The rows [from, to) of a series. */
function sliceSeries(s: PriceSeries, from: number, to: number): PriceSeries {
  return {
    source: s.source,
    dates: s.dates.slice(from, to),
    columns: Object.fromEntries(Object.entries(s.columns).map(([k, v]) => [k, v.slice(from, to)])),
    rows: to - from,
    warnings: [],
  };
}

function fitScaler(kind: ScalerKind, values: Float64Array): ScalerJSON | null {
  const s = kind === 'zscore' ? new StandardScaler() : kind === 'minmax' ? new MinMaxScaler() : null;
  return s === null ? null : s.fit(values).toJSON();
}

export function prepareFold(
  series: PriceSeries,
  f: FoldDays,
  cell: GridCell,
  scalerKind: ScalerKind,
  horizon: number,
  /** The fold whose origins are scored (default `f`; refit 'once' fits on fold 0 and scores fold k). */
  scored: FoldDays = f,
): PreparedData {
  const target = cell.target;
  const T = cell.seqLen;
  // A log return needs the close before the first training day (the known past) when there is one.
  const sliceStart = target === 'log_return' ? Math.max(f.trainStart - 1, 0) : f.trainStart;
  const table = buildFeatures(sliceSeries(series, sliceStart, scored.lastTarget + 1), [target]);
  const base = sliceStart + table.offset;
  const b1 = f.valStart - base;
  const b2 = f.firstOrigin + 1 - base;
  const len = scored.lastTarget + 1 - base;
  const raw = featureColumn(table, target);
  const scaler = fitScaler(scalerKind, raw.subarray(0, b1));
  const windows = makeWindows({
    inputs: [scaleWith(scaler, raw)],
    target: scaleWith(scaler, raw),
    seqLen: T,
    horizon: 1,
    dates: table.dates,
  });
  const ids = (from: number, to: number) => Int32Array.from({ length: to - from + 1 }, (_, k) => from + k);
  const part = (w: Int32Array, start: number, end: number): SplitPart => {
    const firstDay = w[0]!;
    const lastDay = windows.targetIndex[w[w.length - 1]!]!;
    return {
      windows: w,
      start,
      end,
      firstDay,
      lastDay,
      firstDate: table.dates[firstDay],
      lastDate: table.dates[lastDay],
    };
  };
  const trainIds = ids(0, b1 - 1 - T);
  const valIds = ids(b1 - 1, b2 - 1 - T);
  const testIds = ids(scored.firstOrigin - base - T + 1, scored.lastOrigin - base - T + 1);
  const split: Split = {
    train: part(trainIds, 0, b1),
    val: part(valIds, b1, b2),
    test: part(testIds, b2, len),
    dropped: { val: T - 1, test: testIds[0]! - valIds[valIds.length - 1]! - 1 },
    trainEnd: b1,
    purge: 'targets',
  };
  return {
    source: series.source,
    dates: table.dates,
    prices: series.columns.close!.slice(base, scored.lastTarget + 1),
    target,
    featureNames: [target],
    scalerKind,
    scalers: [scaler],
    targetFeature: 0,
    targetScaler: scaler,
    windows,
    split,
    seqLen: T,
    horizon,
  };
}
