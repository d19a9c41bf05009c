/**
 * The whole series as a line, the selected date range highlighted, and a brush: drag across the chart (mouse,
 * pen or touch) to choose a new range. The keyboard path is the From/To date inputs beside it.
 */
import type { Plugin } from 'chart.js';
import { Chart, fitDateTicks, setAxisTitle } from './chart.js';
import { ACTUAL_COLOR } from './palette.js';

export interface Shade {
  from: number;
  to: number;
  color: string;
  label?: string;
}

export class OverviewChart {
  private readonly chart: Chart<'line', number[], string>;
  private dates: string[] = [];
  /** Index range highlighted (inclusive) and extra shaded periods (train/val/test). */
  private selection: [number, number] = [0, 0];
  private shades: Shade[] = [];
  private drag: { start: number; end: number } | null = null;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly onBrush: (from: string, to: string) => void,
  ) {
    const highlight: Plugin<'line'> = {
      id: 'selection',
      beforeDatasetsDraw: (c) => {
        const x = c.scales.x;
        const { top, bottom } = c.chartArea;
        const ctx = c.ctx;
        const band = (a: number, b: number, color: string, label?: string) => {
          const x0 = x.getPixelForValue(a);
          const x1 = x.getPixelForValue(b);
          ctx.fillStyle = color;
          ctx.fillRect(Math.min(x0, x1), top, Math.abs(x1 - x0) || 1, bottom - top);
          if (label) {
            ctx.fillStyle = '#334155';
            ctx.font = '11px system-ui, sans-serif';
            ctx.fillText(label, Math.min(x0, x1) + 3, top + 12);
          }
        };
        ctx.save();
        if (this.shades.length === 0) band(this.selection[0], this.selection[1], 'rgba(29, 78, 216, 0.10)');
        for (const s of this.shades) band(s.from, s.to, s.color, s.label);
        if (this.drag) band(this.drag.start, this.drag.end, 'rgba(245, 158, 11, 0.25)');
        ctx.restore();
      },
    };
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        labels: [],
        datasets: [{ data: [], borderColor: ACTUAL_COLOR, borderWidth: 1, pointRadius: 0 }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: {
            ticks: { maxTicksLimit: 6, maxRotation: 0, callback: (v) => this.dates[Number(v)]?.slice(0, 4) },
          },
          y: { title: { display: true, text: 'close' }, ticks: { maxTicksLimit: 5 } },
        },
      },
      plugins: [highlight, fitDateTicks],
    });
    this.bindBrush(canvas);
  }

  setSeries(dates: string[], close: ArrayLike<number>, unit: string): void {
    this.dates = dates;
    this.chart.data.labels = dates;
    this.chart.data.datasets[0].data = Array.from(close);
    setAxisTitle(this.chart as unknown as Chart, 'y', `close (${unit})`);
  }

  /** Highlights [from, to] (dates, inclusive) and clears the period shading. */
  select(from: string, to: string): void {
    this.selection = [this.indexOf(from), this.indexOf(to)];
    this.shades = [];
    this.chart.update();
  }

  /** Shades the training, validation and test periods (dates) instead of the plain selection. */
  shadePeriods(periods: ReadonlyArray<{ from: string; to: string; color: string; label: string }>): void {
    this.shades = periods.map((p) => ({
      from: this.indexOf(p.from),
      to: this.indexOf(p.to),
      color: p.color,
      label: p.label,
    }));
    this.chart.update();
  }

  private indexOf(date: string): number {
    let lo = 0;
    let hi = this.dates.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.dates[mid] < date) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo);
  }

  private bindBrush(canvas: HTMLCanvasElement): void {
    const at = (e: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      const v = this.chart.scales.x.getValueForPixel(e.clientX - r.left) ?? 0;
      return Math.max(0, Math.min(this.dates.length - 1, Math.round(v)));
    };
    canvas.addEventListener('pointerdown', (e) => {
      if (this.dates.length === 0) return;
      canvas.setPointerCapture(e.pointerId);
      const i = at(e);
      this.drag = { start: i, end: i };
      this.chart.update();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      this.drag.end = at(e);
      this.chart.update();
    });
    const finish = () => {
      if (!this.drag) return;
      const a = Math.min(this.drag.start, this.drag.end);
      const b = Math.max(this.drag.start, this.drag.end);
      this.drag = null;
      if (b - a >= 10) this.onBrush(this.dates[a], this.dates[b]);
      else this.chart.update();
    };
    canvas.addEventListener('pointerup', finish);
    canvas.addEventListener('pointercancel', finish);
  }

  destroy(): void {
    this.chart.destroy();
  }
}
