import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildCharts,
  horizonChart,
  lossChart,
  maeChart,
  predictionsChart,
  seriesChart,
} from '../../src/report/charts.js';
import { compileChart } from '../../src/report/compile.js';
import { seriesStyles } from '../../src/report/palette.js';
import { renderPng, renderSvg } from '../../src/report/svg.js';
import { makeReportData } from './fixture.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Every (domain, range) color scale in a spec, as label → color. */
function colorMaps(node: unknown, out: Array<Map<string, string>> = []): Array<Map<string, string>> {
  if (Array.isArray(node)) for (const n of node) colorMaps(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.color && typeof o.color === 'object') {
      const s = (o.color as { scale?: { domain?: unknown[]; range?: unknown[] } }).scale;
      if (Array.isArray(s?.domain) && Array.isArray(s?.range) && typeof s.range[0] === 'string')
        out.push(new Map(s.domain.map((d, i) => [String(d), String(s.range![i])])));
    }
    for (const v of Object.values(o)) colorMaps(v, out);
  }
  return out;
}

test('interactive and static variants compile without warnings', () => {
  const data = makeReportData({ horizon: true });
  for (const interactive of [true, false]) {
    for (const chart of buildCharts(data, { interactive })) {
      const { vega, warnings } = compileChart(chart.spec);
      assert.deepEqual(warnings, [], `${chart.name} (interactive: ${interactive})`);
      const signals = JSON.stringify(vega.signals ?? []);
      if (chart.name === 'predictions') assert.equal(signals.includes('zoom'), interactive);
    }
  }
});

test('every chart compiles without warnings and renders to SVG (and PNG when resvg works)', async (t) => {
  const charts = buildCharts(makeReportData({ horizon: true }), { interactive: false });
  assert.deepEqual(
    charts.map((c) => c.name),
    ['series', 'mae', 'predictions', 'loss', 'horizon'],
  );
  for (const chart of charts) {
    const { vega, warnings } = compileChart(chart.spec);
    assert.deepEqual(warnings, [], `${chart.name}: vega-lite warnings`);
    const svg = await renderSvg(vega);
    assert.match(svg, /<svg/, chart.name);
    assert.match(svg, /<path|<line|<rect/, `${chart.name}: draws marks`);
    const { png, warning } = await renderPng(svg, { scale: 1 });
    if (!png) {
      t.diagnostic(`${chart.name}: no PNG (${warning})`);
      continue;
    }
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE, `${chart.name}: PNG signature`);
    if (warning) t.diagnostic(`${chart.name}: ${warning}`);
  }
});

test('the horizon chart exists only with per-step errors', () => {
  assert.equal(horizonChart(makeReportData()), null);
  assert.equal(
    buildCharts(makeReportData()).some((c) => c.name === 'horizon'),
    false,
  );
  assert.notEqual(horizonChart(makeReportData({ horizon: true })), null);
});

test('a model has the same color in every chart', () => {
  const data = makeReportData({ horizon: true });
  const styles = seriesStyles(data);
  assert.equal(new Set(styles.map((s) => s.color)).size, styles.length, 'distinct colors');
  assert.equal(new Set(styles.map((s) => s.label)).size, styles.length, 'distinct labels');
  const expected = new Map(styles.map((s) => [s.label, s.color]));
  let checked = 0;
  for (const chart of buildCharts(data)) {
    for (const map of colorMaps(chart.spec)) {
      for (const [label, color] of map) {
        if (!expected.has(label)) continue;
        assert.equal(color, expected.get(label), `${chart.name}: ${label}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 10, `checked ${checked} color assignments`);
});

test('non-finite values (a diverged model) do not break the charts', async () => {
  const data = makeReportData();
  const lstm = data.predictions.byModel.lstm!;
  data.predictions.byModel.lstm = { forecast: lstm.forecast.map(() => Number.NaN) };
  data.models[0]!.history[3]!.valLoss = Number.POSITIVE_INFINITY;
  const nan = { mean: Number.NaN, sd: Number.NaN, min: Number.NaN, max: Number.NaN, perSeed: [Number.NaN] };
  data.results.rows = data.results.rows.map((r) => (r.name === 'lstm' ? { ...r, mae: nan, rmse: nan } : r));
  for (const chart of buildCharts(data)) {
    const { vega, warnings } = compileChart(chart.spec);
    assert.deepEqual(warnings, [], chart.name);
    assert.match(await renderSvg(vega), /<svg/, chart.name);
  }
});

interface Layer {
  mark?: { type: string; opacity?: number };
  encoding?: { y?: { field: string }; y2?: { field: string }; x2?: { field: string } };
  data?: { values: Array<Record<string, unknown>> };
}

/** The layers of a faceted or layered Vega-Lite spec. */
function layers(spec: unknown): Layer[] {
  const s = spec as { spec?: { layer?: Layer[] }; layer?: Layer[] };
  return s.spec?.layer ?? s.layer ?? [];
}

/** Inline data values of a spec (top level). */
function values(spec: unknown): Array<Record<string, unknown>> {
  return (spec as { data: { values: Array<Record<string, unknown>> } }).data.values;
}

test('predictions: 95% and 80% bands behind the forecast line in every panel', () => {
  const data = makeReportData();
  const spec = predictionsChart(data, { interactive: false });
  const l = layers(spec);
  const areas = l.filter((x) => x.mark?.type === 'area');
  assert.deepEqual(
    areas.map((a) => [a.encoding?.y?.field, a.encoding?.y2?.field]),
    [
      ['lo95', 'hi95'],
      ['lo80', 'hi80'],
    ],
  );
  // Bands come first (drawn behind), the wider one lighter.
  assert.equal(l[0]!.mark?.type, 'area');
  assert.equal(l[1]!.mark?.type, 'area');
  assert.ok(areas[0]!.mark!.opacity! < areas[1]!.mark!.opacity!);
  assert.ok(l.slice(2).some((x) => x.mark?.type === 'line'));
  // The data carries the bounds of each panel: naive's 80% band on its first day is prev ± 0.4 %.
  const rows = values(spec);
  assert.deepEqual(
    [...new Set(rows.map((r) => r.panel))],
    ['LSTM', 'Bidirectional RNN', 'Naive (last value)'],
  );
  const naive = rows.find((r) => r.panel === 'Naive (last value)')!;
  const prev = data.series.values[41]!;
  assert.equal(naive.forecast, prev);
  assert.ok(Math.abs((naive.lo80 as number) - prev * 0.996) < 1e-6);
  assert.ok(Math.abs((naive.hi95 as number) - prev * 1.007) < 1e-6);
  // The subtitle names the bands and the scored test period.
  assert.match(
    JSON.stringify(spec),
    /bands: 80% \(darker\) and 95% conformal intervals\. 2024-02-29 to 2024-03-25/,
  );
});

test("MAE chart: ensembles and baselines, with each model's seed range as an error bar", () => {
  const spec = maeChart(makeReportData({ beats: true }));
  const rows = values(spec);
  assert.deepEqual(
    rows.map((r) => [r.label, r.mae, r.seedMin, r.seedMax]),
    [
      ['LSTM ×3 seeds', 90, 88, 96],
      ['AR(1)', 99, null, null],
      ['Naive (last value)', 100, null, null],
      ['Mean training return', 100.4, null, null],
      ['Drift', 100.5, null, null],
      ['Bidirectional RNN ×3 seeds', 126, 122, 134],
    ],
  );
  assert.equal(rows[0]!.text, '90.00 (−10.0%, p 0.020)');
  const l = layers(spec);
  const bar = l.find((x) => x.encoding?.x2?.field === 'seedMax');
  assert.ok(bar, 'an error bar from seedMin to seedMax');
  const seedDots = l.find((x) => x.data?.values)!.data!.values;
  assert.deepEqual(
    seedDots.map((d) => d.mae),
    [88, 92, 96, 122, 128, 134],
  );
});

test('loss chart: one line per model, seed and split; kept and lowest epochs marked', () => {
  const spec = lossChart(makeReportData());
  const rows = values(spec);
  assert.equal(new Set(rows.map((r) => r.line)).size, 2 * 3 * 2);
  assert.equal(rows.filter((r) => r.marker === 'kept').length, 6);
  assert.ok(rows.filter((r) => r.marker === 'kept').every((r) => r.epoch === 10 && r.split === 'validation'));
  assert.ok(rows.filter((r) => r.marker === 'lowest').every((r) => r.epoch === 7));
  const early = values(lossChart(makeReportData({ patience: true })));
  assert.equal(early.filter((r) => r.marker === 'lowest').length, 0, 'kept is the lowest: no ring');
});

test('series chart shades the scored test period; axes use the dataset unit (default "price")', () => {
  const data = makeReportData();
  const spec = seriesChart(data);
  const test = layers(spec)[0]!.data!.values.find((r) => r.split === 'test')!;
  assert.deepEqual([test.start, test.end], [data.results.testPeriod.from, data.results.testPeriod.to]);
  assert.match(JSON.stringify(spec), /"Close \(price\)"/);
  assert.match(
    JSON.stringify(seriesChart(makeReportData({ unit: 'index points' }))),
    /"Close \(index points\)"/,
  );
});
