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
  for (const label of ['LSTM ×3 seeds', 'Bidirectional RNN ×3 seeds', 'Naive (last value)', 'Drift', 'AR(1)'])
    assert.ok(html.includes(escapeHtml(label)), label);
  assert.ok(html.includes('Mean training return'));
  for (const heading of [
    'Does any model beat the naive forecast?',
    'Test-period accuracy, ranked by MAE',
    'Per seed: test MAE and rank among the models',
    'Significance tests against naive and interval widths',
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
  assert.match(html, /applies to: <b>Bidirectional RNN<\/b>/);
});

test('the verdict shows the headline, the text and the rule; tone follows the answer', () => {
  const yes = renderHtml(makeReportData({ beats: true }));
  assert.match(yes, /class="verdict verdict-good"/);
  assert.match(
    yes,
    /<span class="verdict-word">Yes\.<\/span> LSTM ensemble \(3 seeds\) beats the naive forecast: test MAE 90\.00 vs naive 100\.00 price \(10\.0% lower\), DM p \(Holm\) = 0\.020\./,
  );
  assert.match(yes, /<b>How the verdict is decided:<\/b> Each model is judged by its seed ensemble\./);
  assert.match(yes, /LSTM has the lowest MAE of the models in 3 of 3 seeds\./);
  assert.match(yes, /the close rose on 55\.6% of the test days/);
  const no = renderHtml(makeReportData({ beats: false }));
  assert.match(no, /class="verdict verdict-bad"/);
  assert.match(
    no,
    /<span class="verdict-word">No — not significantly better\.<\/span> No model beats the naive forecast significantly\./,
  );
  assert.match(no, /2 of 3 seeds \(Bidirectional RNN in 1\)/);
  // The best row is highlighted: the LSTM ensemble in both cases (lowest MAE), the reference row marked.
  for (const html of [yes, no]) {
    assert.match(
      html,
      /<tr class="best best-model">\s*<td class="num rank">1<\/td>\s*<td class="model">[^\n]*LSTM ×3 seeds/,
    );
    assert.match(html, /<tr class="baseline reference">\s*<td class="num rank">3<\/td>/);
  }
});

/** The cells of the metrics table row whose model cell contains `label`. */
function metricsRow(html: string, label: string): string[] {
  const table = /<table class="metrics">([\s\S]*?)<\/table>/.exec(html)![1]!;
  const row = [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].find((m) => m[1]!.includes(label));
  assert.ok(row, label);
  return [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
}

test('the metrics table prints spreads, p-values with Holm, coverage and n/a for naive direction', () => {
  const html = renderHtml(makeReportData({ beats: true }));
  assert.deepEqual(metricsRow(html, 'LSTM ×3 seeds'), [
    '1',
    'LSTM ×3 seeds',
    '90.00',
    '92.0 ± 4.0 (88.0–96.0)',
    '112.50',
    '0.237',
    '0.900',
    '55.6',
    '−1.00',
    '0.004 (0.020)',
    '83/94',
    '18',
  ]);
  const naive = metricsRow(html, 'Naive (last value)');
  assert.equal(naive[7], 'n/a');
  assert.equal(naive[9], '—');
  assert.equal(naive[3], '');
  assert.equal(metricsRow(html, 'Drift')[7], '55.6 ↑ always');
  assert.equal(metricsRow(html, 'Bidirectional RNN')[7], '44.4 ↓ always');
  // Significant p-values are colored by direction: LSTM better (good), nothing else significant after Holm.
  assert.match(html, /<td class="num good">0\.004 \(0\.020\)<\/td>/);
  assert.doesNotMatch(html, /<td class="num bad">/);
  // Per-seed detail: each seed's MAE with the model's rank in that seed, and how often it came first.
  assert.match(html, /88\.00 <span class="seed-rank first">#1<\/span>/);
  assert.match(html, /134\.00 <span class="seed-rank">#2<\/span>/);
  assert.match(html, /3 of 3<\/td>/);
  // Tests detail: squared-error p-values and relative half-widths.
  assert.match(html, /0\.008 \(0\.040\)/);
  assert.match(html, /±0\.40% \/ ±0\.70%/);
});

test('the notes explain MASE, DM/HLN, Holm and the conformal intervals correctly', () => {
  const html = renderHtml(makeReportData());
  assert.match(html, /naive forecast's in-sample MAE over the <i>training<\/i> period/);
  assert.match(
    html,
    /MASE is not comparable across series here, and a MASE below 1 does not mean a model beats naive/,
  );
  assert.match(html, /Harvey–Leybourne–Newbold correction/);
  assert.match(html, /Holm's step-down method/);
  assert.match(html, /calibrated on the validation period \(2024-02-15 → 2024-02-28, 10 days\)/);
  assert.match(html, /that base rate, not 50%/);
  assert.doesNotMatch(html, /comparable across series and periods/);
  assert.doesNotMatch(html, /coin flip/);
});

test('the extrapolation warning appears only when test targets leave the training range', () => {
  const absent = renderHtml(makeReportData());
  assert.doesNotMatch(absent, /Extrapolation:/);
  assert.doesNotMatch(renderHtml(makeReportData({ extrapolationShare: 0 })), /Extrapolation:/);
  const present = renderHtml(makeReportData({ extrapolationShare: 0.667 }));
  assert.match(
    present,
    /<b>Extrapolation:<\/b> 66\.7% of the test targets lie outside the range of the training period's prices \(37,200\.00 – 38,900\.00 price; all 12 above its maximum\)/,
  );
  assert.match(
    present,
    /cannot forecast beyond the range seen in training: their forecasts flatten near its edge and are biased low/,
  );
  assert.match(present, /<code>--target log_return<\/code>/);
});

test('units default to "price"; the dataset unit is used when given', () => {
  const html = renderHtml(makeReportData());
  assert.doesNotMatch(html, /index points/);
  assert.match(html, /Close \(price\)/);
  assert.match(html, /in price units\./);
  const dji = renderHtml(makeReportData({ unit: 'index points' }));
  assert.match(dji, /Close \(index points\)/);
  assert.match(dji, /Test MAE \(index points\), lower is better/);
});

test('one test period everywhere: results.testPeriod, never another range', () => {
  const data = makeReportData();
  // A split that disagreed with the scored period must not leak into any caption, card or chart.
  data.splits.testStart = '2031-01-01';
  data.splits.testEnd = '2031-02-03';
  const html = renderHtml(data);
  assert.doesNotMatch(html, /2031-0/);
  const { from, to } = data.results.testPeriod;
  assert.match(html, new RegExp(`test days \\(${from} → ${to}\\)`));
  assert.match(
    html,
    new RegExp(`Test</dt><dd><b>18</b> windows<br><span class="muted period">${from} → ${to}`),
  );
  assert.match(html, new RegExp(`test ${from} → ${to}\\.`));
  const payload = JSON.stringify(chartPayload(html));
  assert.ok(payload.includes(`"start":"${from}","end":"${to}"`), 'series chart shades the scored period');
});

test('models: one row per model and seed; the kept epoch is labelled honestly', () => {
  const html = renderHtml(makeReportData());
  const models = /<table class="models">([\s\S]*?)<\/table>/.exec(html)![1]!;
  assert.equal((models.match(/<tr class="(group-start)?">/g) ?? []).length, 6);
  assert.match(html, /Kept: last epoch \(no <code>--patience<\/code>\)/);
  assert.match(
    models,
    /10 <span class="muted" title="kept: last epoch \(no --patience\)">last epoch<\/span>/,
  );
  assert.match(models, /0\.1157 <span class="muted">\(epoch 7\)<\/span>/);
  assert.doesNotMatch(html, /validation loss decides the kept epoch/);
  assert.doesNotMatch(html, /Validation picks the kept epoch/);
  const early = renderHtml(makeReportData({ patience: true }));
  assert.match(early, /Every run kept and scored the weights of its epoch with the lowest validation loss\./);
  assert.match(early, /7 <span class="muted">lowest val\. loss<\/span>/);
  assert.doesNotMatch(early, /no --patience/);
});

test('text from the data is escaped, in the page and in the embedded JSON', () => {
  const evil = '<script>alert("x")</script>';
  const data = makeReportData({ lstmLabel: evil });
  data.results.verdict.rule = `${evil} rule`;
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
