/** Turns a CompareResult (forecast layer) into the report layer's plain ReportData. */

import type { CompareResult } from '../forecast/compare.js';
import { step } from '../forecast/evaluation.js';
import { MODEL_LABELS } from '../forecast/models.js';
import type { ReportData } from '../report/types.js';

export function buildReportData(
  r: CompareResult,
  info: { range: string; config: Record<string, string | number | boolean>; version: string },
): ReportData {
  const d = r.data;
  const H = r.eval.H;
  const byModel: Record<string, number[]> = {};
  for (const m of r.models) byModel[m.kind] = Array.from(step(m.forecast, H, 0));
  for (const [b, f] of Object.entries(r.baselines)) byModel[b] = Array.from(step(f, H, 0));
  const sp = d.split;
  const date = (i: number) => d.dates[i];
  return {
    title: `rnnlab: ${r.models.map((m) => m.kind.toUpperCase()).join(', ')} vs baselines on ${d.source.split('/').pop()}`,
    createdAt: new Date().toISOString(),
    dataset: {
      source: d.source,
      target: d.target === 'close' ? 'Close' : 'Close (model predicts log returns)',
      rows: d.dates.length,
      firstDate: d.dates[0],
      lastDate: d.dates[d.dates.length - 1],
      range: info.range,
      unit: 'index points',
    },
    series: { dates: d.dates, values: Array.from(d.prices) },
    splits: {
      trainStart: date(sp.train.firstDay),
      trainEnd: date(sp.train.lastDay),
      valStart: date(sp.val.firstDay),
      valEnd: date(sp.val.lastDay),
      testStart: date(sp.test.firstDay),
      testEnd: date(sp.test.lastDay),
      train: sp.train.windows.length,
      val: sp.val.windows.length,
      test: sp.test.windows.length,
      dropped: sp.dropped.val + sp.dropped.test,
    },
    config: info.config,
    models: r.models.map((m) => ({
      name: m.kind,
      label: MODEL_LABELS[m.kind],
      kind: 'model' as const,
      history: m.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, valLoss: h.valLoss })),
      bestEpoch: m.bestEpoch,
      stopReason: m.stopReason,
      trainSeconds: m.trainSeconds,
      parameters: m.parameters,
      target: m.target,
    })),
    predictions: { dates: r.eval.dates, actual: Array.from(step(r.eval.actual, H, 0)), byModel },
    metrics: r.metrics.map((m) => ({ ...m })),
    horizonErrors: r.horizonErrors.length > 0 ? r.horizonErrors : undefined,
    runtime: { wallSeconds: r.wallSeconds, workers: r.workers, node: process.version, rnnlab: info.version },
  };
}
