/**
 * Split-conformal prediction intervals, per forecast step, calibrated on the validation period.
 *
 * Score of a validation forecast ŷ of target y made when the last known close was p: s = |y − ŷ| / p (relative,
 * so an interval calibrated at one price level carries to another). For level L the half-width is
 * q_L = the ⌈(n + 1)·L⌉-th smallest of the n validation scores at that step, and the interval is ŷ ± q_L · p.
 * If validation and test errors are exchangeable, it covers the target with probability ≥ L.
 */
import type { EvalSet } from './evaluation.js';
import { INTERVAL_LEVELS, type IntervalLevel } from './results.js';
import { conformalQuantile, intervalCoverage } from './stats/conformal.js';

/** Relative half-widths per level and step 1..H. */
export type HalfWidths = Record<IntervalLevel, number[]>;

/** Interval bounds (N, H) in prices per level. */
export type IntervalBounds = Record<IntervalLevel, { lower: Float64Array; upper: Float64Array }>;

export const LEVEL_VALUE: Record<IntervalLevel, number> = { '80': 0.8, '95': 0.95 };

/** Calibrates q_L per step from validation forecasts (M, H) on the validation eval set. */
export function calibrateIntervals(val: EvalSet, valForecast: Float64Array): HalfWidths {
  const { H } = val;
  const M = val.ids.length;
  const out = {} as HalfWidths;
  for (const level of INTERVAL_LEVELS) {
    out[level] = Array.from({ length: H }, (_, k) => {
      const scores = Float64Array.from(
        { length: M },
        (_, i) => Math.abs(val.actual[i * H + k] - valForecast[i * H + k]) / val.previous[i],
      );
      return conformalQuantile(scores, LEVEL_VALUE[level]);
    });
  }
  return out;
}

/** Bounds ŷ ± q_L·p for forecasts (N, H) on the eval set `s`. */
export function intervalBounds(s: EvalSet, forecast: Float64Array, q: HalfWidths): IntervalBounds {
  const { H } = s;
  const out = {} as IntervalBounds;
  for (const level of INTERVAL_LEVELS) {
    const lower = new Float64Array(forecast.length);
    const upper = new Float64Array(forecast.length);
    for (let i = 0; i < s.ids.length; i++) {
      for (let k = 0; k < H; k++) {
        const half = q[level][k] * s.previous[i];
        lower[i * H + k] = forecast[i * H + k] - half;
        upper[i * H + k] = forecast[i * H + k] + half;
      }
    }
    out[level] = { lower, upper };
  }
  return out;
}

/** Empirical coverage per step 1..H of the bounds on the eval set's actual prices. */
export function coverageByStep(s: EvalSet, bounds: IntervalBounds): Array<Record<IntervalLevel, number>> {
  const { H } = s;
  const N = s.ids.length;
  const col = (m: Float64Array, k: number) => Float64Array.from({ length: N }, (_, i) => m[i * H + k]);
  return Array.from({ length: H }, (_, k) => {
    const actual = col(s.actual, k);
    const row = {} as Record<IntervalLevel, number>;
    for (const level of INTERVAL_LEVELS)
      row[level] = intervalCoverage(actual, col(bounds[level].lower, k), col(bounds[level].upper, k));
    return row;
  });
}
