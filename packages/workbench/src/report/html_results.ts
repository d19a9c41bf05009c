/**
 * The HTML sections rendered from a comparison's results (`results.json`): the verdict with its rule and notes,
 * the ranked accuracy table with its per-seed detail, and the significance tests and interval coverage per row.
 * All text from the data is escaped.
 */
import { unitOf } from './charts.js';
import {
  escapeHtml as esc,
  fmtCoverage,
  fmtFractionAsPercent,
  fmtInteger,
  fmtNumber,
  fmtPHolm,
  fmtSigned,
  fmtSpread,
  NA,
  unitWords,
} from './format.js';
import { seriesStyles, styleByName } from './palette.js';
import { directionMark, naiveRow, rankedRows, rowLabel, seedCount, seedRow, seedRows } from './rows.js';
import type { CompareResults, ReportData, ResultRow } from './types.js';

/**
 * The extrapolation warning (price-level target, test targets outside the training range), or '' when there is
 * nothing to warn about.
 */
export function extrapolationNote(results: CompareResults, unit: string): string {
  const x = results.extrapolation;
  if (!x || !(x.share > 0)) return '';
  const side = x.above >= x.below ? 'low' : 'high';
  const where =
    x.above > 0 && x.below > 0
      ? `${fmtInteger(x.above)} above and ${fmtInteger(x.below)} below`
      : x.above > 0
        ? `all ${fmtInteger(x.above)} above its maximum`
        : `all ${fmtInteger(x.below)} below its minimum`;
  return (
    `<b>Extrapolation:</b> ${esc(fmtFractionAsPercent(x.share))}% of the test targets lie outside the range of ` +
    `the training period's prices (${esc(fmtNumber(x.trainMin))} \u2013 ${esc(fmtNumber(x.trainMax))} ${esc(unit)}; ` +
    `${esc(where)}). Networks with tanh units trained on price levels cannot forecast beyond the range seen in ` +
    `training: their forecasts flatten near its edge and are biased ${side}. Train on returns with ` +
    '<code>--target log_return</code> to avoid this.'
  );
}

/** The answer to "does any model beat naive?": headline, text, the rule, and the notes that qualify it. */
export function verdictSection(data: ReportData): string {
  const results = data.results;
  const v = results.verdict;
  const unit = unitOf(data);
  const tone = v.answer === 'yes' ? 'good' : v.answer === 'no' ? 'bad' : 'unknown';
  const notes: Array<{ cls: string; html: string }> = [];
  const extrapolation = extrapolationNote(results, unit);
  if (extrapolation) notes.push({ cls: 'verdict-warning', html: extrapolation });
  if (results.rankStability.text)
    notes.push({
      cls: '',
      html: `<b>Seeds:</b> every model was trained with ${esc(seedCount(results))} (${esc(results.seeds.join(', '))}). ${esc(results.rankStability.text)}`,
    });
  notes.push({
    cls: '',
    html:
      `<b>Direction:</b> the close rose on ${esc(fmtFractionAsPercent(results.upShare))}% of the test days, so a ` +
      'forecast that always says "up" calls that share of directions right. Compare directional accuracy with ' +
      'this base rate, not with 50%.',
  });
  notes.push({
    cls: '',
    html:
      'The naive forecast says tomorrow closes where today closed. Daily price moves are close to unpredictable, so ' +
      'naive is hard to beat: a network that learns to copy its last input matches it without any real skill. ' +
      'Matching naive is therefore not success; only a lower error that is more than noise is.',
  });
  return `<section class="verdict verdict-${tone}" aria-labelledby="verdict-q">
  <h2 id="verdict-q">Does any model beat the naive forecast?</h2>
  <p class="verdict-answer"><span class="verdict-word">${esc(v.headline)}</span> ${esc(v.text)}</p>
  <p class="verdict-rule"><b>How the verdict is decided:</b> ${esc(v.rule)}</p>
  <ul class="verdict-notes">
    ${notes.map((n) => `<li${n.cls ? ` class="${n.cls}"` : ''}>${n.html}</li>`).join('\n    ')}
  </ul>
</section>`;
}

/** Directional accuracy cell: percent, "n/a" for a forecast that never moves, a tag for a constant direction. */
function directionCell(row: ResultRow): string {
  const pct = fmtFractionAsPercent(row.directionalAccuracy);
  const mark = directionMark(row);
  if (!mark || pct === NA) return esc(pct);
  const word = row.direction === 'always-up' ? 'up' : 'down';
  return `${esc(pct)} <span class="tag" title="predicts ${word} every day">${mark} always</span>`;
}

/** The accuracy table (ensembles and baselines ranked by MAE), the per-seed detail and the column notes. */
export function metricsSection(data: ReportData): string {
  const results = data.results;
  const unit = unitOf(data);
  const styles = styleByName(seriesStyles(data));
  const naive = naiveRow(results);
  const alpha = results.verdict.alpha;
  const t = results.testPeriod;
  const rows = rankedRows(results).map((r) => {
    const classes: string[] = [];
    if (r.rank === 1 && Number.isFinite(r.mae.mean)) classes.push('best');
    if (r.kind === 'baseline') classes.push('baseline');
    if (r === naive) classes.push('reference');
    if (r.kind === 'ensemble' && r.name === results.verdict.best) classes.push('best-model');
    const color = styles.get(r.name)?.color ?? '#999';
    // Seed ensembles read "×N seeds"; every other row is a baseline (dimmed), naive is tagged as the reference.
    const tag = r === naive ? '<span class="tag tag-ref">reference</span>' : '';
    const spread = seedRow(results, r);
    const dm = r.dm?.abs;
    const pClass = dm && dm.pHolm < alpha ? (dm.statistic < 0 ? 'good' : 'bad') : '';
    return `<tr class="${classes.join(' ')}">
  <td class="num rank">${esc(String(r.rank))}</td>
  <td class="model"><span class="swatch" style="background:${esc(color)}"></span>${esc(rowLabel(results, r))} ${tag}</td>
  <td class="num">${esc(fmtNumber(r.mae.mean))}</td>
  <td class="num spread">${spread ? esc(fmtSpread(spread.mae)) : ''}</td>
  <td class="num">${esc(fmtNumber(r.rmse.mean))}</td>
  <td class="num">${esc(fmtNumber(r.mape.mean, 3))}</td>
  <td class="num">${esc(fmtNumber(r.mase.mean, 3))}</td>
  <td class="num">${directionCell(r)}</td>
  <td class="num">${esc(fmtSigned(r.bias.mean))}</td>
  <td class="num ${pClass}">${r === naive ? '\u2014' : esc(fmtPHolm(dm))}</td>
  <td class="num">${esc(fmtCoverage(r.coverage))}</td>
  <td class="num muted">${esc(fmtInteger(t.n))}</td>
</tr>`;
  });
  const cal = results.calibrationPeriod;
  return `<section aria-labelledby="metrics-h">
  <h2 id="metrics-h">Test-period accuracy, ranked by MAE</h2>
  <p class="lead">One-step-ahead forecasts on the ${esc(fmtInteger(t.n))} test days (${esc(t.from)} \u2192 ${esc(t.to)}), in ${esc(unitWords(unit))}. Each model is scored by its seed ensemble, the mean of the forecasts of its ${esc(seedCount(results))}; <i>MAE over seeds</i> shows how much a single seed's score varies. Rows without \u201c\u00d7 seeds\u201d are baselines. The top row is highlighted${naive ? '; the naive row is the reference of every test' : ''}.</p>
  <div class="table-wrap">
  <table class="metrics">
    <thead><tr>
      <th class="num">#</th><th>Model</th>
      <th class="num">MAE</th><th class="num">MAE over seeds</th><th class="num">RMSE</th><th class="num">MAPE %</th>
      <th class="num">MASE</th><th class="num">Dir. acc. %</th><th class="num">Bias</th>
      <th class="num" title="Diebold–Mariano (HLN) p-value of absolute error vs naive; Holm-adjusted in brackets">p DM (Holm)</th>
      <th class="num" title="% of test days inside the 80% and 95% intervals">Cover 80/95</th><th class="num">n</th>
    </tr></thead>
    <tbody>
${rows.join('\n')}
    </tbody>
  </table>
  </div>
  <dl class="defs">
    <dt>MAE, RMSE, MAPE</dt><dd>Mean absolute error and root mean squared error in ${esc(unitWords(unit))}; mean absolute percentage error. <i>MAE over seeds</i>: mean \u00b1 standard deviation (lowest\u2013highest) of the single seeds' MAE.</dd>
    <dt>MASE</dt><dd>MAE divided by the naive forecast's in-sample MAE over the <i>training</i> period. A scale, not a verdict: the test period's moves can be larger or smaller than the training period's, so MASE is not comparable across series here, and a MASE below 1 does not mean a model beats naive on the test period. Compare it with the naive row's MASE and read the DM test.</dd>
    <dt>Dir. acc.</dt><dd>Share of test days on which the forecast called the direction of the move (forecast vs the last close) right. The close rose on ${esc(fmtFractionAsPercent(results.upShare))}% of the test days: that base rate, not 50%, is what a forecast that always says "up" scores. n/a: the forecast never predicts a move (naive); <i>\u2191 always</i> / <i>\u2193 always</i>: it predicts the same direction every day.</dd>
    <dt>Bias</dt><dd>mean(forecast \u2212 actual): positive means the forecasts are too high on average.</dd>
    <dt>p DM</dt><dd>The Diebold\u2013Mariano test asks whether the difference in absolute error between a row and the naive forecast over the test days is larger than chance, allowing for autocorrelated errors; the Harvey\u2013Leybourne\u2013Newbold correction makes it valid for small samples (Student t, two-sided). <span class="good">Green</span>: significantly better than naive; <span class="bad">red</span>: significantly worse.</dd>
    <dt>(Holm)</dt><dd>Testing several rows against naive makes a small p-value likely by luck alone. Holm's step-down method raises the p-values so that the chance of any false "better" stays below ${esc(String(alpha))}; the verdict uses the adjusted value.</dd>
    <dt>Cover 80/95</dt><dd>Split-conformal prediction intervals, calibrated on the validation period (${esc(cal.from)} \u2192 ${esc(cal.to)}, ${esc(fmtInteger(cal.n))} days) from each row's errors there. The numbers are the % of test days whose close fell inside the 80% and the 95% interval: near 80 and 95 the intervals are honest, lower means the errors grew after calibration.</dd>
  </dl>
${seedsDetail(data)}
${testsDetail(data)}
</section>`;
}

/** Per seed: each model's MAE and rank among the models in every seed, and how often each model came first. */
function seedsDetail(data: ReportData): string {
  const results = data.results;
  const models = seedRows(results);
  if (models.length === 0) return '';
  const styles = styleByName(seriesStyles(data));
  const head = results.seeds.map((s) => `<th class="num">seed ${esc(String(s))}</th>`).join('');
  const body = models.map((m) => {
    const cells = results.seeds.map((_, i) => {
      const mae = m.mae.perSeed[i];
      const rank = m.seedRanks?.[i];
      return `<td class="num">${esc(fmtNumber(mae ?? Number.NaN))}${rank !== undefined ? ` <span class="seed-rank${rank === 1 ? ' first' : ''}">#${esc(String(rank))}</span>` : ''}</td>`;
    });
    const firsts = m.seedRanks ? m.seedRanks.filter((r) => r === 1).length : undefined;
    const ensemble = results.rows.find((r) => r.kind === 'ensemble' && r.name === m.name);
    return `<tr>
  <td class="model"><span class="swatch" style="background:${esc(styles.get(m.name)?.color ?? '#999')}"></span>${esc(m.label)}</td>
  ${cells.join('')}
  <td class="num">${esc(fmtSpread(m.mae))}</td>
  <td class="num">${ensemble ? esc(fmtNumber(ensemble.mae.mean)) : NA}</td>
  <td class="num">${firsts === undefined ? NA : `${esc(String(firsts))} of ${esc(String(results.seeds.length))}`}</td>
</tr>`;
  });
  return `<details class="detail" open>
  <summary>Per seed: test MAE and rank among the models</summary>
  <p class="lead">${esc(results.rankStability.text)} The ensemble's MAE is usually below the seeds' mean: averaging the seeds cancels part of their independent errors.</p>
  <div class="table-wrap">
  <table class="seeds">
    <thead><tr><th>Model</th>${head}<th class="num">mean \u00b1 sd (min\u2013max)</th><th class="num">Ensemble</th><th class="num">Ranked first</th></tr></thead>
    <tbody>
${body.join('\n')}
    </tbody>
  </table>
  </div>
</details>`;
}

/** The Diebold–Mariano tests (absolute and squared error) and interval coverage per row and forecast step. */
function testsDetail(data: ReportData): string {
  const results = data.results;
  const naive = naiveRow(results);
  const rows = rankedRows(results).filter((r) => r !== naive && r.dm);
  if (rows.length === 0) return '';
  const h = Math.max(1, results.horizon);
  const pctOfPrice = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v) ? NA : `\u00b1${fmtNumber(v * 100, 2)}%`;
  const body = rows.flatMap((r) =>
    Array.from({ length: h }, (_, k) => {
      const dm = r.dmByStep?.[k] ?? (k === 0 ? r.dm : null);
      const cover = r.coverageByStep?.[k] ?? (k === 0 ? r.coverage : null);
      const stat = dm ? fmtSigned(dm.abs.statistic) : NA;
      return `<tr>
  <td class="model">${k === 0 ? esc(rowLabel(results, r)) : ''}</td>
  ${h > 1 ? `<td class="num">${k + 1}</td>` : ''}
  <td class="num">${esc(stat)}</td>
  <td class="num">${esc(fmtPHolm(dm?.abs))}</td>
  <td class="num">${esc(fmtPHolm(dm?.sq))}</td>
  <td class="num">${esc(fmtCoverage(cover))}</td>
  <td class="num">${esc(pctOfPrice(r.halfWidth?.['80'][k]))} / ${esc(pctOfPrice(r.halfWidth?.['95'][k]))}</td>
</tr>`;
    }),
  );
  return `<details class="detail">
  <summary>Significance tests against naive and interval widths${h > 1 ? `, steps 1\u2013${h}` : ''}</summary>
  <p class="lead">DM statistic: negative means lower error than naive. p-values two-sided, Holm-adjusted in brackets, on absolute error (the verdict's test) and on squared error. Interval half-width as a share of the last close.</p>
  <div class="table-wrap">
  <table class="tests">
    <thead><tr><th>Model</th>${h > 1 ? '<th class="num">Step</th>' : ''}<th class="num">DM stat |e|</th><th class="num">p |e| (Holm)</th><th class="num">p e\u00b2 (Holm)</th><th class="num">Cover 80/95</th><th class="num">Half-width 80 / 95</th></tr></thead>
    <tbody>
${body.join('\n')}
    </tbody>
  </table>
  </div>
</details>`;
}
