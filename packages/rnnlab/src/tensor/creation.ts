/** Tensor constructors. Leaves created with `requiresGrad` are stored in WebAssembly memory (see ARCHITECTURE.md). */
import { WasmStorage } from '../kernels/memory.js';
import { defaultGenerator, type Generator } from './random.js';
import { checkShape, formatShape, numel, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

export interface TensorOptions {
  requiresGrad?: boolean;
}

type NestedNumbers = number | NestedNumbers[];

/** Storage for a new leaf: WebAssembly memory if it will require grad (optimizers update it in place). */
function storageFor(values: ArrayLike<number>, requiresGrad: boolean): Float32Array | WasmStorage {
  if (!requiresGrad) return Float32Array.from(values);
  const s = WasmStorage.zeros(values.length);
  s.array().set(values);
  return s;
}

/**
 * A tensor from values. `tensor(Float32Array | number[], shape)` uses the flat values row-major;
 * `tensor(nestedArray)` infers the shape; `tensor(3.5)` is a scalar.
 */
export function tensor(
  values: ArrayLike<number> | NestedNumbers,
  shape?: Shape,
  options: TensorOptions = {},
): Tensor {
  let flat: ArrayLike<number>;
  let s: number[];
  if (typeof values === 'number') {
    flat = [values];
    s = shape ? [...shape] : [];
  } else if (Array.isArray(values) && values.some((v) => Array.isArray(v))) {
    s = inferShape(values);
    flat = (values as unknown[]).flat(Number.POSITIVE_INFINITY as 1) as number[];
  } else {
    flat = values as ArrayLike<number>;
    s = shape ? [...shape] : [flat.length];
  }
  checkShape(s, 'tensor');
  if (flat.length !== numel(s)) {
    throw new Error(`tensor: ${flat.length} values do not fill shape ${formatShape(s)} (needs ${numel(s)})`);
  }
  const rg = options.requiresGrad ?? false;
  return new Tensor(storageFor(flat, rg), s, rg);
}

function inferShape(v: NestedNumbers): number[] {
  const s: number[] = [];
  let cur: NestedNumbers = v;
  while (Array.isArray(cur)) {
    s.push(cur.length);
    cur = cur[0];
  }
  return s;
}

export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  checkShape(shape, 'full');
  return tensor(new Float32Array(numel(shape)).fill(value), shape, options);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/** Standard normal samples. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape(shape, 'randn');
  const g = options.generator ?? defaultGenerator;
  return tensor(
    Float32Array.from({ length: numel(shape) }, () => g.normal()),
    shape,
    options,
  );
}

/** Uniform samples in [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape(shape, 'rand');
  const g = options.generator ?? defaultGenerator;
  return tensor(
    Float32Array.from({ length: numel(shape) }, () => g.random()),
    shape,
    options,
  );
}

/** Values start, start+step, ... below end. */
export function arange(start: number, end?: number, step = 1): Tensor {
  const [a, b] = end === undefined ? [0, start] : [start, end];
  const n = Math.max(0, Math.ceil((b - a) / step));
  return tensor(
    Float32Array.from({ length: n }, (_, i) => a + i * step),
    [n],
  );
}
