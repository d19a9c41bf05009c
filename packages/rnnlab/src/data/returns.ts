/**
 * Log returns and their inverse.
 *
 *   forward:  r_t = ln(p_t / p_{t-1}),  t = 1..n-1  (n prices → n-1 returns)
 *   one-step: p̂_t = p_{t-1} · exp(r̂_t), from the previous ACTUAL price (how a next-day forecast is priced)
 *   compound: p̂_k = p_0 · exp(r̂_1 + … + r̂_k), from one start price (a multi-step path)
 */

/** ln(p_t / p_{t-1}) for t = 1..n-1; throws if a price is not positive. */
export function logReturns(prices: ArrayLike<number>): Float64Array {
  const n = prices.length;
  for (let t = 0; t < n; t++) {
    if (!(prices[t]! > 0) || !Number.isFinite(prices[t]!)) {
      throw new Error(`logReturns: price ${t} is ${prices[t]}; log returns need positive finite prices.`);
    }
  }
  const out = new Float64Array(Math.max(0, n - 1));
  for (let t = 1; t < n; t++) out[t - 1] = Math.log(prices[t]! / prices[t - 1]!);
  return out;
}

/** p̂[k] = previous[k] · exp(returns[k]): prices from each return and the actual price the day before it. */
export function pricesFromLogReturns(previous: ArrayLike<number>, returns: ArrayLike<number>): Float64Array {
  if (previous.length !== returns.length) {
    throw new Error(
      `pricesFromLogReturns: ${previous.length} previous prices for ${returns.length} returns. ` +
        'Pass the actual price of the day before each return.',
    );
  }
  return Float64Array.from(returns, (r, k) => previous[k]! * Math.exp(r));
}

/** p̂[k] = start · exp(returns[0] + … + returns[k]): a price path compounded from one start price. */
export function compoundLogReturns(start: number, returns: ArrayLike<number>): Float64Array {
  const out = new Float64Array(returns.length);
  let acc = 0;
  for (let k = 0; k < returns.length; k++) {
    acc += returns[k]!;
    out[k] = start * Math.exp(acc);
  }
  return out;
}

export interface LogReturnJSON {
  kind: 'log_return';
}

/** The log-return transform in the scalers' shape; it has no statistics, `fit` only checks the prices. */
export class LogReturnTransform {
  fit(prices: ArrayLike<number>): this {
    if (prices.length < 2) {
      throw new Error(
        `LogReturnTransform.fit: needs at least 2 prices, got ${prices.length}. Use a longer series.`,
      );
    }
    logReturns(prices);
    return this;
  }

  /** n prices → n-1 log returns. */
  transform(prices: ArrayLike<number>): Float64Array {
    return logReturns(prices);
  }

  /** Returns → prices, each from the actual price the day before (`previous[k]` precedes `returns[k]`). */
  inverse(returns: ArrayLike<number>, previous: ArrayLike<number>): Float64Array {
    return pricesFromLogReturns(previous, returns);
  }

  toJSON(): LogReturnJSON {
    return { kind: 'log_return' };
  }

  static fromJSON(json: LogReturnJSON): LogReturnTransform {
    if (json?.kind !== 'log_return') {
      throw new Error(
        `LogReturnTransform.fromJSON: expected { kind: 'log_return' }, got ${JSON.stringify(json)}.`,
      );
    }
    return new LogReturnTransform();
  }
}
