/** Static rendering of the charts: SVG with Vega's headless View, PNG with resvg when it loads. */
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, Error as VegaError, type Spec as VegaSpec, View } from 'vega';
import { type CompiledChart, compileCharts } from './compile.js';
import type { ReportData } from './types.js';

/** Renders a Vega spec to an SVG document string, without a browser. */
export async function renderSvg(spec: VegaSpec): Promise<string> {
  const view = new View(parse(spec), { renderer: 'none', logLevel: VegaError });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface SystemFonts {
  /** Font files found in the usual directories. */
  files: string[];
  /** The family to use for generic sans-serif text, when a known one is installed. */
  sansFamily?: string;
}

const FONT_DIRS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  join(homedir(), '.fonts'),
  join(homedir(), '.local/share/fonts'),
  '/System/Library/Fonts',
  '/Library/Fonts',
  'C:\\Windows\\Fonts',
];

/** Preferred sans-serif families, matched on font file names. */
const SANS_FAMILIES: Array<[RegExp, string]> = [
  [/^DejaVuSans\.ttf$/i, 'DejaVu Sans'],
  [/^LiberationSans-Regular\.ttf$/i, 'Liberation Sans'],
  [/^NotoSans-Regular\.[ot]tf$/i, 'Noto Sans'],
  [/^Arial\.ttf$/i, 'Arial'],
  [/^Helvetica\.ttc$/i, 'Helvetica'],
  [/^FreeSans\.ttf$/i, 'FreeSans'],
];

let fontCache: SystemFonts | undefined;

/** Looks for installed fonts (resvg draws no text without one). */
export function findSystemFonts(): SystemFonts {
  if (fontCache) return fontCache;
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 5) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.(ttf|otf|ttc)$/i.test(e.name)) files.push(p);
    }
  };
  for (const dir of FONT_DIRS) walk(dir, 0);
  let sansFamily: string | undefined;
  for (const [pattern, family] of SANS_FAMILIES) {
    if (files.some((f) => pattern.test(f.split(/[\\/]/).pop()!))) {
      sansFamily = family;
      break;
    }
  }
  fontCache = { files, sansFamily };
  return fontCache;
}

export interface PngResult {
  png?: Uint8Array;
  /** Why no PNG was made, or a caveat about the one that was (e.g. no fonts: text missing). */
  warning?: string;
}

type ResvgModule = typeof import('@resvg/resvg-js');
let resvgModule: Promise<ResvgModule | Error> | undefined;

function loadResvg(): Promise<ResvgModule | Error> {
  resvgModule ??= import('@resvg/resvg-js').catch((e: unknown) =>
    e instanceof Error ? e : new Error(String(e)),
  );
  return resvgModule;
}

/** Rasterizes an SVG with resvg at `scale` × its size; never throws, reports failure in `warning`. */
export async function renderPng(svg: string, opts: { scale?: number } = {}): Promise<PngResult> {
  const mod = await loadResvg();
  if (mod instanceof Error) return { warning: `PNG skipped: @resvg/resvg-js did not load (${mod.message})` };
  const fonts = findSystemFonts();
  try {
    const resvg = new mod.Resvg(svg, {
      fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
      background: 'white',
      font: {
        loadSystemFonts: true,
        ...(fonts.sansFamily
          ? { defaultFontFamily: fonts.sansFamily, sansSerifFamily: fonts.sansFamily }
          : {}),
      },
    });
    const png = new Uint8Array(resvg.render().asPng());
    const warning =
      fonts.files.length === 0 ? 'PNG text may be missing: no system fonts found for resvg' : undefined;
    return warning ? { png, warning } : { png };
  } catch (e) {
    return { warning: `PNG failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export interface RenderedChart {
  name: CompiledChart['name'];
  title: string;
  svg: string;
  png?: Uint8Array;
  warnings: string[];
}

/** Renders every chart of the report (static variants) to SVG, and to PNG unless `png` is false. */
export async function renderCharts(
  data: ReportData,
  opts: { png?: boolean; pngScale?: number; charts?: CompiledChart[] } = {},
): Promise<RenderedChart[]> {
  const charts = opts.charts ?? compileCharts(data, { interactive: false });
  return Promise.all(
    charts.map(async (c) => {
      const svg = await renderSvg(c.vega);
      const warnings = c.warnings.map((w) => `${c.name}: vega-lite: ${w}`);
      if (opts.png === false) return { name: c.name, title: c.title, svg, warnings };
      const { png, warning } = await renderPng(svg, { scale: opts.pngScale });
      if (warning) warnings.push(`${c.name}: ${warning}`);
      return png
        ? { name: c.name, title: c.title, svg, png, warnings }
        : { name: c.name, title: c.title, svg, warnings };
    }),
  );
}
