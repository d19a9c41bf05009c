/**
 * Baseline forecasts that the recurrent models must beat, computed on the same test windows.
 *
 * Every forecaster reads one raw input window x_0..x_{L−1} in price units (oldest first, x_{L−1} the
 * last known value) and returns the next `horizon` values x̂_{L}, .., x̂_{L+horizon−1} as a Float64Array,
 * so h = 1 is the next-step forecast the tutorial's models make. No engine types: plain numbers only.
 */

/** Forecasts the `horizon` values following `window` (price units, oldest first). */
export type Forecaster = (window: ArrayLike<number>, horizon: number) => Float64Array;

function checkHorizon(horizon: number, what: string): void {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new Error(`${what}: horizon must be a positive integer (1 = next step), got ${horizon}`);
  }
}

/** Persistence (random-walk) forecast: x̂_{L−1+h} = x_{L−1} for every h, the last value repeated. */
export function naiveForecast(window: ArrayLike<number>, horizon = 1): Float64Array {
  checkHorizon(horizon, 'naiveForecast');
  if (window.length < 1) throw new Error('naiveForecast: window is empty; pass at least one known value');
  return new Float64Array(horizon).fill(window[window.length - 1]!);
}

/**
 * Random-walk-with-drift forecast, drift estimated over the input window:
 * x̂_{L−1+h} = x_{L−1} + h·(x_{L−1} − x_0)/(L − 1), i.e. the line through the window's first and last
 * values extended h steps (the mean one-step change of the window, projected forward).
 */
export function driftForecast(window: ArrayLike<number>, horizon = 1): Float64Array {
  checkHorizon(horizon, 'driftForecast');
  const len = window.length;
  if (len < 2) {
    throw new Error(`driftForecast: window has ${len} value(s), needs at least 2 to estimate a drift`);
  }
  const last = window[len - 1]!;
  const slope = (last - window[0]!) / (len - 1);
  const out = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) out[h - 1] = last + h * slope;
  return out;
}

/**
 * Mean daily log return μ = mean_t log(x_t / x_{t−1}) = log(x_{T−1} / x_0)/(T − 1) of `series` (prices, oldest
 * first; the sum telescopes). Pass the TRAINING period only, for `meanReturnForecast`.
 */
export function meanLogReturn(series: ArrayLike<number>): number {
  const len = series.length;
  if (len < 2) {
    throw new Error(`meanLogReturn: series has ${len} value(s), needs at least 2 to form a return`);
  }
  for (let i = 0; i < len; i++) {
    const x = series[i]!;
    if (!(x > 0) || !Number.isFinite(x)) {
      throw new Error(
        `meanLogReturn: series[${i}] is ${x}; log returns need finite prices > 0 (use a price column, not returns)`,
      );
    }
  }
  return Math.log(series[len - 1]! / series[0]!) / (len - 1);
}

/**
 * "Mean training return" forecast: x̂_{L−1+h} = x_{L−1}·exp(h·μ), h = 1..horizon — the last value grown at a
 * constant log return μ, which the caller estimates on the training days only (`meanLogReturn` of the training
 * series), so the drift does not peek at the test period. As a return forecast it is the constant μ.
 */
export function meanReturnForecast(
  window: ArrayLike<number>,
  horizon: number,
  meanLogReturn: number,
): Float64Array {
  checkHorizon(horizon, 'meanReturnForecast');
  if (window.length < 1) {
    throw new Error('meanReturnForecast: window is empty; pass at least one known value');
  }
  if (!Number.isFinite(meanLogReturn)) {
    throw new Error(
      `meanReturnForecast: meanLogReturn is ${meanLogReturn}; pass meanLogReturn(trainingSeries), a finite number`,
    );
  }
  const last = window[window.length - 1]!;
  const out = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) out[h - 1] = last * Math.exp(h * meanLogReturn);
  return out;
}

/** Options of `LinearAR.fit`. */
export interface LinearAROptions {
  /**
   * Number of lags p. Default: the whole 16-day input window — 16 on levels, 15 on differences
   * (a 16-value window has 15 differences).
   */
  order?: number;
  /**
   * false (default): regress levels, x_t = c + Σ_{j=1}^{p} φ_j x_{t−j}.
   * true: regress first differences d_t = x_t − x_{t−1}, d_t = c + Σ_j φ_j d_{t−j}, and forecast
   * levels as x_{L−1} plus the cumulated forecast differences (c is then a drift per step).
   */
  onDifferences?: boolean;
  /**
   * Ridge strength λ ≥ 0 (default 0 = plain OLS). Adds λ·rows·Σ_j (s_j φ_j)² to the squared error,
   * s_j being the standard deviation of lag column j, so λ is unit-free; use ~1e-8 if the lag matrix
   * is reported rank-deficient. The intercept is not penalised.
   */
  ridge?: number;
}

/** The fitted parameters of a `LinearAR`. */
export interface LinearARParams {
  /** Intercept c. */
  intercept: number;
  /** φ_1..φ_p: coefficients[j − 1] multiplies lag j (x_{t−j}, or d_{t−j} on differences). */
  coefficients: ArrayLike<number>;
  /** Whether the model was fitted on first differences (see `LinearAROptions.onDifferences`). */
  onDifferences: boolean;
}

/**
 * Autoregressive model of order p, fitted by least squares with intercept on the TRAINING series only.
 *
 * Fitting: regression rows t = p..T−1 of the design matrix [1, z_{t−1}, .., z_{t−p}] against z_t, where
 * z is the series (levels) or its first differences. The lag columns are centred and scaled to unit
 * variance (which leaves the OLS fit unchanged and keeps it well conditioned at price scale), then solved
 * by Householder QR in float64, optionally with ridge rows appended; the intercept is recovered from
 * the column means.
 *
 * Prediction (`predict`) is recursive: step h uses the forecasts of steps 1..h−1 as its most recent lags.
 */
export class LinearAR {
  readonly intercept: number;
  readonly coefficients: Float64Array;
  readonly order: number;
  readonly onDifferences: boolean;

  constructor(params: LinearARParams) {
    if (params.coefficients.length < 1) {
      throw new Error('LinearAR: coefficients is empty; an AR model needs at least one lag coefficient');
    }
    this.intercept = params.intercept;
    this.coefficients = Float64Array.from(params.coefficients);
    this.order = this.coefficients.length;
    this.onDifferences = params.onDifferences;
  }

  /** Fits an AR(p) model to `trainSeries` (price units, oldest first). See the class comment. */
  static fit(trainSeries: ArrayLike<number>, options: LinearAROptions = {}): LinearAR {
    const onDifferences = options.onDifferences ?? false;
    const order = options.order ?? (onDifferences ? 15 : 16);
    const ridge = options.ridge ?? 0;
    if (!Number.isInteger(order) || order < 1) {
      throw new Error(`LinearAR.fit: order must be a positive integer, got ${order}`);
    }
    if (!(ridge >= 0) || !Number.isFinite(ridge)) {
      throw new Error(`LinearAR.fit: ridge must be a finite number >= 0, got ${ridge}`);
    }
    for (let i = 0; i < trainSeries.length; i++) {
      if (!Number.isFinite(trainSeries[i]!)) {
        throw new Error(
          `LinearAR.fit: trainSeries[${i}] is ${trainSeries[i]}; remove or fill missing values first`,
        );
      }
    }
    const z = onDifferences ? differences(trainSeries) : Float64Array.from(trainSeries);
    const rows = z.length - order;
    const params = order + 1;
    if (rows < params) {
      const minLength = 2 * order + 1 + (onDifferences ? 1 : 0);
      throw new Error(
        `LinearAR.fit: a training series of ${trainSeries.length} values gives ${Math.max(rows, 0)} regression ` +
          `rows for ${params} parameters (order ${order} + intercept${onDifferences ? ', on differences' : ''}); ` +
          `pass at least ${minLength} training values or lower the order`,
      );
    }

    // Column means and scales of the lag columns j = 1..p (row r is target t = r + p).
    const mean = new Float64Array(order);
    const scale = new Float64Array(order);
    let yMean = 0;
    for (let r = 0; r < rows; r++) {
      yMean += z[r + order]!;
      for (let j = 1; j <= order; j++) mean[j - 1]! += z[r + order - j]!;
    }
    yMean /= rows;
    for (let j = 0; j < order; j++) mean[j]! /= rows;
    for (let j = 1; j <= order; j++) {
      let ss = 0;
      for (let r = 0; r < rows; r++) ss += (z[r + order - j]! - mean[j - 1]!) ** 2;
      const s = Math.sqrt(ss / rows);
      scale[j - 1] = s > 0 ? s : 1;
    }

    // Standardised design (rows + ridge rows) × order, row-major, and centred targets.
    const m = rows + (ridge > 0 ? order : 0);
    const a = new Float64Array(m * order);
    const b = new Float64Array(m);
    for (let r = 0; r < rows; r++) {
      b[r] = z[r + order]! - yMean;
      for (let j = 1; j <= order; j++)
        a[r * order + j - 1] = (z[r + order - j]! - mean[j - 1]!) / scale[j - 1]!;
    }
    if (ridge > 0) {
      const d = Math.sqrt(ridge * rows);
      for (let j = 0; j < order; j++) a[(rows + j) * order + j] = d;
    }
    const beta = solveLeastSquaresQR(a, b, m, order);

    const coefficients = new Float64Array(order);
    let intercept = yMean;
    for (let j = 0; j < order; j++) {
      coefficients[j] = beta[j]! / scale[j]!;
      intercept -= coefficients[j]! * mean[j]!;
    }
    return new LinearAR({ intercept, coefficients, onDifferences });
  }

  /**
   * Recursive multi-step forecast of the `horizon` values after `window` (price units, oldest first).
   * Uses the last p values of the window on levels, the last p + 1 on differences.
   */
  predict(window: ArrayLike<number>, horizon = 1): Float64Array {
    checkHorizon(horizon, 'LinearAR.predict');
    const p = this.order;
    const need = this.onDifferences ? p + 1 : p;
    if (window.length < need) {
      throw new Error(
        `LinearAR.predict: window has ${window.length} values but this AR(${p}) model` +
          `${this.onDifferences ? ' on differences' : ''} needs at least ${need}; pass a longer window`,
      );
    }
    const tail = Array.from({ length: need }, (_, i) => window[window.length - need + i]!);
    const z = this.onDifferences ? Array.from(differences(tail)) : tail;
    const out = new Float64Array(horizon);
    let level = tail[tail.length - 1]!;
    for (let h = 0; h < horizon; h++) {
      let next = this.intercept;
      for (let j = 1; j <= p; j++) next += this.coefficients[j - 1]! * z[z.length - j]!;
      z.push(next);
      level = this.onDifferences ? level + next : next;
      out[h] = level;
    }
    return out;
  }
}

/** d_i = x_{i+1} − x_i, length n − 1. */
function differences(x: ArrayLike<number>): Float64Array {
  const d = new Float64Array(Math.max(x.length - 1, 0));
  for (let i = 0; i < d.length; i++) d[i] = x[i + 1]! - x[i]!;
  return d;
}

/**
 * Least-squares solution of A·β ≈ b for A (m × n, row-major, m ≥ n) by Householder QR: A = Q·R, then
 * R·β = Qᵀ·b by back substitution. Overwrites `a` and `b`. Throws if R has a (relatively) zero diagonal
 * entry, i.e. the columns of A are linearly dependent.
 */
function solveLeastSquaresQR(a: Float64Array, b: Float64Array, m: number, n: number): Float64Array {
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = a[k * n + k]! > 0 ? -norm : norm;
    // v = a[k:, k] − alpha·e_k, stored in place of column k; vᵀv = 2·norm·(norm + |a_kk|).
    a[k * n + k]! -= alpha;
    const vtv = 2 * norm * (norm + Math.abs(a[k * n + k]! + alpha));
    for (let j = k + 1; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += a[i * n + k]! * a[i * n + j]!;
      const f = (2 * dot) / vtv;
      for (let i = k; i < m; i++) a[i * n + j]! -= f * a[i * n + k]!;
    }
    let dot = 0;
    for (let i = k; i < m; i++) dot += a[i * n + k]! * b[i]!;
    const f = (2 * dot) / vtv;
    for (let i = k; i < m; i++) b[i]! -= f * a[i * n + k]!;
    diag[k] = alpha;
  }
  let maxDiag = 0;
  for (let k = 0; k < n; k++) maxDiag = Math.max(maxDiag, Math.abs(diag[k]!));
  const beta = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    if (!(Math.abs(diag[k]!) > 1e-10 * maxDiag)) {
      throw new Error(
        `LinearAR.fit: the lag matrix is rank-deficient (lag ${k + 1} is a linear combination of the others, ` +
          'e.g. a constant or exactly deterministic training series); lower the order or pass ridge: 1e-8',
      );
    }
    let s = b[k]!;
    for (let j = k + 1; j < n; j++) s -= a[k * n + j]! * beta[j]!;
    beta[k] = s / diag[k]!;
  }
  return beta;
}
