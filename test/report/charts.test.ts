import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCharts, horizonChart } from '../../src/report/charts.js';
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
  data.predictions.byModel.lstm = data.predictions.byModel.lstm!.map(() => Number.NaN);
  data.models[0]!.history[3]!.valLoss = Number.POSITIVE_INFINITY;
  data.metrics[0] = { ...data.metrics[0]!, mae: Number.NaN, rmse: Number.NaN, mase: Number.NaN };
  for (const chart of buildCharts(data)) {
    const { vega, warnings } = compileChart(chart.spec);
    assert.deepEqual(warnings, [], chart.name);
    assert.match(await renderSvg(vega), /<svg/, chart.name);
  }
});
