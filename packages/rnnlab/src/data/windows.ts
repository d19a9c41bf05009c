/**
 * Sliding windows over a series, exactly as the tutorial builds them, generalised to a forecast horizon and to
 * several input features.
 *
 * Legend: n series length, T `seqLen`, h `horizon` (≥ 1), F input features, R = n - T - h + 1 windows.
 * For window r in [0, R):
 *   x[r, i, f] = inputs[f][r + i]      shape (R, T, F)   (inputs: days r .. r+T-1)
 *   y[r, i]    = target[r + i + h]     shape (R, T)      (targets: days r+h .. r+T-1+h)
 * With h = 1 and F = 1 this is the tutorial's `X[:, i] = x[i : n-T+i]`, `Y[:, i] = x[i+1 : n-T+i+1]`, R = n - T.
 * Window r's first input day is r; `lastInputIndex[r]` = r+T-1, `targetIndex[r]` = r+T-1+h (its last target).
 */

export interface WindowOptions {
  /** One input series (F = 1) or several (F = count), each of length n. */
  inputs: Float64Array | readonly Float64Array[];
  /** Target series of length n. Default: `inputs` when it is a single series; required when F > 1. */
  target?: Float64Array;
  /** Time steps per window (T ≥ 1). */
  seqLen: number;
  /** Steps ahead of each input that its target lies (h ≥ 1, default 1). */
  horizon?: number;
  /** Dates of the n days, ascending (kept on the result for date-based splits and reports). */
  dates?: readonly string[];
}

export interface Windows {
  /** Number of windows R. */
  rows: number;
  seqLen: number;
  horizon: number;
  /** Input features per step F. */
  features: number;
  /** Inputs (R, T, F), row-major. */
  x: Float64Array;
  /** Targets (R, T), row-major. */
  y: Float64Array;
  /** Per window: index of its last input day, r + T - 1. */
  lastInputIndex: Int32Array;
  /** Per window: index of its last target day, r + T - 1 + h. */
  targetIndex: Int32Array;
  /** Length n of the series the indices refer to. */
  length: number;
  /** Dates of the n days, when given. */
  dates?: readonly string[];
}

/** Builds the windows (see the module doc). Throws if the series is shorter than T + h. */
export function makeWindows(opts: WindowOptions): Windows {
  const inputs: readonly Float64Array[] = opts.inputs instanceof Float64Array ? [opts.inputs] : opts.inputs;
  const F = inputs.length;
  if (F === 0) throw new Error('makeWindows: no input series given. Pass at least one in `inputs`.');
  if (opts.target === undefined && F > 1) {
    throw new Error(`makeWindows: ${F} input features but no \`target\`. Pass the target series explicitly.`);
  }
  const target = opts.target ?? inputs[0]!;
  const T = opts.seqLen;
  const h = opts.horizon ?? 1;
  if (!Number.isInteger(T) || T < 1) throw new Error(`makeWindows: seqLen must be an integer ≥ 1, got ${T}.`);
  if (!Number.isInteger(h) || h < 1)
    throw new Error(`makeWindows: horizon must be an integer ≥ 1, got ${h}.`);
  const n = target.length;
  inputs.forEach((s, f) => {
    if (s.length !== n) {
      throw new Error(
        `makeWindows: input feature ${f} has ${s.length} values but the target has ${n}. Align the series first.`,
      );
    }
  });
  if (opts.dates !== undefined && opts.dates.length !== n) {
    throw new Error(
      `makeWindows: ${opts.dates.length} dates for a series of ${n} values. Pass one date per value.`,
    );
  }
  checkFinite(target, 'the target');
  inputs.forEach((s, f) => {
    checkFinite(s, `input feature ${f}`);
  });
  const R = n - T - h + 1;
  if (R < 1) {
    throw new Error(
      `makeWindows: a series of ${n} values is too short for seqLen ${T} and horizon ${h}: ` +
        `need at least seqLen + horizon = ${T + h} values for one window. Use a longer range or a shorter seqLen.`,
    );
  }
  const x = new Float64Array(R * T * F);
  const y = new Float64Array(R * T);
  const lastInputIndex = new Int32Array(R);
  const targetIndex = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < T; i++) {
      const base = (r * T + i) * F;
      for (let f = 0; f < F; f++) x[base + f] = inputs[f]![r + i]!;
      y[r * T + i] = target[r + i + h]!;
    }
    lastInputIndex[r] = r + T - 1;
    targetIndex[r] = r + T - 1 + h;
  }
  const out: Windows = {
    rows: R,
    seqLen: T,
    horizon: h,
    features: F,
    x,
    y,
    lastInputIndex,
    targetIndex,
    length: n,
  };
  if (opts.dates !== undefined) out.dates = opts.dates;
  return out;
}

function checkFinite(s: Float64Array, what: string): void {
  for (let t = 0; t < s.length; t++) {
    if (!Number.isFinite(s[t]!)) {
      throw new Error(
        `makeWindows: ${what} has a non-finite value (${s[t]}) at index ${t}. Clean the data first.`,
      );
    }
  }
}
