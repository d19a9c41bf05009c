/**
 * The dataset shipped with the package: `data/dji.csv` (Dow Jones Industrial Average, daily OHLCV,
 * 1992-01-02..2025-03-17, see data/README.md) and the tutorial's window of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PriceCsvOptions } from '../data/csv.js';
import { sliceByDate } from '../data/range.js';
import type { PriceSeries } from '../data/series.js';
import { readPriceCsv } from './csv_file.js';

/** The tutorial's window: 1257 trading days, first Close 25516.83, last 39512.13. */
export const DEFAULT_RANGE = '2019-03-25:2024-03-20';

/** The shipped file, relative to the package root. */
export const DEFAULT_DATASET_FILE = 'data/dji.csv';

/**
 * Absolute path of the shipped `data/dji.csv`. Found by walking up from this module (at run time
 * `<root>/dist/src/data/dataset.js`) to the directory whose package.json is named "rnnlab".
 */
export function defaultDatasetPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (isPackageRoot(dir)) {
      const file = join(dir, DEFAULT_DATASET_FILE);
      if (!existsSync(file)) {
        throw new Error(
          `the rnnlab package at ${dir} has no ${DEFAULT_DATASET_FILE}. Reinstall the package, or pass a CSV ` +
            'path explicitly (`rnnlab fetch` or, in code, fetchStooq can download one).',
        );
      }
      return file;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    `cannot find the rnnlab package root above ${here}, so the default ${DEFAULT_DATASET_FILE} is unknown. ` +
      'Pass a CSV path explicitly.',
  );
}

function isPackageRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'rnnlab';
  } catch {
    return false;
  }
}

/** Reads `path` (default: the shipped file) and keeps the rows in `range` (default: the tutorial window). */
export function loadDataset(
  path: string = defaultDatasetPath(),
  range: string = DEFAULT_RANGE,
  opts: PriceCsvOptions = {},
): PriceSeries {
  return sliceByDate(readPriceCsv(path, opts), range);
}
