/** Writes the report to disk: index.html plus charts/<name>.svg and .png, each file atomically. */
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChartName } from './charts.js';
import { compileCharts } from './compile.js';
import { renderHtml } from './html.js';
import { renderCharts } from './svg.js';
import type { ReportData } from './types.js';

export interface WriteReportOptions {
  /** Also rasterize the charts to PNG with resvg (default true). */
  png?: boolean;
  /** PNG pixels per SVG pixel (default 2). */
  pngScale?: number;
}

export interface WrittenReport {
  /** Path of index.html. */
  html: string;
  svgs: string[];
  pngs: string[];
  /** Non-fatal problems: PNGs that could not be made, compiler warnings. */
  warnings: string[];
}

const CHART_NAMES: readonly ChartName[] = ['series', 'mae', 'predictions', 'loss', 'horizon'];

/** Writes `data` to `file` through a temporary file in the same directory and a rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const reason = (e as Error).message;
    throw new Error(`report: cannot write to output directory "${dir}" (${code}): ${reason}`, { cause: e });
  }
}

/** Renders and writes the whole report into `outDir` (created if missing). */
export async function writeReport(
  data: ReportData,
  outDir: string,
  opts: WriteReportOptions = {},
): Promise<WrittenReport> {
  const chartsDir = join(outDir, 'charts');
  await ensureWritableDir(outDir);
  await ensureWritableDir(chartsDir);
  const html = renderHtml(data, { charts: compileCharts(data) });
  const rendered = await renderCharts(data, { png: opts.png ?? true, pngScale: opts.pngScale });
  const svgs: string[] = [];
  const pngs: string[] = [];
  const warnings: string[] = [];
  const writes: Array<Promise<void>> = [];
  for (const c of rendered) {
    warnings.push(...c.warnings);
    const svgPath = join(chartsDir, `${c.name}.svg`);
    svgs.push(svgPath);
    writes.push(writeFileAtomic(svgPath, c.svg));
    if (c.png) {
      const pngPath = join(chartsDir, `${c.name}.png`);
      pngs.push(pngPath);
      writes.push(writeFileAtomic(pngPath, c.png));
    }
  }
  const htmlPath = join(outDir, 'index.html');
  writes.push(writeFileAtomic(htmlPath, html));
  await Promise.all(writes);
  // Charts of an earlier report in the same folder that this one does not have (e.g. horizon, PNGs) would mislead.
  const written = new Set([...svgs, ...pngs]);
  const stale = CHART_NAMES.flatMap((n) => [join(chartsDir, `${n}.svg`), join(chartsDir, `${n}.png`)]).filter(
    (p) => !written.has(p),
  );
  await Promise.all(stale.map((p) => rm(p, { force: true })));
  return { html: htmlPath, svgs, pngs, warnings };
}
