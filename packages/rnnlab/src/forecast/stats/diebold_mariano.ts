/**
 * Diebold–Mariano test of equal predictive accuracy, with the Harvey–Leybourne–Newbold (1997) small-sample
 * correction, as R's forecast::dm.test computes it (R/DM2.R, variance estimator "acf"). Plain numbers only.
 */
import { studentTTwoSidedP } from './student_t.js';

/** Loss of one forecast error e: 'abs' = |e|, 'sq' = e². */
export type DmLoss = 'abs' | 'sq';

/** Options of `dieboldMariano`. */
export interface DmOptions {
  /** Loss applied to each error before differencing. */
  loss: DmLoss;
  /** h of the h-step-ahead forecasts (autocovariances up to lag h − 1 enter the variance). Default 1. */
  horizon?: number;
}

/** The outcome of `dieboldMariano`. */
export interface DmResult {
  /** HLN-corrected statistic DM*. Negative: A has the lower mean loss. NaN when an error is not finite. */
  statistic: number;
  /** Two-sided p-value, from Student's t with n − 1 degrees of freedom. NaN when an error is not finite. */
  p: number;
  /** mean(d) = mean loss of A − mean loss of B (non-finite when an error or its loss is). */
  meanDiff: number;
  /** Number of paired errors. */
  n: number;
  /** The horizon h asked for. */
  horizon: number;
  /** Autocovariance lags in the variance: h − 1, or 0 when the fallback for V ≤ 0 applied. */
  lags: number;
}

/**
 * Diebold–Mariano test of equal predictive accuracy with the Harvey–Leybourne–Newbold (1997) small-sample
 * correction. errorsA/errorsB: forecast errors (actual − forecast; the sign does not matter) of two forecasters on
 * the same targets, horizon h. With d_t = L(eA_t) − L(eB_t), d̄ = mean(d) and
 * γ_k = (1/n)·Σ_{t=k}^{n−1} (d_t − d̄)(d_{t−k} − d̄):
 *
 *   V = γ₀ + 2·Σ_{k=1}^{h−1} γ_k,   DM = d̄ / √(V/n),   DM* = DM·√((n + 1 − 2h + h(h − 1)/n)/n),
 *
 * and p = P(|T_{n−1}| > |DM*|). statistic < 0 means A has the lower loss.
 *
 * Edge cases:
 * - every d_t = 0 (identical losses, e.g. identical forecasts): statistic 0, p 1;
 * - every d_t equal and ≠ 0 (V = 0): statistic ±Infinity (sign of d̄), p 0;
 * - V ≤ 0 with h > 1 (the autocovariances can outweigh γ₀): the test is redone with h = 1 — variance γ₀ only
 *   and the h = 1 correction factor — as forecast::dm.test does; `lags` is then 0;
 * - a non-finite error or loss (a diverged model): statistic NaN, p NaN;
 * - lengths differ, n < 3, h not an integer in 1..n − 1, or an unknown loss: throws.
 */
export function dieboldMariano(
  errorsA: ArrayLike<number>,
  errorsB: ArrayLike<number>,
  opts: DmOptions,
): DmResult {
  const n = errorsA.length;
  if (errorsB.length !== n) {
    throw new Error(
      `dieboldMariano: errorsA has ${n} values but errorsB has ${errorsB.length}; ` +
        'pass the errors of both forecasters on the same targets, in the same order',
    );
  }
  if (n < 3) {
    throw new Error(
      `dieboldMariano: ${n} paired error(s); the test needs at least 3 (Student t with n − 1 degrees of ` +
        'freedom); evaluate on more targets',
    );
  }
  const horizon = opts.horizon ?? 1;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon >= n) {
    throw new Error(
      `dieboldMariano: horizon must be an integer from 1 to n − 1 = ${n - 1} (the step h of the forecasts ` +
        `compared), got ${horizon}`,
    );
  }
  const loss = opts.loss;
  if (loss !== 'abs' && loss !== 'sq') {
    throw new Error(`dieboldMariano: loss must be 'abs' or 'sq', got ${JSON.stringify(loss)}`);
  }

  const d = new Float64Array(n);
  let finite = true;
  let allEqual = true;
  let sum = 0;
  for (let t = 0; t < n; t++) {
    const a = errorsA[t]!;
    const b = errorsB[t]!;
    d[t] = loss === 'abs' ? Math.abs(a) - Math.abs(b) : a * a - b * b;
    if (!Number.isFinite(d[t]!)) finite = false;
    if (d[t] !== d[0]) allEqual = false;
    sum += d[t]!;
  }
  const meanDiff = sum / n;
  const result = (statistic: number, p: number, lags: number): DmResult => ({
    statistic,
    p,
    meanDiff,
    n,
    horizon,
    lags,
  });
  if (!finite) return result(Number.NaN, Number.NaN, horizon - 1);
  if (allEqual)
    return d[0] === 0 ? result(0, 1, horizon - 1) : result(Math.sign(d[0]!) * Infinity, 0, horizon - 1);

  const autocovariance = (k: number): number => {
    let s = 0;
    for (let t = k; t < n; t++) s += (d[t]! - meanDiff) * (d[t - k]! - meanDiff);
    return s / n;
  };
  const gamma0 = autocovariance(0);
  let variance = gamma0;
  for (let k = 1; k < horizon; k++) variance += 2 * autocovariance(k);
  let h = horizon;
  if (!(variance > 0)) {
    variance = gamma0;
    h = 1;
  }
  if (!(variance > 0)) {
    // γ₀ underflowed although the d_t differ: the spread is negligible against d̄.
    return meanDiff === 0 ? result(0, 1, h - 1) : result(Math.sign(meanDiff) * Infinity, 0, h - 1);
  }
  const dm = meanDiff / Math.sqrt(variance / n);
  const statistic = dm * Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  return result(statistic, studentTTwoSidedP(statistic, n - 1), h - 1);
}
