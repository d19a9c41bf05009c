/**
 * Chronological train / validation / test split of windows, by the day of each window's last target.
 *
 * Legend: W windows (from `makeWindows`, seqLen T, horizon h), window r spans days r .. r+T-1+h (first input ..
 * last target), f = fractions (default 0.7 / 0.15 / 0.15, must sum to 1).
 *
 * Rule. nTrain = ⌊W·f.train⌋, nVal = ⌊W·f.val⌋, nTest = W − nTrain − nVal windows, taken in order of their last
 * target day. This cuts the series' days into three blocks: train [0, b1), validation [b1, b2), test [b2, n)
 * with b1 = nTrain + T − 1 + h and b2 = nTrain + nVal + T − 1 + h (the day after the last target of the last
 * window of the previous block). A window is assigned to the block holding its last target day, and then
 * dropped (a "straddler") if it reaches back across the block's start:
 *   - purge 'span' (default): kept only if its first input day ≥ the block's start, so every input AND target
 *     lies in its own block; T − 1 + h windows are dropped at each of the two boundaries.
 *   - purge 'targets': kept only if its first target day (r + h) ≥ the block's start; its inputs may lie in the
 *     previous block (the known past), its targets never; T − 1 windows are dropped at each boundary.
 *
 * Guaranteed in both modes: training windows touch only days [0, b1) (fit scalers on those values:
 * `values.subarray(0, split.trainEnd)`); no window uses a day of a later block, as input or target; every
 * validation/test target lies in its own block, so last train target date < first validation target date ≤
 * last validation target date < first test target date. With 'span' additionally last train target date <
 * first validation input date and last validation target date < first test input date (blocks are disjoint).
 * Kept window ids are ascending and train ids < validation ids < test ids.
 */
import type { Windows } from './windows.js';

export type SplitFractions = { train: number; val: number; test: number };

export interface SplitOptions {
  /** Shares of the windows (by last target day); default { train: 0.7, val: 0.15, test: 0.15 }. */
  fractions?: SplitFractions;
  /** Which straddlers are dropped (see the module doc); default 'span'. */
  purge?: 'span' | 'targets';
}

export interface SplitPart {
  /** Window ids in this part, ascending. */
  windows: Int32Array;
  /** Block of series days this part owns: [start, end). */
  start: number;
  end: number;
  /** First input day of the part's first window and last target day of its last window (series indices). */
  firstDay: number;
  lastDay: number;
  /** Dates of `firstDay` and `lastDay`, when the windows carry dates. */
  firstDate?: string;
  lastDate?: string;
}

export interface Split {
  train: SplitPart;
  val: SplitPart;
  test: SplitPart;
  /** Straddlers dropped at the train|val and val|test boundaries. */
  dropped: { val: number; test: number };
  /** Series days [0, trainEnd) are the training days (= b1): fit scalers on them only. */
  trainEnd: number;
  purge: 'span' | 'targets';
}

export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.7, val: 0.15, test: 0.15 };

/** Splits `windows` chronologically (see the module doc). Throws if any part would be empty. */
export function splitWindows(windows: Windows, opts: SplitOptions = {}): Split {
  const f = opts.fractions ?? DEFAULT_FRACTIONS;
  const purge = opts.purge ?? 'span';
  checkFractions(f);
  const { rows: W, seqLen: T, horizon: h } = windows;
  const lead = purge === 'span' ? T - 1 + h : T - 1;
  const counts = partCounts(W, f);
  const short = emptyPart(counts, lead);
  if (short !== null) {
    const minW = minimumWindows(f, lead);
    const why =
      short === 'train'
        ? `the fractions give it ${counts.train} windows`
        : `the fractions give it ${counts[short]} windows and all ${counts[short]} of them ` +
          `straddle the boundary with the previous part and are dropped (purge '${purge}')`;
    throw new Error(
      `splitWindows: ${W} windows (series of ${windows.length} days, seqLen ${T}, horizon ${h}) leave the ` +
        `${short === 'val' ? 'validation' : short} part empty: ${why}. With these settings the series needs at ` +
        `least ${minW + T + h - 1} days (${minW} windows). ` +
        'Use a longer date range, a shorter seqLen, or larger fractions for the small parts.',
    );
  }
  const b1 = counts.train + T - 1 + h;
  const b2 = counts.train + counts.val + T - 1 + h;
  const valFrom = counts.train + lead;
  const testFrom = counts.train + counts.val + lead;
  const part = (from: number, to: number, start: number, end: number): SplitPart => {
    const ids = Int32Array.from({ length: to - from }, (_, k) => from + k);
    const p: SplitPart = { windows: ids, start, end, firstDay: from, lastDay: windows.targetIndex[to - 1]! };
    if (windows.dates !== undefined) {
      p.firstDate = windows.dates[p.firstDay]!;
      p.lastDate = windows.dates[p.lastDay]!;
    }
    return p;
  };
  return {
    train: part(0, counts.train, 0, b1),
    val: part(valFrom, counts.train + counts.val, b1, b2),
    test: part(testFrom, W, b2, windows.length),
    dropped: { val: lead, test: lead },
    trainEnd: b1,
    purge,
  };
}

function checkFractions(f: SplitFractions): void {
  const all = [f.train, f.val, f.test];
  if (!all.every((x) => Number.isFinite(x) && x > 0) || Math.abs(f.train + f.val + f.test - 1) > 1e-9) {
    throw new Error(
      `splitWindows: fractions ${f.train}/${f.val}/${f.test} must each be > 0 and sum to 1 (e.g. 0.7/0.15/0.15).`,
    );
  }
}

function partCounts(W: number, f: SplitFractions): SplitFractions {
  const train = Math.floor(W * f.train + 1e-9);
  const val = Math.floor(W * f.val + 1e-9);
  return { train, val, test: W - train - val };
}

function emptyPart(c: SplitFractions, lead: number): keyof SplitFractions | null {
  if (c.train < 1) return 'train';
  if (c.val <= lead) return 'val';
  if (c.test <= lead) return 'test';
  return null;
}

/**
 * Smallest window count from which on no part is empty (counts are floors, so success is not monotone below it).
 * Above Wsafe every part is large enough: val ≥ W·f.val − 1 and test ≥ W·f.test.
 */
function minimumWindows(f: SplitFractions, lead: number): number {
  const safe = Math.ceil(Math.max(1 / f.train, (lead + 2) / f.val, (lead + 1) / f.test)) + 1;
  let lastFailing = 0;
  for (let W = 1; W <= safe; W++) if (emptyPart(partCounts(W, f), lead) !== null) lastFailing = W;
  return lastFailing + 1;
}
