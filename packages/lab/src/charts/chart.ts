/** Chart.js with every chart type the lab draws registered once (lines, bars, filled bands, matrix heatmaps). */
import { Chart, type Plugin, registerables } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

Chart.register(...registerables, MatrixController, MatrixElement);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#334155';
Chart.defaults.animation = false;
/** Charts never take the mouse wheel: the page scrolls over them; zoom is by explicit controls. */
Chart.defaults.events = ['mousemove', 'mouseout', 'click', 'touchstart', 'touchmove'];

export { Chart };

/** Sets the title of one axis of a chart and redraws it. */
export function setAxisTitle(chart: Chart, axis: string, text: string): void {
  const scale = chart.options.scales?.[axis] as { title?: { text: string | string[] } } | undefined;
  if (scale?.title) scale.title.text = text;
  chart.update();
}

/**
 * Keeps date labels on the x axis from overlapping on narrow screens: at most one label per 110 px (add it to a
 * chart's `plugins`).
 */
export const fitDateTicks: Plugin<'line'> = {
  id: 'fitDateTicks',
  beforeLayout(chart) {
    const x = chart.options.scales?.x as { ticks?: { maxTicksLimit?: number } } | undefined;
    if (x?.ticks) x.ticks.maxTicksLimit = Math.max(2, Math.min(8, Math.floor(chart.width / 110)));
  },
};

/** Options every line chart of the lab shares: fills its box (the box sets the height), tooltips per x value. */
export const LINE_BASE = {
  responsive: true,
  maintainAspectRatio: false,
  interaction: { mode: 'index', intersect: false },
} as const;
