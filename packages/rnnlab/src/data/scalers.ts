/**
 * Per-feature scalers. Fit on TRAINING values only (`values.subarray(0, split.trainEnd)`), then transform every
 * part with the same statistics; `toJSON()` / `scalerFromJSON()` let a checkpoint store them.
 *
 *   StandardScaler: z = (x - mean) / std, std unbiased (÷ (N-1), like torch.std) unless `unbiased: false` (÷ N).
 *   MinMaxScaler:   z = lo + (x - min) · (hi - lo) / (max - min), default [lo, hi] = [0, 1].
 */

export interface StandardScalerJSON {
  kind: 'standard';
  mean: number;
  std: number;
  unbiased: boolean;
}

export interface MinMaxScalerJSON {
  kind: 'minmax';
  min: number;
  max: number;
  range: [number, number];
}

export type ScalerJSON = StandardScalerJSON | MinMaxScalerJSON;

/** What StandardScaler and MinMaxScaler share. */
export interface Scaler {
  fit(values: ArrayLike<number>): this;
  transform(values: ArrayLike<number>, out?: Float64Array): Float64Array;
  inverse(values: ArrayLike<number>, out?: Float64Array): Float64Array;
  toJSON(): ScalerJSON;
}

export class StandardScaler implements Scaler {
  readonly unbiased: boolean;
  mean = Number.NaN;
  std = Number.NaN;

  constructor(opts: { unbiased?: boolean } = {}) {
    this.unbiased = opts.unbiased ?? true;
  }

  /** mean = Σx / N, std = sqrt(Σ(x - mean)² / (N - 1)) (or / N when biased). */
  fit(values: ArrayLike<number>): this {
    checkFitValues('StandardScaler', values);
    const n = values.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i]!;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
    const std = Math.sqrt(ss / (this.unbiased ? n - 1 : n));
    if (!(std > 0)) throw zeroSpread('StandardScaler', n, values[0]!);
    this.mean = mean;
    this.std = std;
    return this;
  }

  transform(values: ArrayLike<number>, out = new Float64Array(values.length)): Float64Array {
    this.checkFitted();
    for (let i = 0; i < values.length; i++) out[i] = (values[i]! - this.mean) / this.std;
    return out;
  }

  inverse(values: ArrayLike<number>, out = new Float64Array(values.length)): Float64Array {
    this.checkFitted();
    for (let i = 0; i < values.length; i++) out[i] = values[i]! * this.std + this.mean;
    return out;
  }

  toJSON(): StandardScalerJSON {
    this.checkFitted();
    return { kind: 'standard', mean: this.mean, std: this.std, unbiased: this.unbiased };
  }

  static fromJSON(json: StandardScalerJSON): StandardScaler {
    if (json?.kind !== 'standard' || !Number.isFinite(json.mean) || !(json.std > 0)) {
      throw new Error(
        `StandardScaler.fromJSON: expected { kind: 'standard', mean, std > 0 }, got ${JSON.stringify(json)}. ` +
          'The checkpoint is damaged or was written by another scaler.',
      );
    }
    const s = new StandardScaler({ unbiased: json.unbiased !== false });
    s.mean = json.mean;
    s.std = json.std;
    return s;
  }

  private checkFitted(): void {
    if (Number.isNaN(this.std)) throw notFitted('StandardScaler');
  }
}

export class MinMaxScaler implements Scaler {
  readonly range: [number, number];
  min = Number.NaN;
  max = Number.NaN;

  /** `range` [lo, hi] with lo < hi, default [0, 1]. */
  constructor(opts: { range?: readonly [number, number] } = {}) {
    const [lo, hi] = opts.range ?? [0, 1];
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new Error(
        `MinMaxScaler: range [${lo}, ${hi}] must be finite with lo < hi, e.g. [0, 1] or [-1, 1].`,
      );
    }
    this.range = [lo, hi];
  }

  fit(values: ArrayLike<number>): this {
    checkFitValues('MinMaxScaler', values);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < values.length; i++) {
      min = Math.min(min, values[i]!);
      max = Math.max(max, values[i]!);
    }
    if (!(max > min)) throw zeroSpread('MinMaxScaler', values.length, min);
    this.min = min;
    this.max = max;
    return this;
  }

  transform(values: ArrayLike<number>, out = new Float64Array(values.length)): Float64Array {
    this.checkFitted();
    const [lo, hi] = this.range;
    const k = (hi - lo) / (this.max - this.min);
    for (let i = 0; i < values.length; i++) out[i] = lo + (values[i]! - this.min) * k;
    return out;
  }

  inverse(values: ArrayLike<number>, out = new Float64Array(values.length)): Float64Array {
    this.checkFitted();
    const [lo, hi] = this.range;
    const k = (this.max - this.min) / (hi - lo);
    for (let i = 0; i < values.length; i++) out[i] = this.min + (values[i]! - lo) * k;
    return out;
  }

  toJSON(): MinMaxScalerJSON {
    this.checkFitted();
    return { kind: 'minmax', min: this.min, max: this.max, range: [...this.range] };
  }

  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    if (json?.kind !== 'minmax' || !(json.max > json.min) || !Array.isArray(json.range)) {
      throw new Error(
        `MinMaxScaler.fromJSON: expected { kind: 'minmax', min, max > min, range }, got ${JSON.stringify(json)}. ` +
          'The checkpoint is damaged or was written by another scaler.',
      );
    }
    const s = new MinMaxScaler({ range: json.range });
    s.min = json.min;
    s.max = json.max;
    return s;
  }

  private checkFitted(): void {
    if (Number.isNaN(this.min)) throw notFitted('MinMaxScaler');
  }
}

/** Rebuilds a scaler from its `toJSON()` form. */
export function scalerFromJSON(json: ScalerJSON): StandardScaler | MinMaxScaler {
  switch (json?.kind) {
    case 'standard':
      return StandardScaler.fromJSON(json);
    case 'minmax':
      return MinMaxScaler.fromJSON(json);
    default:
      throw new Error(
        `scalerFromJSON: unknown scaler ${JSON.stringify(json)}; expected kind 'standard' or 'minmax'. ` +
          'The checkpoint is damaged or from a newer version.',
      );
  }
}

function checkFitValues(name: string, values: ArrayLike<number>): void {
  if (values.length < 2) {
    throw new Error(
      `${name}.fit: needs at least 2 values, got ${values.length}. Fit on the training part of a longer series.`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new Error(`${name}.fit: value ${i} is ${values[i]}, not a finite number. Clean the data first.`);
    }
  }
}

function zeroSpread(name: string, n: number, value: number): Error {
  return new Error(
    `${name}.fit: all ${n} values equal ${value} (zero variance), so scaling would divide by zero. ` +
      'Use a longer training range or drop this constant feature.',
  );
}

function notFitted(name: string): Error {
  return new Error(`${name} is not fitted. Call fit(trainingValues) (or fromJSON) before transform/inverse.`);
}
