/** Turns a CompareResult (forecast layer) into the report layer's plain ReportData. */

import { MODEL_LABELS, step } from 'rnnlab/forecast';
import type { CompareResult } from 'rnnlab/node';
import type { ModelRun, PredictionSeries, ReportData } from '../report/types.js';

/** The epoch with the lowest finite validation loss, and that loss. */
export function lowestValLoss(history: ModelRun['history']): { epoch?: number; loss?: number } {
  let best: { epoch?: number; loss?: number } = {};
  for (const h of history)
    if (Number.isFinite(h.valLoss) && (best.loss === undefined || h.valLoss < best.loss))
      best = { epoch: h.epoch, loss: h.valLoss };
  return best;
}

export function buildReportData(
  r: CompareResult,
  info: { range: string; unit: string; config: Record<string, string | number | boolean>; version: string },
): ReportData {
  const d = r.data;
  const H = r.eval.H;
  const res = r.results;
  const byModel: Record<string, PredictionSeries> = {};
  for (const f of r.forecasts) {
    byModel[f.name] = {
      forecast: Array.from(step(f.forecast, H, 0)),
      lo80: Array.from(step(f.bounds['80'].lower, H, 0)),
      hi80: Array.from(step(f.bounds['80'].upper, H, 0)),
      lo95: Array.from(step(f.bounds['95'].lower, H, 0)),
      hi95: Array.from(step(f.bounds['95'].upper, H, 0)),
    };
  }
  const sp = d.split;
  const date = (i: number) => d.dates[i];
  const kinds = [...new Set(r.models.map((m) => m.kind))];
  return {
    title: `rnnlab: ${kinds.map((k) => k.toUpperCase()).join(', ')} vs baselines on ${d.source.split('/').pop()}`,
    createdAt: new Date().toISOString(),
    dataset: {
      source: d.source,
      target: d.target === 'close' ? 'Close' : 'Close (model predicts log returns)',
      rows: d.dates.length,
      firstDate: d.dates[0],
      lastDate: d.dates[d.dates.length - 1],
      range: info.range,
      unit: info.unit,
    },
    series: { dates: d.dates, values: Array.from(d.prices) },
    splits: {
      // Target dates throughout: the first and last day each part forecasts.
      trainStart: date(d.windows.lastInputIndex[sp.train.windows[0]] + 1),
      trainEnd: date(sp.train.lastDay),
      valStart: res.calibrationPeriod.from,
      valEnd: date(sp.val.lastDay),
      testStart: res.testPeriod.from,
      testEnd: res.testPeriod.to,
      train: sp.train.windows.length,
      val: sp.val.windows.length,
      test: sp.test.windows.length,
      dropped: sp.dropped.val + sp.dropped.test,
    },
    config: info.config,
    models: r.models.map((m) => {
      const low = lowestValLoss(m.history);
      return {
        name: m.kind,
        label: MODEL_LABELS[m.kind],
        kind: 'model' as const,
        seed: m.seed,
        history: m.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, valLoss: h.valLoss })),
        keptEpoch: m.bestEpoch,
        bestEpoch: low.epoch,
        bestValLoss: low.loss,
        stopReason: m.stopReason,
        trainSeconds: m.trainSeconds,
        parameters: m.parameters,
        target: m.target,
      };
    }),
    predictions: { dates: r.eval.dates, actual: Array.from(step(r.eval.actual, H, 0)), byModel },
    results: res,
    horizonErrors: r.horizonErrors.length > 0 ? r.horizonErrors : undefined,
    runtime: {
      wallSeconds: r.wallSeconds,
      workers: r.workers,
      threads: r.threads,
      node: process.version,
      rnnlab: info.version,
    },
  };
}
