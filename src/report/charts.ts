/**
 * Vega-Lite specs for the report, one function per chart. Each returns a complete spec with its data inlined (no
 * URLs), so it compiles and renders offline. Colors come from `seriesStyles`, identical in every chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, fmtNumber, fmtSigned } from './format.js';
import { ACTUAL_COLOR, type SeriesStyle, seriesStyles, styleByName } from './palette.js';
import type { ReportData } from './types.js';
import { rankMetrics } from './verdict.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** System fonts first; resvg falls through to its sans-serif family for the PNGs. */
export const FONT_STACK =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", "Liberation Sans", sans-serif';

/** Shared look: white background, light grids, left-aligned titles. */
export const CHART_CONFIG = {
  font: FONT_STACK,
  background: 'white',
  padding: 8,
  view: { stroke: '#e4e4e4' },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: '#333',
    labelColor: '#555',
    gridColor: '#eeeeee',
    domainColor: '#999',
    tickColor: '#999',
  },
  legend: { labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 2 },
  header: { labelFontSize: 13, labelFontWeight: 'bold', labelColor: '#222', labelPadding: 6 },
  title: {
    fontSize: 15,
    fontWeight: 'bold',
    anchor: 'start',
    color: '#1a1a1a',
    subtitleFontSize: 12,
    subtitleColor: '#555',
    subtitlePadding: 4,
    offset: 12,
  },
} as const;

/** Dates are YYYY-MM-DD trading days: parse and show them in UTC so no time zone shifts a day. */
const DAY = 'utcyearmonthdate' as const;

export interface ChartOptions {
  /**
   * Hover tooltips and zoom/pan (default true). Static renderings turn them off: their invisible hover targets only
   * add weight to an SVG.
   */
  interactive?: boolean;
}

export type ChartName = 'series' | 'loss' | 'predictions' | 'horizon' | 'mae';

export interface ChartEntry {
  name: ChartName;
  /** Heading shown above the chart on the HTML page. */
  title: string;
  /** One or two sentences telling the reader what to look for. */
  caption: string;
  spec: TopLevelSpec;
}

function unitOf(data: ReportData): string {
  return data.dataset.unit ?? 'index points';
}

function priceAxisTitle(data: ReportData): string {
  return `${data.dataset.target} (${unitOf(data)})`;
}

function colorScale(styles: readonly SeriesStyle[]) {
  return { domain: styles.map((s) => s.label), range: styles.map((s) => s.color) };
}

/** Midpoint of two YYYY-MM-DD dates, as YYYY-MM-DD. */
function midDate(a: string, b: string): string {
  const t = (Date.parse(a) + Date.parse(b)) / 2;
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : a;
}

const REGION_SCALE = { domain: ['train', 'validation', 'test'], range: ['#e9eff8', '#fdf1dd', '#e5f3e3'] };

/** (a) The full target series with the train / validation / test periods shaded. */
export function seriesChart(data: ReportData, opts: ChartOptions = {}): TopLevelSpec {
  const interactive = opts.interactive ?? true;
  const s = data.splits;
  const regions = [
    { split: 'train', start: s.trainStart, end: s.trainEnd, windows: s.train },
    { split: 'validation', start: s.valStart, end: s.valEnd, windows: s.val },
    { split: 'test', start: s.testStart, end: s.testEnd, windows: s.test },
  ].map((r) => ({
    ...r,
    mid: midDate(r.start, r.end),
    caption: [r.split, `${r.windows.toLocaleString('en-US')} windows`],
  }));
  const values = data.series.dates.map((d, i) => ({
    date: d,
    day: d,
    value: finiteOrNull(data.series.values[i]),
  }));
  const first = Date.parse(data.series.dates[0] ?? '');
  const last = Date.parse(data.series.dates[data.series.dates.length - 1] ?? '');
  const longSpan = Number.isFinite(first) && Number.isFinite(last) && last - first > 400 * 86_400_000;
  const x = (field: string) => ({
    field,
    type: 'temporal' as const,
    timeUnit: DAY,
    title: 'Date',
    axis: { format: longSpan ? '%b %Y' : '%b %d, %Y', labelOverlap: true },
  });
  return {
    $schema: SCHEMA,
    title: {
      text: `${data.dataset.target}: the series and its chronological split`,
      subtitle: `${data.dataset.source}, ${data.dataset.firstDate} to ${data.dataset.lastDate}. Shaded: the periods whose targets train, validate and test the models.`,
    },
    width: 920,
    height: 300,
    config: CHART_CONFIG,
    layer: [
      {
        data: { values: regions },
        mark: { type: 'rect', opacity: 1 },
        encoding: {
          x: x('start'),
          x2: { field: 'end', timeUnit: DAY },
          color: {
            field: 'split',
            type: 'nominal',
            scale: REGION_SCALE,
            legend: null,
          },
          tooltip: [
            { field: 'split', title: 'Period' },
            { field: 'start', title: 'From' },
            { field: 'end', title: 'To' },
            { field: 'windows', title: 'Windows', format: ',d' },
          ],
        },
      },
      {
        data: { values: regions.slice(1) },
        mark: { type: 'rule', color: '#777', strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x: x('start') },
      },
      {
        data: { values },
        layer: [
          {
            mark: { type: 'line', color: ACTUAL_COLOR, strokeWidth: 1.2 },
            encoding: {
              x: x('date'),
              y: {
                field: 'value',
                type: 'quantitative',
                title: priceAxisTitle(data),
                scale: { zero: false },
                axis: { format: ',.0f' },
              },
            },
          },
          ...(interactive
            ? [
                {
                  params: [
                    {
                      name: 'seriesHover',
                      select: {
                        type: 'point',
                        encodings: ['x'],
                        nearest: true,
                        on: 'mouseover',
                        clear: 'mouseout',
                      },
                    },
                  ],
                  mark: { type: 'point', opacity: 0, size: 30 },
                  encoding: {
                    x: x('date'),
                    y: { field: 'value', type: 'quantitative' },
                    tooltip: [
                      { field: 'day', title: 'Date' },
                      { field: 'value', type: 'quantitative', title: data.dataset.target, format: ',.2f' },
                    ],
                  },
                },
                {
                  transform: [{ filter: { param: 'seriesHover', empty: false } }],
                  mark: { type: 'point', filled: true, color: ACTUAL_COLOR, size: 40 },
                  encoding: { x: x('date'), y: { field: 'value', type: 'quantitative' } },
                },
              ]
            : []),
        ],
      },
      {
        // A halo in the region's own color keeps the captions readable where the price line crosses them.
        data: { values: regions },
        mark: {
          type: 'text',
          baseline: 'top',
          fontSize: 11,
          fontWeight: 'bold',
          y: 6,
          lineHeight: 14,
          strokeWidth: 5,
          strokeJoin: 'round',
        },
        encoding: {
          x: x('mid'),
          text: { field: 'caption' },
          stroke: { field: 'split', type: 'nominal', scale: REGION_SCALE, legend: null },
          fill: { field: 'split', type: 'nominal', scale: REGION_SCALE, legend: null },
        },
      },
      {
        data: { values: regions },
        mark: {
          type: 'text',
          baseline: 'top',
          fontSize: 11,
          fontWeight: 'bold',
          color: '#555',
          y: 6,
          lineHeight: 14,
        },
        encoding: { x: x('mid'), text: { field: 'caption' } },
      },
    ],
  } as TopLevelSpec;
}

/** Index of the lowest finite validation loss (the best epoch when the run did not report one). */
function bestEpochOf(history: ReportData['models'][number]['history']): number | undefined {
  let best: number | undefined;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const h of history) {
    if (Number.isFinite(h.valLoss) && h.valLoss < bestLoss) {
      bestLoss = h.valLoss;
      best = h.epoch;
    }
  }
  return best;
}

/** (b) Training and validation loss per epoch, one small multiple per model, log-scale y, best epoch marked. */
export function lossChart(data: ReportData): TopLevelSpec {
  const styles = seriesStyles(data);
  const byName = styleByName(styles);
  const modelStyles = styles.filter((s) => s.kind === 'model');
  const values = data.models.flatMap((m) => {
    const label = byName.get(m.name)!.label;
    const best = m.bestEpoch ?? bestEpochOf(m.history) ?? null;
    return m.history.flatMap((h) =>
      (
        [
          ['train', h.trainLoss],
          ['validation', h.valLoss],
        ] as const
      ).map(([split, loss]) => ({
        model: label,
        epoch: h.epoch,
        split,
        loss: loss > 0 ? finiteOrNull(loss) : null,
        best,
        isBest: h.epoch === best && split === 'validation',
      })),
    );
  });
  const columns = Math.min(Math.max(data.models.length, 1), 4);
  const lossTitle = data.lossLabel ?? 'MSE loss (standardized)';
  const x = {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'Epoch',
    axis: { tickMinStep: 1, format: 'd' },
  };
  const y = {
    field: 'loss',
    type: 'quantitative' as const,
    title: lossTitle,
    scale: { type: 'log' as const, nice: false, padding: 6 },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Training and validation loss per epoch',
      subtitle:
        'Solid: validation (held-out) loss; dashed: training loss; log scale. The dot marks the best validation epoch, whose weights are kept.',
    },
    data: { values },
    transform: [{ filter: 'isValid(datum.loss)' }],
    config: CHART_CONFIG,
    columns,
    facet: {
      field: 'model',
      type: 'nominal',
      title: null,
      sort: modelStyles.map((s) => s.label),
    },
    spec: {
      width: columns > 2 ? 200 : 300,
      height: 160,
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: {
            x,
            y,
            color: { field: 'model', type: 'nominal', scale: colorScale(styles), legend: null },
            strokeDash: {
              field: 'split',
              type: 'nominal',
              title: null,
              scale: {
                domain: ['validation', 'train'],
                range: [
                  [1, 0],
                  [5, 3],
                ],
              },
              legend: { orient: 'top', symbolStrokeColor: '#444', symbolType: 'stroke' },
            },
            tooltip: [
              { field: 'model', title: 'Model' },
              { field: 'split', title: 'Loss' },
              { field: 'epoch', type: 'quantitative', title: 'Epoch' },
              { field: 'loss', type: 'quantitative', title: 'Value', format: '.5f' },
            ],
          },
        },
        {
          transform: [{ filter: 'datum.isBest' }],
          mark: { type: 'rule', color: '#999', strokeDash: [2, 2] },
          encoding: { x },
        },
        {
          transform: [{ filter: 'datum.isBest' }],
          mark: { type: 'point', filled: true, size: 70, stroke: 'white', strokeWidth: 1, opacity: 1 },
          encoding: {
            x,
            y,
            color: { field: 'model', type: 'nominal', scale: colorScale(styles), legend: null },
            tooltip: [
              { field: 'model', title: 'Model' },
              { field: 'epoch', type: 'quantitative', title: 'Best epoch' },
              { field: 'loss', type: 'quantitative', title: 'Validation loss', format: '.5f' },
            ],
          },
        },
        {
          transform: [{ filter: 'datum.isBest' }],
          mark: { type: 'text', align: 'left', dx: 4, dy: -8, fontSize: 11, color: '#444' },
          encoding: { x, y, text: { value: 'best' } },
        },
      ],
    },
    resolve: { scale: { y: 'shared', x: 'shared' } },
  } as TopLevelSpec;
}

/** Which prediction panels to draw: the trained models, then the naive baseline. */
function predictionPanels(data: ReportData): SeriesStyle[] {
  const styles = seriesStyles(data);
  const available = new Set(Object.keys(data.predictions.byModel));
  return [
    ...styles.filter((s) => s.kind === 'model' && available.has(s.name)),
    ...styles.filter(
      (s) => s.kind === 'baseline' && s.name.toLowerCase() === 'naive' && available.has(s.name),
    ),
  ];
}

/**
 * (c) Test-period one-step-ahead forecasts against the actual close, one small multiple per model plus the naive
 * baseline. Scroll zooms and drag pans the shared x axis; hovering shows the date and values in every panel.
 */
export function predictionsChart(data: ReportData, opts: ChartOptions = {}): TopLevelSpec {
  const interactive = opts.interactive ?? true;
  const styles = seriesStyles(data);
  const panels = predictionPanels(data);
  const p = data.predictions;
  const values = panels.flatMap((s) => {
    const pred = p.byModel[s.name]!;
    return p.dates.map((d, i) => {
      const actual = finiteOrNull(p.actual[i]);
      const forecast = finiteOrNull(pred[i]);
      return {
        panel: s.label,
        date: d,
        day: d,
        actual,
        forecast,
        error: actual !== null && forecast !== null ? actual - forecast : null,
      };
    });
  });
  const unit = unitOf(data);
  const x = {
    field: 'date',
    type: 'temporal' as const,
    timeUnit: DAY,
    title: null,
    axis: { format: '%b %d' },
  };
  const yActual = {
    field: 'actual',
    type: 'quantitative' as const,
    title: priceAxisTitle(data),
    scale: { zero: false },
    axis: { format: ',.0f' },
  };
  const columns = panels.length > 1 ? 2 : 1;
  return {
    $schema: SCHEMA,
    title: {
      text: 'Test period: one-step-ahead forecast vs actual',
      subtitle: [
        `Grey: actual ${data.dataset.target}; colored: the forecast made the day before. ${p.dates[0] ?? ''} to ${p.dates[p.dates.length - 1] ?? ''}.`,
        ...(interactive ? ['Scroll to zoom, drag to pan, double-click to reset; hover for values.'] : []),
      ],
    },
    data: { values },
    config: CHART_CONFIG,
    columns,
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels.map((s) => s.label) },
    spec: {
      width: columns > 1 ? 440 : 900,
      height: 180,
      layer: [
        {
          ...(interactive
            ? { params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }] }
            : {}),
          mark: { type: 'line', color: ACTUAL_COLOR, strokeWidth: 1.3, opacity: 0.75 },
          encoding: { x, y: yActual },
        },
        {
          mark: { type: 'line', strokeWidth: 1.6 },
          encoding: {
            x,
            y: { field: 'forecast', type: 'quantitative' },
            color: { field: 'panel', type: 'nominal', scale: colorScale(styles), legend: null },
          },
        },
        ...(interactive
          ? [
              {
                transform: [{ filter: { param: 'predHover', empty: false } }],
                mark: { type: 'rule', color: '#888', strokeWidth: 1 },
                encoding: { x },
              },
              {
                params: [
                  {
                    name: 'predHover',
                    select: {
                      type: 'point',
                      encodings: ['x'],
                      nearest: true,
                      on: 'mouseover',
                      clear: 'mouseout',
                    },
                  },
                ],
                mark: { type: 'point', opacity: 0, size: 40 },
                encoding: {
                  x,
                  y: yActual,
                  tooltip: [
                    { field: 'panel', title: 'Model' },
                    { field: 'day', title: 'Date' },
                    { field: 'actual', type: 'quantitative', title: `Actual (${unit})`, format: ',.2f' },
                    { field: 'forecast', type: 'quantitative', title: `Forecast (${unit})`, format: ',.2f' },
                    {
                      field: 'error',
                      type: 'quantitative',
                      title: 'Error (actual − forecast)',
                      format: '+,.2f',
                    },
                  ],
                },
              },
            ]
          : []),
      ],
    },
    resolve: { scale: { y: 'shared' } },
  } as TopLevelSpec;
}

/** (d) Error per forecast step, when the run forecasts more than one day ahead; null otherwise. */
export function horizonChart(data: ReportData): TopLevelSpec | null {
  const rows = data.horizonErrors ?? [];
  if (rows.length === 0) return null;
  const styles = seriesStyles(data);
  const byName = styleByName(styles);
  const values = rows.map((r) => ({
    model: byName.get(r.model)?.label ?? r.model,
    step: r.step,
    mae: finiteOrNull(r.mae),
    rmse: finiteOrNull(r.rmse),
  }));
  const present = new Set(values.map((v) => v.model));
  const shown = styles.filter((s) => present.has(s.label));
  const extra = [...present].filter((l) => !shown.some((s) => s.label === l));
  const unit = unitOf(data);
  const maxStep = Math.max(1, ...values.map((v) => v.step));
  const x = {
    field: 'step',
    type: 'quantitative' as const,
    title: 'Forecast step (trading days ahead)',
    scale: { domain: [1, maxStep], nice: false },
    axis:
      maxStep <= 20
        ? { values: Array.from({ length: maxStep }, (_, i) => i + 1), format: 'd' }
        : { tickMinStep: 1, format: 'd' },
  };
  const y = { field: 'mae', type: 'quantitative' as const, title: `MAE (${unit})`, axis: { format: ',.0f' } };
  const color = {
    field: 'model',
    type: 'nominal' as const,
    title: null,
    scale: {
      domain: [...shown.map((s) => s.label), ...extra],
      range: [...shown.map((s) => s.color), ...extra.map(() => '#999')],
    },
    legend: { orient: 'right' as const },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Error by forecast horizon',
      subtitle: 'Test MAE of the forecast made k trading days ahead; errors normally grow with k.',
    },
    data: { values },
    transform: [{ filter: 'isValid(datum.mae)' }],
    config: CHART_CONFIG,
    width: 640,
    height: 260,
    layer: [
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color } },
      {
        mark: { type: 'point', filled: true, size: 45 },
        encoding: {
          x,
          y,
          color,
          tooltip: [
            { field: 'model', title: 'Model' },
            { field: 'step', type: 'quantitative', title: 'Step' },
            { field: 'mae', type: 'quantitative', title: `MAE (${unit})`, format: ',.2f' },
            { field: 'rmse', type: 'quantitative', title: `RMSE (${unit})`, format: ',.2f' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

const BAR_WIDTH = 600;

/** (e) Test MAE of every model and baseline, ranked, with the naive MAE as a reference line. */
export function maeChart(data: ReportData): TopLevelSpec {
  const styles = seriesStyles(data);
  const byName = styleByName(styles);
  const ranked = rankMetrics(data.metrics).filter((m) => Number.isFinite(m.mae));
  const naive = ranked.find((m) => m.kind === 'baseline' && m.model.toLowerCase() === 'naive');
  const values = ranked.map((m) => {
    const vsNaive =
      naive && naive !== m && naive.mae > 0
        ? ` (${fmtSigned(((m.mae - naive.mae) / naive.mae) * 100, 1)}%)`
        : '';
    return {
      label: byName.get(m.model)?.label ?? m.label,
      kind: m.kind,
      mae: m.mae,
      rmse: finiteOrNull(m.rmse),
      mase: finiteOrNull(m.mase),
      text: `${fmtNumber(m.mae)}${vsNaive}`,
    };
  });
  const unit = unitOf(data);
  const y = { field: 'label', type: 'nominal' as const, title: null, sort: values.map((v) => v.label) };
  const x = { field: 'mae', type: 'quantitative' as const, title: `Test MAE (${unit}), lower is better` };
  const layers: unknown[] = [
    {
      mark: { type: 'bar', cornerRadiusEnd: 2 },
      encoding: {
        y,
        x,
        color: { field: 'label', type: 'nominal', scale: colorScale(styles), legend: null },
        opacity: { condition: { test: "datum.kind === 'baseline'", value: 0.5 }, value: 0.95 },
        tooltip: [
          { field: 'label', title: 'Model' },
          { field: 'kind', title: 'Kind' },
          { field: 'mae', type: 'quantitative', title: `MAE (${unit})`, format: ',.2f' },
          { field: 'rmse', type: 'quantitative', title: `RMSE (${unit})`, format: ',.2f' },
          { field: 'mase', type: 'quantitative', title: 'MASE', format: '.3f' },
        ],
      },
    },
    {
      mark: { type: 'text', align: 'left', fontSize: 11, color: '#333', x: BAR_WIDTH + 10 },
      encoding: { y, text: { field: 'text' } },
    },
  ];
  if (naive) {
    layers.push(
      {
        data: { values: [{ mae: naive.mae }] },
        mark: { type: 'rule', color: '#222', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x: { field: 'mae', type: 'quantitative' } },
      },
      {
        data: { values: [{ mae: naive.mae, text: 'naive' }] },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, y: -2, fontSize: 11, color: '#222' },
        encoding: { x: { field: 'mae', type: 'quantitative' }, text: { field: 'text' } },
      },
    );
  }
  return {
    $schema: SCHEMA,
    title: {
      text: 'Test MAE by model',
      subtitle: naive
        ? [
            'Dashed line: the naive forecast (tomorrow = today); bars ending left of it beat naive.',
            'Faded bars are baselines. In brackets: MAE relative to naive.',
          ]
        : 'Faded bars are baselines.',
    },
    data: { values },
    config: CHART_CONFIG,
    width: BAR_WIDTH,
    height: { step: 28 },
    layer: layers,
  } as TopLevelSpec;
}

/** All charts of the report that have data, in page order (the horizon chart only with per-step errors). */
export function buildCharts(data: ReportData, opts: ChartOptions = {}): ChartEntry[] {
  const charts: Array<ChartEntry & { empty: boolean }> = [
    {
      name: 'series',
      empty: data.series.dates.length === 0,
      title: 'The series and the split',
      caption:
        'Training, validation and test periods follow each other in time; no test day is seen before testing.',
      spec: seriesChart(data, opts),
    },
    {
      name: 'mae',
      empty: !data.metrics.some((m) => Number.isFinite(m.mae)),
      title: 'Accuracy against the naive forecast',
      caption: 'A model is only useful if its bar ends left of the dashed naive line.',
      spec: maeChart(data),
    },
    {
      name: 'predictions',
      empty: data.predictions.dates.length === 0 || predictionPanels(data).length === 0,
      title: 'Forecasts on the test period',
      caption:
        'Zoom in: a forecast that trails the actual line by one day is copying the last input, which is all the naive forecast does.',
      spec: predictionsChart(data, opts),
    },
    {
      name: 'loss',
      empty: !data.models.some((m) => m.history.length > 0),
      title: 'Training curves',
      caption: 'Every model learns (its loss falls); validation loss decides the kept epoch.',
      spec: lossChart(data),
    },
  ];
  const horizon = horizonChart(data);
  if (horizon) {
    charts.push({
      name: 'horizon',
      empty: false,
      title: 'Error by horizon',
      caption: 'How fast the error grows as the forecast reaches further ahead.',
      spec: horizon,
    });
  }
  return charts.filter((c) => !c.empty).map(({ empty: _empty, ...chart }) => chart);
}
