import type { Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { buildCharts, type ChartEntry, type ChartOptions } from './charts.js';
import type { ReportData } from './types.js';

type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

export interface CompiledChart extends ChartEntry {
  /** The Vega spec compiled from `spec`; the HTML page and the SVG renderer need only Vega. */
  vega: VegaSpec;
  /** `compact` compiled, when the chart has it. */
  compactVega?: VegaSpec;
  /** Vega-Lite compiler warnings, of both layouts (an empty list for well-formed specs). */
  warnings: string[];
}

/** Compiles Vega-Lite to Vega in Node, collecting the compiler's warnings instead of printing them. */
export function compileChart(spec: TopLevelSpec): { vega: VegaSpec; warnings: string[] } {
  const warnings: string[] = [];
  let level = 2;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      throw new Error(`vega-lite: ${args.map(String).join(' ')}`);
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  } as unknown as Logger;
  const vega = compile(spec, { logger }).spec as VegaSpec;
  return { vega, warnings };
}

/** Builds and compiles every chart of the report. */
export function compileCharts(data: ReportData, opts: ChartOptions = {}): CompiledChart[] {
  return buildCharts(data, opts).map((chart) => {
    const { vega, warnings } = compileChart(chart.spec);
    if (!chart.compact) return { ...chart, vega, warnings };
    const compact = compileChart(chart.compact);
    return { ...chart, vega, compactVega: compact.vega, warnings: [...warnings, ...compact.warnings] };
  });
}
