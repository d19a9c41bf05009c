/**
 * The lab's line charts: the live loss curves (train solid, validation dashed, log scale) and forecast-vs-actual
 * charts (the live validation chart and the test-period chart with 80%/95% interval bands and zoom buttons).
 */
import type { ChartDataset } from 'chart.js';
import type { ModelKind } from 'rnnlab/forecast';
import { Chart, fitDateTicks, LINE_BASE, setAxisTitle } from './chart.js';
import { ACTUAL_COLOR, MODEL_COLORS } from './palette.js';

type Line = ChartDataset<'line', Array<number | null>>;

export class LossChart {
  private readonly chart: Chart<'line', Array<number | null>, number>;

  constructor(canvas: HTMLCanvasElement) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        ...LINE_BASE,
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: {
          x: { title: { display: true, text: 'epoch' } },
          y: { type: 'logarithmic', title: { display: true, text: 'MSE (log scale)' } },
        },
      },
    });
  }

  reset(kinds: readonly ModelKind[], labels: Record<string, string>, epochs: number): void {
    this.chart.data.labels = Array.from({ length: epochs }, (_, i) => i + 1);
    this.chart.data.datasets = kinds.flatMap((k): Line[] => [
      {
        label: `${labels[k]} train`,
        data: [],
        borderColor: MODEL_COLORS[k],
        backgroundColor: MODEL_COLORS[k],
        borderWidth: 2,
        pointRadius: 2,
      },
      {
        label: `${labels[k]} val`,
        data: [],
        borderColor: MODEL_COLORS[k],
        backgroundColor: MODEL_COLORS[k],
        borderDash: [5, 4],
        borderWidth: 2,
        pointRadius: 2,
      },
    ]);
    this.chart.update();
  }

  add(kind: ModelKind, labels: Record<string, string>, epoch: number, train: number, val: number): void {
    for (const [suffix, v] of [
      ['train', train],
      ['val', val],
    ] as const) {
      const ds = this.chart.data.datasets.find((d) => d.label === `${labels[kind]} ${suffix}`);
      if (ds) ds.data[epoch - 1] = Number.isFinite(v) && v > 0 ? v : null;
    }
    this.chart.update();
  }

  destroy(): void {
    this.chart.destroy();
  }
}

export interface ForecastLine {
  name: string;
  label: string;
  color: string;
  values: ArrayLike<number>;
  dashed?: boolean;
}

/** Actual prices and forecasts over dated points, with optional interval bands; zoom by buttons only. */
export class ForecastChart {
  private readonly chart: Chart<'line', Array<number | null>, string>;
  private n = 0;
  private window: [number, number] = [0, 0];

  constructor(canvas: HTMLCanvasElement, unit: string) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        ...LINE_BASE,
        plugins: {
          legend: {
            position: 'bottom',
            labels: { boxWidth: 12, filter: (item) => !item.text.startsWith('_') },
          },
          tooltip: { filter: (item) => !String(item.dataset.label).startsWith('_') },
        },
        scales: {
          x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } },
          y: { title: { display: true, text: `close (${unit})` } },
        },
      },
      plugins: [fitDateTicks],
    });
  }

  setUnit(unit: string): void {
    setAxisTitle(this.chart as unknown as Chart, 'y', `close (${unit})`);
  }

  /**
   * Draws `actual` and `lines` over `dates`; `bands` (lower/upper per point) are filled behind, widest first.
   * Keeps the zoom when the dates are unchanged (live updates).
   */
  draw(
    dates: string[],
    actual: ArrayLike<number>,
    lines: readonly ForecastLine[],
    bands: ReadonlyArray<{
      label: string;
      color: string;
      lower: ArrayLike<number>;
      upper: ArrayLike<number>;
    }> = [],
  ): void {
    const same = this.n === dates.length && this.chart.data.labels?.[0] === dates[0];
    this.chart.data.labels = dates;
    const datasets: Line[] = [];
    for (const b of bands) {
      datasets.push({
        label: `_${b.label} lower`,
        data: Array.from(b.lower),
        borderWidth: 0,
        pointRadius: 0,
        fill: false,
      });
      datasets.push({
        label: b.label,
        data: Array.from(b.upper),
        borderWidth: 0,
        pointRadius: 0,
        backgroundColor: b.color,
        fill: '-1',
      });
    }
    datasets.push({
      label: 'actual',
      data: Array.from(actual),
      borderColor: ACTUAL_COLOR,
      backgroundColor: ACTUAL_COLOR,
      borderWidth: 2,
      pointRadius: 0,
    });
    for (const l of lines)
      datasets.push({
        label: l.label,
        data: Array.from(l.values),
        borderColor: l.color,
        backgroundColor: l.color,
        borderWidth: 1.5,
        pointRadius: 0,
        borderDash: l.dashed ? [5, 4] : undefined,
      });
    this.chart.data.datasets = datasets;
    if (!same) {
      this.n = dates.length;
      this.window = [0, Math.max(0, dates.length - 1)];
    }
    this.applyWindow();
  }

  /** Zooms in (factor < 1) or out (> 1) around the centre of the visible dates. */
  zoom(factor: number): void {
    const [a, b] = this.window;
    const mid = (a + b) / 2;
    const half = Math.max(5, ((b - a) / 2) * factor);
    this.window = [Math.max(0, Math.round(mid - half)), Math.min(this.n - 1, Math.round(mid + half))];
    this.applyWindow();
  }

  resetZoom(): void {
    this.window = [0, Math.max(0, this.n - 1)];
    this.applyWindow();
  }

  private applyWindow(): void {
    const x = this.chart.options.scales?.x as { min?: number; max?: number };
    x.min = this.window[0];
    x.max = this.window[1];
    this.chart.update();
  }

  destroy(): void {
    this.chart.destroy();
  }
}
