/**
 * "Inside the cells": for one trained run and one test window, a heatmap per gate (LSTM i, f, g, o; GRU r, z, n),
 * of the hidden state and of the LSTM cell state, unit × day; and a bar chart of ∂forecast/∂input per input day
 * with one sentence on which days weigh most. The numbers come from `cells.ts`.
 */
import type { ChartArea, ScriptableContext, TooltipItem } from 'chart.js';
import type { MatrixDataPoint } from 'chartjs-chart-matrix';
import {
  type EvalSet,
  evalSet,
  MODEL_LABELS,
  type ModelResult,
  type PreparedData,
  type SequenceRegressor,
  targetFor,
  targetToPrice,
  windowInputs,
} from 'rnnlab/forecast';
import {
  type CellTrace,
  describeInputGradient,
  inputGradientOf,
  regressorOf,
  stepLabel,
  traceCells,
} from '../cells.js';
import { Chart } from '../charts/chart.js';
import { MODEL_COLORS } from '../charts/palette.js';
import { el } from './dom.js';

export interface CellsContext {
  data: PreparedData;
  runs: readonly ModelResult[];
  /** Price unit, e.g. 'points' or 'USD'. */
  unit: string;
}

/** Blue (low) → white (middle) → red (high): ColorBrewer RdBu, readable with colour-blindness. */
const RDBU = [
  '#2166ac',
  '#4393c3',
  '#92c5de',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#f4a582',
  '#d6604d',
  '#b2182b',
];
const RDBU_RGB = RDBU.map((h) => [1, 3, 5].map((k) => Number.parseInt(h.slice(k, k + 2), 16)));
const NAN_COLOR = '#9ca3af';
/** Colours of extra input features in the gradient chart (Okabe–Ito); the first feature takes the model's. */
const FEATURE_COLORS = ['#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];

/** The palette in 256 steps, interpolated linearly in RGB between the stops. */
const PALETTE = Array.from({ length: 256 }, (_, q) => {
  const s = (q / 255) * (RDBU_RGB.length - 1);
  const k = Math.min(RDBU_RGB.length - 2, Math.floor(s));
  const f = s - k;
  const [a, b] = [RDBU_RGB[k], RDBU_RGB[k + 1]];
  return `rgb(${a.map((v, c) => Math.round(v + f * (b[c] - v))).join(', ')})`;
});

/** The palette at u ∈ [0, 1] (0 blue, 0.5 white, 1 red). */
const paletteAt = (u: number): string => PALETTE[Math.round(Math.min(1, Math.max(0, u)) * 255)];

/** Ticks on every `step`-th of n cells (centred on 0 … n−1), counted from the first or from the last cell. */
function cellTicks(n: number, step: number, from: 'first' | 'last'): Array<{ value: number }> {
  const s = Math.max(1, step);
  const values = Array.from({ length: Math.ceil(n / s) }, (_, k) =>
    from === 'first' ? k * s : n - 1 - k * s,
  );
  return values.sort((a, b) => a - b).map((value) => ({ value }));
}

/** One heatmap: values (T, H) coloured on [lo, hi]; diverging (lo blue, middle white, hi red) or sequential (white → red). */
interface Panel {
  key: string;
  title: string;
  /** What the quantity means, one clause. */
  meaning: string;
  values: Float32Array;
  lo: number;
  hi: number;
  scheme: 'diverging' | 'sequential';
}

const MEANINGS: Record<string, string> = {
  i: 'how much of the candidate g enters the cell',
  f: 'how much of the previous cell state each unit keeps',
  g: 'the candidate value written to the cell',
  o: 'how much of tanh(c) each unit shows as h',
  r: 'how much of the previous state the candidate n sees',
  z: 'how much of the previous state each unit keeps',
  n: 'the candidate state',
};

function colorOf(p: Panel, v: number): string {
  if (!Number.isFinite(v)) return NAN_COLOR;
  const u = (v - p.lo) / (p.hi - p.lo || 1);
  return paletteAt(p.scheme === 'diverging' ? u : 0.5 + 0.5 * u);
}

function gradientCss(p: Panel): string {
  const stops = p.scheme === 'diverging' ? RDBU : RDBU.slice(4);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

const fmt = (v: number) =>
  (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(2)).toString()).replace('-', '−');
const maxAbs = (a: Float32Array) =>
  a.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);

function panelsOf(trace: CellTrace, relu: boolean): Panel[] {
  const panels: Panel[] = trace.gates.map((g) => ({
    key: g.name,
    title: g.label[0].toUpperCase() + g.label.slice(1),
    meaning: `${MEANINGS[g.name] ?? ''} (${g.activation === 'sigmoid' ? 'sigmoid: 0 closed, 1 open' : 'tanh'})`,
    values: g.values,
    lo: g.activation === 'sigmoid' ? 0 : -1,
    hi: 1,
    scheme: 'diverging',
  }));
  if (trace.cell) {
    const m = Math.max(maxAbs(trace.cell), 1e-6);
    panels.push({
      key: 'c',
      title: 'Cell state c',
      meaning: `the LSTM's memory, unbounded (scale ±${fmt(m)}, the largest |c| in this window)`,
      values: trace.cell,
      lo: -m,
      hi: m,
      scheme: 'diverging',
    });
  }
  const hiRelu = Math.max(maxAbs(trace.hidden), 1e-6);
  panels.push({
    key: 'h',
    title: 'Hidden state h',
    meaning: relu
      ? `what each unit passes on (relu: 0 and up; scale 0–${fmt(hiRelu)}, the largest in this window)`
      : 'what each unit passes on to the next step and layer (−1 to 1)',
    values: trace.hidden,
    lo: relu ? 0 : -1,
    hi: relu ? hiRelu : 1,
    scheme: relu ? 'sequential' : 'diverging',
  });
  return panels;
}

interface Heatmap {
  /** The panel drawn now (the chart's colour and tooltip callbacks read it). */
  now: { panel: Panel };
  chart: Chart<'matrix', MatrixDataPoint[]>;
  canvas: HTMLCanvasElement;
  meaning: HTMLElement;
  legend: HTMLElement;
  lo: HTMLElement;
  hi: HTMLElement;
  bar: HTMLElement;
}

let mounted = 0;

export function mountCells(root: HTMLElement, ctx: CellsContext): { destroy(): void } {
  const { data: d, runs, unit } = ctx;
  const id = `cells-${++mounted}`;
  const section = el('div', { class: 'cells' });
  root.append(section);
  const message = (text: string, cls = 'hint') => {
    section.replaceChildren(el('p', { class: cls }, [text]));
    return { destroy: () => section.remove() };
  };
  if (runs.length === 0) return message('No trained run yet: train a model to look inside its cells.');
  let windows: EvalSet;
  try {
    windows = evalSet(d, 'test');
  } catch (e) {
    return message(`No test window to show: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
  const N = windows.ids.length;
  const T = d.windows.seqLen;
  const F = d.windows.features;

  // Controls.
  const runSelect = el('select', { id: `${id}-run` });
  runSelect.append(...runLabels(runs).map((label, k) => el('option', { value: String(k) }, [label])));
  const layerSelect = el('select', { id: `${id}-layer` });
  const range = el('input', {
    type: 'range',
    id: `${id}-window`,
    min: '0',
    max: String(N - 1),
    step: '1',
    value: String(N - 1),
    'aria-describedby': `${id}-date`,
  });
  range.className = 'cells-range';
  const earlier = el('button', { type: 'button', class: 'nowrap' }, [
    el('span', { 'aria-hidden': 'true' }, ['‹ ']),
    'Earlier',
  ]);
  const later = el('button', { type: 'button', class: 'nowrap' }, [
    'Later',
    el('span', { 'aria-hidden': 'true' }, [' ›']),
  ]);
  const windowLabel = el('label', { for: `${id}-window`, id: `${id}-window-label` });
  const dateLabel = el('div', { id: `${id}-date`, class: 'hint', 'aria-live': 'polite' });
  const windowGroup = el(
    'div',
    { class: 'cells-window', role: 'group', 'aria-labelledby': `${id}-window-label` },
    [windowLabel, el('div', { class: 'cells-stepper' }, [earlier, range, later]), dateLabel],
  );
  const controls = el('div', { class: 'cells-controls' }, [
    el('label', {}, ['Model and seed ', runSelect]),
    el('label', {}, ['Layer ', layerSelect]),
    windowGroup,
  ]);

  const status = el('p', { class: 'error', role: 'alert' });
  status.hidden = true;
  const why = el('p', { class: 'hint' });
  const heatGrid = el('div', { class: 'heatmaps' });
  const gradCanvas = el('canvas', { role: 'img', 'aria-label': 'Input gradient per day of the window' });
  const gradCaption = el('figcaption', {}, [
    '∂forecast/∂input per input day: how much the forecast (scaled) moves per unit of scaled input on each day',
  ]);
  const sentence = el('p', { class: 'cells-interpretation' });
  const forecastLine = el('p', { class: 'hint' });
  section.replaceChildren(
    controls,
    status,
    why,
    heatGrid,
    el('figure', {}, [gradCaption, el('div', { class: 'chart' }, [gradCanvas])]),
    sentence,
    forecastLine,
  );

  // State.
  let run = runs[0];
  let model: SequenceRegressor | null = null;
  let heatmaps: Heatmap[] = [];
  let frame = 0;
  let destroyed = false;
  const current = { dates: [] as string[], layer: 0 };

  const gradChart = new Chart<'bar', number[], string>(gradCanvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: F > 1, position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            title: (items) => {
              const t = items[0]?.dataIndex ?? 0;
              return `${current.dates[t] ?? ''} (${stepLabel(t, T)})`;
            },
            label: (item) =>
              `${F > 1 ? `${item.dataset.label}: ` : ''}${(item.raw as number).toPrecision(3)}`,
          },
        },
      },
      scales: {
        x: {
          title: { display: true, text: 'input day' },
          ticks: { maxRotation: 0, autoSkip: true, callback: (_v, k) => (current.dates[k] ?? '').slice(5) },
          grid: { display: false },
        },
        y: { title: { display: true, text: '∂forecast/∂input (scaled units)' } },
      },
    },
  });

  function clearHeatmaps(): void {
    for (const h of heatmaps) h.chart.destroy();
    heatmaps = [];
    heatGrid.replaceChildren();
  }

  function buildHeatmaps(panels: Panel[], H: number): void {
    clearHeatmaps();
    heatmaps = panels.map((panel) => {
      const canvas = el('canvas', { role: 'img', 'aria-label': panel.title });
      const lo = el('span', {});
      const hi = el('span', {});
      const bar = el('span', { 'aria-hidden': 'true', class: 'cells-legend-bar' });
      const legend = el('span', { class: 'cells-legend', role: 'img' }, [lo, bar, hi]);
      const meaning = el('span', {});
      const figure = el('figure', {}, [
        el('figcaption', {}, [el('strong', {}, [panel.title]), ' — ', meaning, legend]),
        el('div', { class: 'chart chart-heat' }, [canvas]),
      ]);
      heatGrid.append(figure);
      const now = { panel };
      const chart = new Chart<'matrix', MatrixDataPoint[]>(canvas, {
        type: 'matrix',
        data: {
          datasets: [
            {
              label: panel.title,
              data: [],
              borderWidth: 0,
              backgroundColor: (c: ScriptableContext<'matrix'>) =>
                colorOf(now.panel, now.panel.values[c.dataIndex]),
              width: ({ chart }) => ((chart.chartArea as ChartArea | undefined)?.width ?? 0) / T + 0.5,
              height: ({ chart }) => ((chart.chartArea as ChartArea | undefined)?.height ?? 0) / H + 0.5,
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                title: (items: TooltipItem<'matrix'>[]) => {
                  const t = Math.floor((items[0]?.dataIndex ?? 0) / H);
                  return `${current.dates[t] ?? ''} (${stepLabel(t, T)})`;
                },
                label: (item: TooltipItem<'matrix'>) =>
                  `unit ${item.dataIndex % H}: ${now.panel.values[item.dataIndex]?.toFixed(3)}`,
              },
            },
          },
          scales: {
            x: {
              type: 'linear',
              offset: false,
              min: -0.5,
              max: T - 0.5,
              title: { display: true, text: 'day of the window' },
              afterBuildTicks: (axis) => {
                axis.ticks = cellTicks(T, Math.ceil((T * 40) / Math.max(axis.maxWidth, 40)), 'last');
              },
              ticks: { maxRotation: 0, autoSkip: false, callback: (v) => stepLabel(Number(v), T) },
              grid: { display: false },
            },
            y: {
              type: 'linear',
              offset: false,
              reverse: true,
              min: -0.5,
              max: H - 0.5,
              title: { display: true, text: 'hidden unit' },
              afterBuildTicks: (axis) => {
                axis.ticks = cellTicks(
                  H,
                  2 ** Math.ceil(Math.log2((H * 16) / Math.max(axis.maxHeight, 16))),
                  'first',
                );
              },
              ticks: { autoSkip: false },
              grid: { display: false },
            },
          },
        },
      });
      return { now, chart, canvas, meaning, legend, lo, hi, bar };
    });
  }

  function selectRun(): void {
    run = runs[Number(runSelect.value)] ?? runs[0];
    const L = run.config.numLayers;
    const keep = Math.min(current.layer, L - 1);
    layerSelect.replaceChildren(
      ...Array.from({ length: L }, (_, l) =>
        el('option', { value: String(l) }, [
          `${l + 1}${L === 1 ? '' : l === 0 ? ' (reads the input)' : l === L - 1 ? ' (last, feeds the forecast)' : ''}`,
        ]),
      ),
    );
    layerSelect.value = String(layerSelect.dataset.touched ? keep : L - 1);
    layerSelect.disabled = L === 1;
    try {
      model = regressorOf(run);
    } catch (e) {
      model = null;
      clearHeatmaps();
      showError(e);
      return;
    }
    update(true);
  }

  function showError(e: unknown): void {
    status.textContent = `Could not look inside this run: ${e instanceof Error ? e.message : String(e)}`;
    status.hidden = false;
  }

  function update(rebuild = false): void {
    if (destroyed || model === null) return;
    const w = Number(range.value);
    const r = windows.ids[w];
    const e = windows.ends[w];
    const layer = Number(layerSelect.value);
    current.layer = layer;
    current.dates = d.dates.slice(e - T + 1, e + 1);
    const windowText = `window ending ${d.dates[e]}, forecasting ${windows.dates[w]}`;
    dateLabel.textContent = windowText;
    windowLabel.textContent = `Test window ${w + 1} of ${N}`;
    range.setAttribute('aria-valuetext', windowText);
    earlier.disabled = w <= 0;
    later.disabled = w >= N - 1;
    const runName = runSelect.selectedOptions[0]?.textContent ?? MODEL_LABELS[run.kind];
    let trace: CellTrace;
    let grad: { grad: Float32Array; output: number };
    try {
      const x = windowInputs(d, [r]);
      trace = traceCells(run, x, layer);
      grad = inputGradientOf(model, x);
      status.hidden = true;
    } catch (err) {
      clearHeatmaps();
      showError(err);
      return;
    }
    const relu = run.config.nonlinearity === 'relu' && (run.kind === 'drnn' || run.kind === 'brnn');
    why.textContent = [
      run.kind === 'drnn' || run.kind === 'brnn'
        ? `A plain RNN has no gates: each step is h_t = ${relu ? 'relu' : 'tanh'}(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), ` +
          'so its hidden state is all there is to show.'
        : `Each heatmap shows one quantity of layer ${layer + 1} for every hidden unit (rows) and day of the window ` +
          '(columns), computed from the trained weights.',
      trace.note ?? '',
      run.diverged
        ? 'This run diverged during training, so its weights may not be finite numbers (grey cells).'
        : '',
    ]
      .filter(Boolean)
      .join(' ');

    const panels = panelsOf(trace, relu);
    if (rebuild || heatmaps.length !== panels.length) buildHeatmaps(panels, trace.H);
    const where = `${runName}, layer ${layer + 1} of ${run.config.numLayers}, ${windowText}`;
    heatmaps.forEach((h, k) => {
      const p = panels[k];
      h.now.panel = p;
      h.meaning.textContent = p.meaning;
      h.lo.textContent = fmt(p.lo);
      h.hi.textContent = fmt(p.hi);
      h.bar.style.background = gradientCss(p);
      h.legend.setAttribute(
        'aria-label',
        `colour scale from ${fmt(p.lo)} (${p.scheme === 'diverging' ? 'blue' : 'white'}) to ${fmt(p.hi)} (red)`,
      );
      const finite = p.values.filter(Number.isFinite);
      const mean = finite.length ? fmt(finite.reduce((a, v) => a + v, 0) / finite.length) : 'n/a';
      const label =
        `Heatmap of the ${p.title.toLowerCase()}, ${trace.H} units by ${T} days, ${where}; ` +
        `colour from ${fmt(p.lo)} to ${fmt(p.hi)}, mean ${mean}.`;
      h.canvas.setAttribute('aria-label', label);
      h.canvas.textContent = label;
      const points: MatrixDataPoint[] = [];
      for (let t = 0; t < T; t++)
        for (let j = 0; j < trace.H; j++) points.push({ x: t, y: j, v: p.values[t * trace.H + j] });
      h.chart.data.datasets[0].data = points;
      h.chart.update();
    });

    // The input gradient.
    const summary = describeInputGradient(grad.grad, T, F, current.dates);
    gradChart.data.labels = [...current.dates];
    gradChart.data.datasets = Array.from({ length: F }, (_, f) => {
      const color = f === 0 ? MODEL_COLORS[run.kind] : FEATURE_COLORS[(f - 1) % FEATURE_COLORS.length];
      return {
        label: d.featureNames[f] ?? `feature ${f + 1}`,
        data: Array.from({ length: T }, (_, t) => grad.grad[t * F + f]),
        backgroundColor: color,
        borderColor: color,
      };
    });
    gradChart.update();
    const gradLabel = `Bar chart of ∂forecast/∂input for each of the ${T} input days, ${runName}, ${windowText}. ${summary}`;
    gradCanvas.setAttribute('aria-label', gradLabel);
    gradCanvas.textContent = gradLabel;
    sentence.textContent = summary;
    const price = targetToPrice(d, [grad.output], [windows.previous[w]])[0];
    const actual = windows.actual[w * windows.H];
    forecastLine.textContent =
      `${runName} forecasts ${money(price, unit)} for ${windows.dates[w]} (actual ${money(actual, unit)}), ` +
      `from its output at the window's last day; the gradient is of that output in scaled units.`;
  }

  const schedule = () => {
    if (frame !== 0 || destroyed) return;
    frame = window.requestAnimationFrame(() => {
      frame = 0;
      update();
    });
  };
  const step = (delta: number, button: HTMLButtonElement) => {
    range.value = String(Math.min(N - 1, Math.max(0, Number(range.value) + delta)));
    update();
    // A button disabled at either end would drop the keyboard focus to the page: hand it to the slider.
    if (button.disabled) range.focus();
  };
  runSelect.addEventListener('change', selectRun);
  layerSelect.addEventListener('change', () => {
    layerSelect.dataset.touched = '1';
    update();
  });
  range.addEventListener('input', schedule);
  earlier.addEventListener('click', () => step(-1, earlier));
  later.addEventListener('click', () => step(1, later));

  selectRun();

  return {
    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (frame !== 0) window.cancelAnimationFrame(frame);
      clearHeatmaps();
      gradChart.destroy();
      model = null;
      section.remove();
    },
  };
}

/** "LSTM, seed 0" per run; the tutorial's all-positions BRNN says so; repeated labels get "(run k)". */
function runLabels(runs: readonly ModelResult[]): string[] {
  const base = runs.map(
    (r) =>
      `${MODEL_LABELS[r.kind]}, seed ${r.seed}${r.target !== targetFor(r.kind) ? ` (trained on ${r.target.replace('-', ' ')})` : ''}`,
  );
  return base.map((b, k) => (base.indexOf(b) !== base.lastIndexOf(b) ? `${b} (run ${k + 1})` : b));
}

function money(v: number, unit: string): string {
  if (!Number.isFinite(v)) return 'n/a';
  return `${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${unit}`.trim();
}
