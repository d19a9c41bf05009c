/**
 * A column of numbers read one at a time: a typed array that doubles when full, so a million values cost 8 MB
 * (Float64) or 4 MB (Int32) plus at most as much again of spare room, instead of a JS array of boxed numbers.
 */
type TypedColumn = Float64Array | Int32Array;

export class GrowingColumn<T extends TypedColumn> {
  private data: T;
  private readonly make: (length: number) => T;
  length = 0;

  constructor(make: (length: number) => T, capacity = 256) {
    this.make = make;
    this.data = make(capacity);
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }

  at(i: number): number {
    return this.data[i]!;
  }

  /** An exact-length copy: all values in order, or the values at the rows of `order`. */
  take(order: Int32Array | null): T {
    if (order === null) return this.data.slice(0, this.length) as T;
    const out = this.make(order.length);
    const data = this.data;
    for (let k = 0; k < order.length; k++) out[k] = data[order[k]!]!;
    return out;
  }
}

export const float64Column = (capacity?: number) => new GrowingColumn((n) => new Float64Array(n), capacity);
export const int32Column = (capacity?: number) => new GrowingColumn((n) => new Int32Array(n), capacity);
