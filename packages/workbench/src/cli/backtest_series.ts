/**
 * The series of a backtest: `--csv` (repeatable), `--manifest FILE` (a JSON array or a CSV with the columns
 * path,name[,range][,target]) or `--dir FOLDER` (every *.csv in it, sorted by name); the shipped Dow Jones file
 * over the tutorial's window when none is given. Names must be unique: they are part of every unit's key.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { printable } from 'rnnlab';
import { sliceByDate } from 'rnnlab/data';
import type { BacktestSeries } from 'rnnlab/forecast';
import { DEFAULT_RANGE, defaultDatasetPath, readPriceCsv } from 'rnnlab/node';

/** One line of a manifest, or one --csv / --dir file. */
export interface SeriesEntry {
  path: string;
  name: string;
  range?: string;
  target?: 'close' | 'log_return';
}

export interface SeriesSources {
  csv?: string[];
  manifest?: string;
  dir?: string;
  /** Range for --csv/--dir files (a manifest's own range column wins). */
  range?: string;
}

/** Largest manifest file read, in bytes. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** A short series name from a file path: its stem, lower-cased. */
export function nameOfPath(path: string): string {
  return basename(path, extname(path)).toLowerCase();
}

/** Parses a manifest's text; `where` names the file in errors, relative paths resolve against `base`. */
export function parseManifest(text: string, where: string, base: string): SeriesEntry[] {
  const fail = (m: string) => new Error(`--manifest ${printable(where, 200)}: ${m}`);
  const trimmed = text.trim();
  let rows: Array<Record<string, unknown>>;
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw fail(
        `not valid JSON (${printable((e as Error).message, 200)}). Fix: give a JSON array of {path, name}.`,
      );
    }
    if (!Array.isArray(parsed) || parsed.some((r) => typeof r !== 'object' || r === null || Array.isArray(r)))
      throw fail('expected a JSON array of objects like {"path": "a.csv", "name": "a"}.');
    rows = parsed as Array<Record<string, unknown>>;
  } else {
    const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length === 0)
      throw fail('the file is empty. Fix: list one series per line under a header path,name.');
    const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
    if (!header.includes('path'))
      throw fail(
        `the header '${printable(lines[0], 100)}' has no 'path' column. Fix: start with path,name[,range][,target].`,
      );
    rows = lines.slice(1).map((l) => {
      const cells = l.split(',').map((c) => c.trim());
      return Object.fromEntries(header.map((h, i) => [h, cells[i] === '' ? undefined : cells[i]]));
    });
  }
  if (rows.length === 0) throw fail('it lists no series. Fix: add at least one line.');
  return rows.map((r, i) => {
    const at = `entry ${i + 1}`;
    if (typeof r.path !== 'string' || r.path.trim() === '') throw fail(`${at} has no path.`);
    for (const k of ['name', 'range', 'target'] as const)
      if (r[k] !== undefined && typeof r[k] !== 'string') throw fail(`${at}: '${k}' must be a string.`);
    const target = r.target as string | undefined;
    if (target !== undefined && target !== 'close' && target !== 'log_return')
      throw fail(`${at}: target '${printable(target, 50)}' is not close or log_return.`);
    const path = resolve(base, r.path);
    return {
      path,
      name: (r.name as string | undefined) ?? nameOfPath(path),
      range: r.range as string | undefined,
      target: target as SeriesEntry['target'],
    };
  });
}

/** The entries the flags select (exactly one source kind, or the shipped file). */
export function seriesEntries(s: SeriesSources): SeriesEntry[] {
  const given = [s.csv?.length ? '--csv' : '', s.manifest ? '--manifest' : '', s.dir ? '--dir' : ''].filter(
    Boolean,
  );
  if (given.length > 1)
    throw new Error(`${given.join(' and ')} were both given. Fix: choose one way to list the series.`);
  if (s.manifest) {
    let text: string;
    try {
      text = readFileSync(s.manifest, 'utf8');
    } catch (e) {
      throw new Error(
        `--manifest ${printable(s.manifest, 200)}: cannot read it (${printable((e as Error).message, 200)}).`,
      );
    }
    if (text.length > MAX_MANIFEST_BYTES)
      throw new Error(`--manifest ${printable(s.manifest, 200)}: larger than 16 MiB.`);
    return parseManifest(text, s.manifest, dirname(resolve(s.manifest)));
  }
  if (s.dir) {
    let files: string[];
    try {
      files = readdirSync(s.dir)
        .filter((f) => f.toLowerCase().endsWith('.csv'))
        .sort();
    } catch (e) {
      throw new Error(
        `--dir ${printable(s.dir, 200)}: cannot list it (${printable((e as Error).message, 200)}).`,
      );
    }
    if (files.length === 0) throw new Error(`--dir ${printable(s.dir, 200)}: no *.csv files in it.`);
    return files.map((f) => ({ path: resolve(s.dir as string, f), name: nameOfPath(f), range: s.range }));
  }
  if (s.csv?.length) return s.csv.map((p) => ({ path: resolve(p), name: nameOfPath(p), range: s.range }));
  return [{ path: defaultDatasetPath(), name: 'dji', range: s.range ?? DEFAULT_RANGE }];
}

/** Series names: unique, and safe as a unit-key segment (letters, digits, '.', '_', '-'). */
export function checkSeriesNames(entries: readonly SeriesEntry[]): void {
  const seen = new Map<string, string>();
  for (const e of entries) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(e.name))
      throw new Error(
        `series name '${printable(e.name, 80)}' (${printable(e.path, 200)}) must be 1–64 letters, digits, '.', '_' or '-'. Fix: give a name in the manifest.`,
      );
    const other = seen.get(e.name);
    if (other !== undefined)
      throw new Error(
        `two series are named '${e.name}': ${printable(other, 200)} and ${printable(e.path, 200)}. Fix: give unique names in a manifest.`,
      );
    seen.set(e.name, e.path);
  }
}

/** Reads every entry's CSV and applies its range. */
export function loadBacktestSeries(
  entries: readonly SeriesEntry[],
  o: { dropInvalid?: boolean; maxBytes?: number; warn: (s: string) => void },
): BacktestSeries[] {
  checkSeriesNames(entries);
  return entries.map((e) => {
    const whole = readPriceCsv(e.path, { dropInvalid: o.dropInvalid ?? false, maxBytes: o.maxBytes });
    const series = e.range ? sliceByDate(whole, e.range) : whole;
    for (const w of series.warnings) o.warn(`${e.name}: ${w}`);
    return { name: e.name, series };
  });
}

/** The one target all manifest entries agree on, if any gave one (used when --target/--grid do not set it). */
export function manifestTarget(entries: readonly SeriesEntry[]): SeriesEntry['target'] {
  const targets = [...new Set(entries.map((e) => e.target).filter((t) => t !== undefined))];
  if (targets.length > 1)
    throw new Error(
      `the manifest gives different targets (${targets.join(', ')}); a backtest plan has one target per grid cell. ` +
        'Fix: drop the target column and use --grid "target=close,log_return", or run the series separately.',
    );
  return targets[0];
}
