/**
 * Writes the report to disk: index.html, charts/<name>.svg and .png, and the caller's extra files (e.g.
 * results.json, forecasts.csv).
 *
 * The folder is replaced as a whole (util/atomic_write.ts `replaceDirectory`): everything is rendered, written
 * into a sibling temp folder and fsynced, then swapped in. So a reader, or an interrupted run (SIGINT, SIGTERM,
 * an error), sees either the old report or the new one — never new charts beside an old index.html — and no temp
 * files are left. Because the old folder is removed, an existing `outDir` must be empty or hold only what a
 * report holds (the files listed in its `.rnnlab-report` manifest, or those of an older report); anything else
 * (a user's own files, `--out .` in a project) is refused, not deleted. A symbolic link to a folder is followed
 * (its target is replaced, the link stays).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { printable } from 'rnnlab';
import { AtomicWriteError, replaceDirectory, resolveFolderTarget, writeFileAtomic } from 'rnnlab/node';
import type { ReportData } from './types.js';

export { writeFileAtomic };

/** A file written into the report folder beside index.html. */
export interface ReportExtraFile {
  /** A plain file name (no folders), not index.html or charts. */
  name: string;
  /** Content; a string is written as UTF-8. */
  data: string | Uint8Array;
}

export interface WriteReportOptions {
  /** Also rasterize the charts to PNG with resvg (default true). */
  png?: boolean;
  /** PNG pixels per SVG pixel (default 2). */
  pngScale?: number;
  /** More files for the report folder (e.g. results.json, forecasts.csv), swapped in with the rest. */
  extraFiles?: ReportExtraFile[];
}

export interface WrittenReport {
  /** Path of index.html. */
  html: string;
  svgs: string[];
  pngs: string[];
  /** Paths of `extraFiles`, in the order given. */
  extra: string[];
  /** Non-fatal problems: PNGs that could not be made, compiler warnings. */
  warnings: string[];
}

/** The list of files a report wrote (one relative path a line), so the next report knows what it may replace. */
const MANIFEST = '.rnnlab-report';

/** Top-level names a report folder may hold besides its manifest's and `extraFiles` (reports made before it). */
const REPORT_FILES: readonly string[] = ['index.html', 'results.json', 'forecasts.csv', MANIFEST];

/** Renders and writes the whole report into `outDir`, replacing it as a whole (see the module doc). */
export async function writeReport(
  data: ReportData,
  outDir: string,
  opts: WriteReportOptions = {},
): Promise<WrittenReport> {
  const extraFiles = opts.extraFiles ?? [];
  // Path problems (a file in the way, a folder of other files) surface before any rendering; /proc and
  // read-only places when the staging folder is made, also before rendering.
  checkReportFolder(
    outDir,
    extraFiles.map((f) => f.name),
  );

  // The renderers pull in Vega and Vega-Lite (~0.4 s to load): loaded here, so that commands and runs that write
  // no report (--no-report, predict, train, --help) do not pay for them.
  const [{ renderHtml }, { renderCharts }] = await Promise.all([import('./html.js'), import('./svg.js')]);
  const svgs: string[] = [];
  const pngs: string[] = [];
  const warnings: string[] = [];
  await replaceDirectory(
    outDir,
    async (staging) => {
      const html = renderHtml(data);
      const rendered = await renderCharts(data, { png: opts.png ?? true, pngScale: opts.pngScale });
      const files: ReportExtraFile[] = [{ name: 'index.html', data: html }];
      for (const c of rendered) {
        warnings.push(...c.warnings);
        files.push({ name: join('charts', `${c.name}.svg`), data: c.svg });
        svgs.push(join(outDir, 'charts', `${c.name}.svg`));
        if (c.png) {
          files.push({ name: join('charts', `${c.name}.png`), data: c.png });
          pngs.push(join(outDir, 'charts', `${c.name}.png`));
        }
      }
      files.push(...extraFiles);
      const manifest = `${[...files.map((f) => f.name), MANIFEST].join('\n')}\n`;
      files.push({ name: MANIFEST, data: manifest });
      for (const f of files) await writeFileAtomic(join(staging, f.name), f.data, { createParents: true });
    },
    { createParents: true },
  ).catch((e: unknown) =>
    Promise.reject(e instanceof AtomicWriteError ? new Error(`report: ${e.message}`, { cause: e }) : e),
  );
  return {
    html: join(outDir, 'index.html'),
    svgs,
    pngs,
    extra: extraFiles.map((f) => join(outDir, f.name)),
    warnings,
  };
}

/**
 * Checks, without writing anything, that `writeReport(…, outDir, { extraFiles })` with these extra file names
 * can replace `outDir`: the names are plain and distinct; the path is absent or a folder holding only a report's
 * files, is not the current folder, and its parent exists or can be created. Call it before long work so a bad
 * `--out` fails at once. Throws an Error naming the path and the fix.
 */
export function checkReportFolder(outDir: string, extraFileNames: readonly string[] = []): void {
  checkExtraNames(extraFileNames);
  const target = reportError(() => resolveFolderTarget(outDir, { createParents: true, checkOnly: true }));
  checkReplaceable(outDir, target, extraFileNames);
}

/** Extra file names must be plain, distinct, and not clash with the report's own files. */
function checkExtraNames(extra: readonly string[]): void {
  const seen = new Set<string>(['index.html', 'charts', MANIFEST]);
  for (const name of extra) {
    const bad =
      name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)
        ? 'is not a plain file name'
        : seen.has(name)
          ? 'is used twice or clashes with the report (index.html, charts)'
          : null;
    if (bad) {
      throw new Error(
        `writeReport: extra file name "${printable(name, 80)}" ${bad}. Fix: give another name.`,
      );
    }
    seen.add(name);
  }
}

/** Runs a path check, prefixing its error with "report: ". */
function reportError<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw new Error(`report: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Refuses to replace the current folder (or one containing it), or an existing folder holding anything a report
 * does not: at the top level only REPORT_FILES, the names in its manifest, the extra file names, and `charts/`
 * with .svg and .png files.
 */
function checkReplaceable(outDir: string, target: string, extra: readonly string[]): void {
  const fail = (problem: string, fix: string) =>
    new Error(`report: cannot write ${printable(outDir, 200)}: ${problem}. Fix: ${fix}.`);
  const cwd = process.cwd();
  if (cwd === target || cwd.startsWith(`${target}${sep}`)) {
    throw fail(
      'it is the current folder or contains it, and a report replaces its folder as a whole',
      'give a folder below the current one, e.g. report',
    );
  }
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return;
    throw fail(`cannot list the folder (${code})`, 'check its permissions, or choose another folder');
  }
  const known = new Set([...REPORT_FILES, ...extra, ...manifestNames(target)]);
  const foreign: string[] = [];
  for (const name of entries) {
    const path = join(target, name);
    if (name === 'charts' && statSync(path).isDirectory()) {
      for (const c of readdirSync(path)) if (!/\.(svg|png)$/.test(c)) foreign.push(join('charts', c));
    } else if (!known.has(name) || !statSync(path).isFile()) {
      foreign.push(name);
    }
  }
  if (foreign.length === 0) return;
  const list =
    foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
  throw fail(
    `the folder holds files that are not part of a report (${printable(list, 200)}), and a report replaces its ` +
      'folder as a whole',
    'choose a new or empty folder, or move those files away',
  );
}

/** The top-level file names listed in the manifest of the report in `dir` (none if it has no manifest). */
function manifestNames(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((name) => name !== '' && !/[/\\]/.test(name));
}
