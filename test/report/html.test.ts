import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, jsonForScript } from '../../src/report/format.js';
import { renderHtml, vegaRuntimeSource } from '../../src/report/html.js';
import { makeReportData } from './fixture.js';

/** The chart payload embedded in the page. */
function chartPayload(html: string): Array<{ name: string; spec: unknown }> {
  const m = /<script type="application\/json" id="rnnlab-charts">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'chart payload present');
  return JSON.parse(m[1]!);
}

/** Every data source declared anywhere in a Vega spec. */
function dataEntries(
  node: unknown,
  out: Array<Record<string, unknown>> = [],
): Array<Record<string, unknown>> {
  if (Array.isArray(node)) for (const n of node) dataEntries(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.data)) out.push(...(o.data as Array<Record<string, unknown>>));
    for (const v of Object.values(o)) dataEntries(v, out);
  }
  return out;
}

test('the page is self-contained: nothing is loaded from a URL', () => {
  const html = renderHtml(makeReportData({ horizon: true }));
  assert.ok(html.startsWith('<!doctype html>'));
  // No src/href attribute points anywhere outside the file (absolute, protocol-relative or relative files).
  const refs = [...html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]!);
  const external = refs.filter((r) => /^(https?:)?\/\//i.test(r) || /\.(js|css|png|svg|woff2?)$/i.test(r));
  assert.deepEqual(external, []);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import/i);
  assert.doesNotMatch(html, /<(iframe|img|object|embed)\b/i);
  assert.doesNotMatch(html, /url\(\s*['"]?(https?:)?\/\//i);
  // Loading is also forbidden by policy.
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  // The Vega runtime is inlined, and the specs are already compiled to Vega with inline data only.
  assert.match(html, /<script>[\s\S]{100000,}<\/script>/);
  const payload = chartPayload(html);
  assert.deepEqual(
    payload.map((c) => c.name),
    ['series', 'mae', 'predictions', 'loss', 'horizon'],
  );
  // Outside the inlined runtime (which names the SVG XML namespaces), no address appears at all.
  const runtime = vegaRuntimeSource();
  assert.ok(html.includes(runtime));
  assert.doesNotMatch(html.replace(runtime, ''), /https?:\/\//);
  for (const c of payload) {
    const spec = c.spec as { marks?: unknown[]; signals?: unknown[] };
    assert.ok(Array.isArray(spec.marks) && spec.marks.length > 0, `${c.name}: a compiled Vega spec`);
    for (const d of dataEntries(c.spec))
      assert.equal(d.url, undefined, `${c.name}: data ${String(d.name)} has a url`);
  }
});

test('the page names every model and baseline and has all sections', () => {
  const data = makeReportData();
  const html = renderHtml(data);
  for (const m of data.metrics) assert.ok(html.includes(escapeHtml(m.label)), m.label);
  for (const m of data.models) assert.ok(html.includes(escapeHtml(m.label)), m.label);
  for (const heading of [
    'Does any model beat the naive forecast?',
    'Test-period accuracy, ranked by MAE',
    'Charts',
    'Models',
    'Configuration',
    'What this run does differently from the tutorial',
    'Why the bidirectional RNN is scored on the last position only',
  ]) {
    assert.ok(html.includes(heading), heading);
  }
  for (const key of Object.keys(data.config)) assert.ok(html.includes(`>${key}<`), key);
  // The six flaws.
  for (const phrase of [
    'newest first',
    'training loader',
    'whole series',
    'trainer.step()',
    'N×N',
    'signed sum',
  ])
    assert.ok(html.includes(phrase), phrase);
  // The BRNN is listed as trained on the last position.
  assert.match(html, /applies to: <b>BRNN<\/b>/);
});

test('the verdict names the best model and says whether it beats naive', () => {
  const yes = renderHtml(makeReportData({ beats: true }));
  assert.match(yes, /class="verdict verdict-good"/);
  assert.match(
    yes,
    /<span class="verdict-word">Yes\.<\/span> LSTM beats the naive forecast, test MAE 90\.00 vs naive 100\.00/,
  );
  assert.match(yes, /\(10\.0% lower\)/);
  const no = renderHtml(makeReportData({ beats: false }));
  assert.match(no, /class="verdict verdict-bad"/);
  assert.match(no, /<span class="verdict-word">No\.<\/span> no model beats the naive last-value forecast/);
  assert.match(
    no,
    /The best model, LSTM, has test MAE 110\.00 vs naive 100\.00 index points \(10\.0% higher\)/,
  );
  // Best row of the ranked table is highlighted: LSTM when it wins, naive when nothing beats it.
  assert.match(
    yes,
    /<tr class="best best-model">\s*<td class="num rank">1<\/td>\s*<td class="model">[^\n]*LSTM/,
  );
  assert.match(
    no,
    /<tr class="best baseline reference">\s*<td class="num rank">1<\/td>\s*<td class="model">[^\n]*naive/,
  );
});

test('text from the data is escaped, in the page and in the embedded JSON', () => {
  const evil = '<script>alert("x")</script>';
  const data = makeReportData({ lstmLabel: evil });
  data.dataset.source = 'a & b <i>';
  const html = renderHtml(data);
  assert.ok(!html.includes(evil), 'raw label must not appear');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.ok(html.includes('a &amp; b &lt;i&gt;'));
  assert.equal((html.match(/<script\b/gi) ?? []).length, 3, 'only the payload, runtime and client scripts');
  assert.equal((html.match(/<\/script>/gi) ?? []).length, 3);
  // The label survives intact inside the chart data.
  assert.ok(JSON.stringify(chartPayload(html)).includes('alert(\\"x\\")</script>'));
  assert.match(html, /<title>Synthetic report &lt;test&gt;<\/title>/);
});

test('escapeHtml and jsonForScript', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const tricky = { s: '</script><!-- \u2028 & >' };
  const json = jsonForScript(tricky);
  assert.doesNotMatch(json, /[<>&\u2028]/);
  assert.deepEqual(JSON.parse(json), tricky);
});
