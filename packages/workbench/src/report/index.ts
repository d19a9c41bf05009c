/**
 * The report layer: turns a plain `ReportData` object (no engine imports) into a self-contained HTML page, static
 * SVG/PNG charts and a terminal table. Entry points: `writeReport`, `renderHtml`, `formatMetricsTable`,
 * `formatVerdict`.
 */
export {
  buildCharts,
  CHART_CONFIG,
  type ChartEntry,
  type ChartName,
  type ChartOptions,
  horizonChart,
  lossChart,
  maeChart,
  predictionsChart,
  seriesChart,
} from './charts.js';
export { type CompiledChart, compileChart, compileCharts } from './compile.js';
export { escapeHtml } from './format.js';
export { PAGE_CHARTS, type RenderHtmlOptions, renderHtml, vegaRuntimeSource } from './html.js';
export { ACTUAL_COLOR, type SeriesStyle, seriesStyles } from './palette.js';
export { naiveRow, rankedRows, rowLabel, seedRow } from './rows.js';
export {
  findSystemFonts,
  type PngResult,
  type RenderedChart,
  renderCharts,
  renderPng,
  renderSvg,
} from './svg.js';
export { formatMetricsTable, formatTableNotes, formatVerdict, type TableOptions } from './table.js';
export type {
  CompareResults,
  EpochLoss,
  HorizonError,
  ModelRun,
  PredictionSeries,
  ReportData,
  ResultRow,
} from './types.js';
export { type WriteReportOptions, type WrittenReport, writeFileAtomic, writeReport } from './write.js';
