/**
 * Vega-Lite specs for the report, one function per chart. Each returns a complete spec with its data inlined (no
 * URLs), so it compiles and renders offline. Colors come from `seriesStyles`, identical in every chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, fmtNumber, fmtP, fmtSigned } from './format.js';
import { ACTUAL_COLOR, type SeriesStyle, seriesStyles, styleByName } from './palette.js';
import { naiveRow, rankedRows, rowLabel, seedRow } from './rows.js';
import type { ReportData } from './types.js';

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
  /**
   * Draw each chart's title and subtitle inside it (default true). The HTML page turns them off and prints
   * `heading` as text instead, which wraps on a narrow screen where a line drawn in the chart cannot.
   */
  titles?: boolean;
  /**
   * The layout for a narrow box (a phone; default false): one column of panels, the MAE chart's values above its
   * bars, the horizon chart's legend below it.
   */
  compact?: boolean;
}

export type ChartName = 'series' | 'loss' | 'predictions' | 'horizon' | 'mae';

export interface ChartEntry {
  name: ChartName;
  /** Heading shown above the chart on the HTML page. */
  title: string;
  /** One or two sentences telling the reader what to look for. */
  caption: string;
  /** The chart's own title and subtitle lines (in `spec` too, unless it was built with `titles: false`). */
  heading: { text: string; subtitle: string[] };
  spec: TopLevelSpec;
  /**
   * With `interactive`, for the charts that need one: the same chart laid out for a box narrower than
   * `compactBelow` CSS pixels, where the page draws it instead of `spec`.
   */
  compact?: TopLevelSpec;
  compactBelow?: number;
}

/** The narrowest box (CSS pixels) per column of panels; below it a faceted chart has its compact layout. */
const MIN_COLUMN = 260;
/** The narrowest box for a chart with text or a legend beside its plot, or captions in it. */
const MIN_SINGLE = 600;

/** The unit of prices and errors: the dataset's, else "price". */
export function unitOf(data: ReportData): string {
  return data.dataset.unit ?? 'price';
}

/** The scored test period, the same in every chart, table and caption. */
export function testPeriodOf(data: ReportData): { from: string; to: string; n: number } {
  return data.results.testPeriod;
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

/**
 * (a) The full target series with the train / validation / test periods (target dates) shaded, each named with its
 * number of windows; `compact` names them in a legend above the plot instead, where they would overlap.
 */
export function seriesChart(data: ReportData, opts: ChartOptions = {}): TopLevelSpec {
  const interactive = opts.interactive ?? true;
  const compact = opts.compact ?? false;
  const s = data.splits;
  const test = testPeriodOf(data);
  const regions = [
    { split: 'train', start: s.trainStart, end: s.trainEnd, windows: s.train },
    { split: 'validation', start: s.valStart, end: s.valEnd, windows: s.val },
    { split: 'test', start: test.from, end: test.to, windows: s.test },
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
            legend: compact
              ? { orient: 'top', title: null, symbolType: 'square', symbolStrokeWidth: 0 }
              : null,
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
      ...(compact ? [] : regionCaptions(regions, x)),
    ],
  } as TopLevelSpec;
}

/** The regions' names and window counts, centered at their tops. */
function regionCaptions(regions: unknown[], x: (field: string) => unknown): unknown[] {
  return [
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
  ];
}

/** Columns of the loss chart's panels (one per model), in its wide layout. */
function lossColumns(models: number): number {
  return Math.min(Math.max(models, 1), 4);
}

/** Epoch with the lowest finite validation loss (when the run did not report one). */
function lowestValEpoch(history: ReportData['models'][number]['history']): number | undefined {
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

/**
 * (b) Training and validation loss per epoch, one small multiple per model, one line per seed, log-scale y. A
 * filled dot marks the kept epoch of each seed; a ring marks the lowest validation loss where it is another epoch.
 * Up to four panels a row; `compact`: one.
 */
export function lossChart(data: ReportData, opts: Pick<ChartOptions, 'compact'> = {}): TopLevelSpec {
  const styles = seriesStyles(data);
  const byName = styleByName(styles);
  const modelNames = new Set(data.models.map((m) => m.name));
  const modelStyles = styles.filter((s) => s.kind === 'model' && modelNames.has(s.name));
  const values = data.models.flatMap((m) => {
    const label = byName.get(m.name)!.label;
    const best = m.bestEpoch ?? lowestValEpoch(m.history) ?? null;
    return m.history.flatMap((h) =>
      (
        [
          ['train', h.trainLoss],
          ['validation', h.valLoss],
        ] as const
      ).map(([split, loss]) => ({
        model: label,
        seed: `seed ${m.seed}`,
        line: `${label} seed ${m.seed} ${split}`,
        epoch: h.epoch,
        split,
        loss: loss > 0 ? finiteOrNull(loss) : null,
        marker:
          split !== 'validation'
            ? null
            : h.epoch === m.keptEpoch
              ? 'kept'
              : h.epoch === best
                ? 'lowest'
                : null,
      })),
    );
  });
  const columns = opts.compact ? 1 : lossColumns(modelStyles.length);
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
  const color = { field: 'model', type: 'nominal' as const, scale: colorScale(styles), legend: null };
  const seeds = new Set(data.models.map((m) => m.seed)).size;
  return {
    $schema: SCHEMA,
    title: {
      text: 'Training and validation loss per epoch',
      subtitle: [
        `Solid: validation (held-out) loss; dashed: training loss; ${seeds > 1 ? `one line per seed (${seeds} seeds)` : 'one seed'}; log scale.`,
        'Filled dot: the epoch whose weights were kept and scored; ring: the lowest validation loss, where that is another epoch.',
      ],
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
          mark: { type: 'line', strokeWidth: 1.3 },
          encoding: {
            x,
            y,
            color,
            detail: { field: 'line', type: 'nominal' },
            opacity: { condition: { test: "datum.split === 'train'", value: 0.55 }, value: 0.9 },
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
              { field: 'seed', title: 'Seed' },
              { field: 'split', title: 'Loss' },
              { field: 'epoch', type: 'quantitative', title: 'Epoch' },
              { field: 'loss', type: 'quantitative', title: 'Value', format: '.5f' },
            ],
          },
        },
        {
          transform: [{ filter: "datum.marker === 'kept'" }],
          mark: { type: 'point', filled: true, size: 45, stroke: 'white', strokeWidth: 1, opacity: 1 },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: 'model', title: 'Model' },
              { field: 'seed', title: 'Seed' },
              { field: 'epoch', type: 'quantitative', title: 'Kept epoch' },
              { field: 'loss', type: 'quantitative', title: 'Validation loss', format: '.5f' },
            ],
          },
        },
        {
          transform: [{ filter: "datum.marker === 'lowest'" }],
          mark: { type: 'point', filled: false, size: 60, strokeWidth: 1.5, opacity: 1 },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: 'model', title: 'Model' },
              { field: 'seed', title: 'Seed' },
              { field: 'epoch', type: 'quantitative', title: 'Lowest validation loss at epoch' },
              { field: 'loss', type: 'quantitative', title: 'Validation loss', format: '.5f' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: 'shared', x: 'shared' } },
  } as TopLevelSpec;
}

/** Which prediction panels to draw: the trained models (their seed ensembles), then the naive baseline. */
function predictionPanels(data: ReportData): SeriesStyle[] {
  const styles = seriesStyles(data);
  const available = new Set(Object.keys(data.predictions.byModel));
  return [
    ...styles.filter((s) => s.kind === 'model' && available.has(s.name)),
    ...styles.filter((s) => s.kind === 'baseline' && s.name === 'naive' && available.has(s.name)),
  ];
}

/** Columns of the forecast chart's panels, in its wide layout. */
function predictionColumns(panels: number): number {
  return panels > 1 ? 2 : 1;
}

/** "37,812 – 38,104" or null when a bound is missing. */
function intervalText(lo: number | undefined, hi: number | undefined): string | null {
  return lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)
    ? `${fmtNumber(lo)} \u2013 ${fmtNumber(hi)}`
    : null;
}

/** The keys that make the wheel zoom the forecast chart, as the caption names them. */
export const ZOOM_KEYS = 'Ctrl/⌘';
/** The wheel events that zoom the forecast chart (a Vega event selector): with Ctrl or ⌘ held, consumed. */
const ZOOM_WHEEL = 'wheel![event.ctrlKey || event.metaKey]';

/**
 * (c) Test-period one-step-ahead forecasts against the actual close, one small multiple per model (its seed
 * ensemble) plus the naive baseline, each with its 80% and 95% split-conformal interval as light bands behind the
 * line, two panels a row (`compact`: one). Ctrl/⌘ + wheel (a pinch on a touchpad) zooms and drag pans the shared x axis, double-click resets; a plain
 * wheel is left to the page, which scrolls over the chart. Hovering shows the date and values in every panel.
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
      const forecast = finiteOrNull(pred.forecast[i]);
      return {
        panel: s.label,
        date: d,
        day: d,
        actual,
        forecast,
        lo80: finiteOrNull(pred.lo80?.[i]),
        hi80: finiteOrNull(pred.hi80?.[i]),
        lo95: finiteOrNull(pred.lo95?.[i]),
        hi95: finiteOrNull(pred.hi95?.[i]),
        i80: intervalText(pred.lo80?.[i], pred.hi80?.[i]),
        i95: intervalText(pred.lo95?.[i], pred.hi95?.[i]),
        error: actual !== null && forecast !== null ? actual - forecast : null,
      };
    });
  });
  const unit = unitOf(data);
  const test = testPeriodOf(data);
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
  const color = { field: 'panel', type: 'nominal' as const, scale: colorScale(styles), legend: null };
  const band = (level: '80' | '95', opacity: number) => ({
    transform: [{ filter: `isValid(datum.lo${level}) && isValid(datum.hi${level})` }],
    mark: { type: 'area', opacity },
    encoding: {
      x,
      y: { field: `lo${level}`, type: 'quantitative' },
      y2: { field: `hi${level}` },
      color,
    },
  });
  const seeds = data.results.seeds.length;
  const columns = opts.compact ? 1 : predictionColumns(panels.length);
  return {
    $schema: SCHEMA,
    title: {
      text: 'Test period: one-step-ahead forecast vs actual',
      subtitle: [
        `Grey: actual ${data.dataset.target}; colored line: the forecast made the day before${seeds > 1 ? ` (models: mean of ${seeds} seeds)` : ''}; ` +
          `bands: 80% (darker) and 95% conformal intervals. ${test.from} to ${test.to}.`,
        ...(interactive
          ? [
              `${ZOOM_KEYS} + scroll (or pinch) to zoom, drag to pan, double-click or Reset zoom to reset; hover for values.`,
            ]
          : []),
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
        band('95', 0.13),
        band('80', 0.22),
        {
          ...(interactive
            ? {
                params: [
                  {
                    name: 'zoom',
                    // Only a wheel with Ctrl or ⌘ held (what a touchpad pinch sends) zooms, and only that wheel
                    // event is consumed: a plain wheel scrolls the page.
                    select: { type: 'interval', encodings: ['x'], zoom: ZOOM_WHEEL },
                    bind: 'scales',
                  },
                ],
              }
            : {}),
          mark: { type: 'line', color: ACTUAL_COLOR, strokeWidth: 1.3, opacity: 0.75 },
          encoding: { x, y: yActual },
        },
        {
          mark: { type: 'line', strokeWidth: 1.6 },
          encoding: { x, y: { field: 'forecast', type: 'quantitative' }, color },
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
                    { field: 'i80', title: '80% interval' },
                    { field: 'i95', title: '95% interval' },
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

/**
 * (d) Error per forecast step, when the run forecasts more than one day ahead; null otherwise. The legend is right
 * of the plot, or with `compact` below it.
 */
export function horizonChart(
  data: ReportData,
  opts: Pick<ChartOptions, 'compact'> = {},
): TopLevelSpec | null {
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
    legend: opts.compact
      ? { orient: 'bottom' as const, direction: 'vertical' as const }
      : { orient: 'right' as const },
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

/** Pixels the compact MAE chart moves its bars down, under the row's label. */
const COMPACT_BAR_OFFSET = 8;

/**
 * (e) Test MAE of every seed ensemble and baseline, ranked, with the naive MAE as a reference line. Each model's
 * bar carries an error bar from its best to its worst seed and a dot per seed. The value and its comparison with
 * naive are written right of the plot; `compact` writes them above each bar, after the row's name, instead of an
 * axis of names and a column of values beside the bars.
 */
export function maeChart(data: ReportData, opts: Pick<ChartOptions, 'compact'> = {}): TopLevelSpec {
  const compact = opts.compact ?? false;
  const results = data.results;
  const styles = seriesStyles(data);
  const byName = styleByName(styles);
  const ranked = rankedRows(results).filter((r) => Number.isFinite(r.mae.mean));
  const naive = naiveRow(results);
  const naiveMae = naive && Number.isFinite(naive.mae.mean) ? naive.mae.mean : undefined;
  const values = ranked.map((r) => {
    const seeds = seedRow(results, r)?.mae;
    const vsNaive =
      naiveMae !== undefined && r !== naive && naiveMae > 0
        ? ` (${fmtSigned(((r.mae.mean - naiveMae) / naiveMae) * 100, 1)}%, p ${fmtP(r.dm?.abs.pHolm)})`
        : '';
    return {
      label: rowLabel(results, r),
      series: byName.get(r.name)?.label ?? r.label,
      kind: r.kind === 'baseline' ? 'baseline' : 'model',
      mae: r.mae.mean,
      rmse: finiteOrNull(r.rmse.mean),
      seedMin: seeds ? finiteOrNull(seeds.min) : null,
      seedMax: seeds ? finiteOrNull(seeds.max) : null,
      seedRange: seeds ? `${fmtNumber(seeds.min)} \u2013 ${fmtNumber(seeds.max)}` : null,
      pHolm: r.dm ? fmtP(r.dm.abs.pHolm) : null,
      text: `${fmtNumber(r.mae.mean)}${vsNaive}`,
      row: `${rowLabel(results, r)}: ${fmtNumber(r.mae.mean)}${vsNaive}`,
    };
  });
  const seedPoints = ranked.flatMap((r) => {
    const seeds = seedRow(results, r)?.mae;
    if (!seeds) return [];
    return seeds.perSeed.map((mae, i) => ({
      label: rowLabel(results, r),
      seed: results.seeds[i] ?? i,
      mae: finiteOrNull(mae),
    }));
  });
  const unit = unitOf(data);
  const y = {
    field: 'label',
    type: 'nominal' as const,
    title: null,
    sort: values.map((v) => v.label),
    ...(compact ? { axis: null } : {}),
  };
  const x = { field: 'mae', type: 'quantitative' as const, title: `Test MAE (${unit}), lower is better` };
  // Compact: the bars sit in the lower part of each row, under its label.
  const shift = compact ? { yOffset: COMPACT_BAR_OFFSET } : {};
  const layers: unknown[] = [
    {
      mark: { type: 'bar', cornerRadiusEnd: 2, ...(compact ? { height: { band: 0.45 } } : {}), ...shift },
      encoding: {
        y,
        x,
        color: { field: 'series', type: 'nominal', scale: colorScale(styles), legend: null },
        opacity: { condition: { test: "datum.kind === 'baseline'", value: 0.45 }, value: 0.85 },
        tooltip: [
          { field: 'label', title: 'Model' },
          { field: 'kind', title: 'Kind' },
          { field: 'mae', type: 'quantitative', title: `MAE (${unit})`, format: ',.2f' },
          { field: 'rmse', type: 'quantitative', title: `RMSE (${unit})`, format: ',.2f' },
          { field: 'seedRange', title: 'MAE of single seeds' },
          { field: 'pHolm', title: 'p DM vs naive (Holm)' },
        ],
      },
    },
    {
      transform: [{ filter: 'isValid(datum.seedMin) && isValid(datum.seedMax)' }],
      mark: { type: 'rule', color: '#333', strokeWidth: 1.2, ...shift },
      encoding: { y, x: { field: 'seedMin', type: 'quantitative' }, x2: { field: 'seedMax' } },
    },
    {
      data: { values: seedPoints },
      transform: [{ filter: 'isValid(datum.mae)' }],
      mark: {
        type: 'point',
        shape: 'diamond',
        filled: true,
        color: '#333',
        size: 28,
        opacity: 0.9,
        ...shift,
      },
      encoding: {
        y,
        x: { field: 'mae', type: 'quantitative' },
        tooltip: [
          { field: 'label', title: 'Model' },
          { field: 'seed', title: 'Seed' },
          { field: 'mae', type: 'quantitative', title: `MAE (${unit})`, format: ',.2f' },
        ],
      },
    },
  ];
  if (naiveMae !== undefined) {
    layers.push(
      {
        data: { values: [{ mae: naiveMae }] },
        mark: { type: 'rule', color: '#222', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x: { field: 'mae', type: 'quantitative' } },
      },
      {
        data: { values: [{ mae: naiveMae, text: 'naive' }] },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, y: -2, fontSize: 11, color: '#222' },
        encoding: { x: { field: 'mae', type: 'quantitative' }, text: { field: 'text' } },
      },
    );
  }
  // Last, so drawn over the naive line; compact: with a white halo that keeps them readable where it crosses.
  layers.push(
    ...(compact
      ? [{ stroke: 'white', strokeWidth: 4, strokeJoin: 'round' }, { color: '#333' }].map((look) => ({
          mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 11, x: 0, dy: 1, ...look },
          encoding: { y: { ...y, bandPosition: 0 }, text: { field: 'row' } },
        }))
      : [
          {
            mark: { type: 'text', align: 'left', fontSize: 11, color: '#333', x: { expr: 'width + 10' } },
            encoding: { y, text: { field: 'text' } },
          },
        ]),
  );
  const seeds = results.seeds.length;
  return {
    $schema: SCHEMA,
    title: {
      text: 'Test MAE by model',
      subtitle: [
        naiveMae !== undefined
          ? 'Dashed line: the naive forecast (tomorrow = today). In brackets: MAE relative to naive and the Holm-adjusted DM p-value.'
          : 'Faded bars are baselines.',
        `Models: the bar is the seed ensemble (mean forecast of ${seeds} seed${seeds === 1 ? '' : 's'}); diamonds and whisker: the single seeds. Faded bars: baselines.`,
      ],
    },
    data: { values },
    config: CHART_CONFIG,
    width: BAR_WIDTH,
    height: { step: compact ? 44 : 28 },
    layer: layers,
  } as TopLevelSpec;
}

/** True when every run kept the epoch with its lowest validation loss. */
function keptIsBest(data: ReportData): boolean {
  return data.models.every((m) => m.bestEpoch === undefined || m.bestEpoch === m.keptEpoch);
}

/** The title and subtitle lines of a spec built above (each sets `title: { text, subtitle }`). */
function headingOf(spec: TopLevelSpec): ChartEntry['heading'] {
  const t = spec.title as { text: string; subtitle?: string | string[] };
  return { text: t.text, subtitle: t.subtitle === undefined ? [] : [t.subtitle].flat() };
}

/** `spec` without its title and subtitle. */
function untitled(spec: TopLevelSpec): TopLevelSpec {
  const { title: _title, ...rest } = spec;
  return rest as TopLevelSpec;
}

/** Panels a row of a faceted spec built above (1 for a single plot). */
function columnsOf(spec: TopLevelSpec): number {
  return (spec as { columns?: number }).columns ?? 1;
}

/**
 * All charts of the report that have data, in page order (the horizon chart only with per-step errors). With
 * `interactive` (the default) each chart too wide for a phone carries its `compact` layout, for a box narrower
 * than MIN_COLUMN pixels per column of panels, or than MIN_SINGLE.
 */
export function buildCharts(data: ReportData, opts: ChartOptions = {}): ChartEntry[] {
  const test = testPeriodOf(data);
  const interactive = opts.interactive ?? true;
  const compact = (build: (o: ChartOptions) => TopLevelSpec, below: number) =>
    interactive && below > MIN_COLUMN
      ? { compact: build({ ...opts, compact: true }), compactBelow: below }
      : {};
  const predictions = predictionsChart(data, opts);
  const loss = lossChart(data);
  const charts: Array<Omit<ChartEntry, 'heading'> & { empty: boolean }> = [
    {
      name: 'series',
      empty: data.series.dates.length === 0,
      title: 'The series and the split',
      caption: `Training, validation and test periods follow each other in time; the test period (${test.from} to ${test.to}) is seen only for the final scores.`,
      spec: seriesChart(data, opts),
      ...compact((o) => seriesChart(data, o), MIN_SINGLE),
    },
    {
      name: 'mae',
      empty: !rankedRows(data.results).some((r) => Number.isFinite(r.mae.mean)),
      title: 'Accuracy against the naive forecast',
      caption:
        'A bar left of the dashed naive line has a lower error on this test period; whether the difference is more than noise is what the p-value says (below 0.05 after Holm: significant).',
      spec: maeChart(data),
      ...compact((o) => maeChart(data, o), MIN_SINGLE),
    },
    {
      name: 'predictions',
      empty: data.predictions.dates.length === 0 || predictionPanels(data).length === 0,
      title: 'Forecasts on the test period',
      caption:
        'Zoom in: a forecast that trails the actual line by one day is copying the last input, which is all the naive forecast does. About 80% (95%) of the grey line should lie inside the darker (lighter) band.',
      spec: predictions,
      ...compact((o) => predictionsChart(data, o), columnsOf(predictions) * MIN_COLUMN),
    },
    {
      name: 'loss',
      empty: !data.models.some((m) => m.history.length > 0),
      title: 'Training curves',
      caption: keptIsBest(data)
        ? 'Every model learns (its loss falls); the weights of the epoch with the lowest validation loss are kept.'
        : 'Every model learns (its loss falls). Without --patience the last epoch is kept, which need not have the lowest validation loss (the ring).',
      spec: loss,
      ...compact((o) => lossChart(data, o), columnsOf(loss) * MIN_COLUMN),
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
      ...compact((o) => horizonChart(data, o)!, MIN_SINGLE),
    });
  }
  const titles = opts.titles ?? true;
  return charts
    .filter((c) => !c.empty)
    .map(({ empty: _empty, ...chart }) => ({
      ...chart,
      heading: headingOf(chart.spec),
      ...(titles
        ? {}
        : { spec: untitled(chart.spec), ...(chart.compact ? { compact: untitled(chart.compact) } : {}) }),
    }));
}
