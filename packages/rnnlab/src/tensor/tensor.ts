/**
 * `Tensor`: float32 data in one contiguous row-major buffer, a shape, and autograd bookkeeping.
 *
 * Storage is either a JavaScript `Float32Array` or a block of the kernels' WebAssembly memory
 * (`WasmStorage`: parameters, their gradients and optimizer state live there so kernels use them in place).
 * `data` always returns a Float32Array view; for wasm storage, take it again after anything that may allocate.
 */
import { WasmStorage } from '../kernels/memory.js';
import { type GradFn, runBackward } from './autograd.js';
import * as ew from './ops/elementwise.js';
import { type IndexLike, indexSelect } from './ops/index_select.js';
import { matmul } from './ops/matmul.js';
import { mean, sum } from './ops/reduce.js';
import { std } from './ops/std.js';
import * as view from './ops/view.js';
import { formatTensor } from './print.js';
import { formatShape, numel, type Shape, stridesOf } from './shape.js';

export type Storage = Float32Array | WasmStorage;
export type Operand = Tensor | number;
/** What `tolist()` returns: a number for a 0-D tensor, else arrays nested as deep as the tensor's rank. */
export type NestedList = number | NestedList[];

/** Node's `util.inspect.custom` (so `console.log(t)` prints `toString()`), without importing `node:util`. */
const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

export class Tensor {
  readonly shape: readonly number[];
  /** Whether operations on this tensor are recorded for autograd. */
  requiresGrad: boolean;
  /** dL/d(this) after `backward()` (leaves only), else null. */
  grad: Tensor | null = null;
  /** The op that produced this tensor (null for leaves). */
  gradFn: GradFn | null = null;
  private readonly storage: Storage;

  constructor(storage: Storage, shape: Shape, requiresGrad = false) {
    const n = numel(shape);
    if (storage.length !== n) {
      throw new Error(
        `Tensor: ${storage.length} values do not fill shape ${formatShape(shape)} (needs ${n})`,
      );
    }
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
  }

  /** The values, row-major. */
  get data(): Float32Array {
    const s = this.storage;
    return s instanceof Float32Array ? s : s.array();
  }

  /** True when the data lives in WebAssembly memory (see `wasmPtr`). */
  get isWasm(): boolean {
    return this.storage instanceof WasmStorage;
  }

  /** Byte offset of the data in the kernels' memory; throws for JavaScript-backed tensors. */
  get wasmPtr(): number {
    if (!(this.storage instanceof WasmStorage))
      throw new Error('wasmPtr: this tensor is not stored in WebAssembly memory');
    return this.storage.ptr;
  }

  /** Same storage (a view), new shape; internal helper for reshape-like ops. */
  withShape(shape: Shape): Tensor {
    return new Tensor(this.storage, shape);
  }

  /** Zeros of the same shape, stored where this tensor is stored (used for `.grad`). */
  zerosLikeStorage(): Tensor {
    const n = this.numel();
    return new Tensor(
      this.storage instanceof WasmStorage ? WasmStorage.zeros(n) : new Float32Array(n),
      this.shape,
    );
  }

  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return this.storage.length;
  }
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    return dim === undefined ? this.shape : this.shape[view.dimIndex(dim, this.shape.length, 'size')];
  }
  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1)
      throw new Error(
        `item: only one-element tensors can be converted, got shape ${formatShape(this.shape)}`,
      );
    return this.data[0];
  }
  /** A copy of the values as a plain array (flat). */
  toArray(): number[] {
    return Array.from(this.data);
  }
  /** The values as nested arrays of the tensor's shape (PyTorch's `tolist`); a number for a 0-D tensor. */
  tolist(): NestedList {
    const data = this.data;
    const shape = this.shape;
    const strides = stridesOf(shape);
    const build = (offset: number, dim: number): NestedList =>
      dim === shape.length
        ? data[offset]
        : Array.from({ length: shape[dim] }, (_, i) => build(offset + i * strides[dim], dim + 1));
    return build(0, 0);
  }

  /** Backpropagates dL/d(this) (1 for a scalar) through the recorded graph into leaves' `.grad`. */
  backward(gradient?: Tensor): void {
    runBackward(this, gradient);
  }
  /** A new leaf sharing the data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape);
  }
  /** A copy with its own JavaScript storage (recorded for autograd). */
  clone(): Tensor {
    return ew.clone(this);
  }

  // In-place writes (not recorded by autograd; use under noGrad or on leaves).
  fill_(value: number): this {
    this.data.fill(value);
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }
  copy_(src: Tensor | ArrayLike<number>): this {
    const d = src instanceof Tensor ? src.data : src;
    if (d.length !== this.numel()) {
      const got = src instanceof Tensor ? formatShape(src.shape) : `${d.length} values`;
      throw new Error(`copy_: source ${got} does not match destination shape ${formatShape(this.shape)}`);
    }
    this.data.set(d);
    return this;
  }

  add(other: Operand): Tensor {
    return ew.binary(this, other, 'add');
  }
  sub(other: Operand): Tensor {
    return ew.binary(this, other, 'sub');
  }
  mul(other: Operand): Tensor {
    return ew.binary(this, other, 'mul');
  }
  div(other: Operand): Tensor {
    return ew.binary(this, other, 'div');
  }
  neg(): Tensor {
    return ew.unary(this, 'neg');
  }
  exp(): Tensor {
    return ew.unary(this, 'exp');
  }
  log(): Tensor {
    return ew.unary(this, 'log');
  }
  abs(): Tensor {
    return ew.unary(this, 'abs');
  }
  sqrt(): Tensor {
    return ew.unary(this, 'sqrt');
  }
  tanh(): Tensor {
    return ew.unary(this, 'tanh');
  }
  sigmoid(): Tensor {
    return ew.unary(this, 'sigmoid');
  }
  relu(): Tensor {
    return ew.unary(this, 'relu');
  }
  pow(exponent: number): Tensor {
    return ew.pow(this, exponent);
  }
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  sum(dim?: number | number[], keepdim = false): Tensor {
    return sum(this, dim, keepdim);
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return mean(this, dim, keepdim);
  }
  /**
   * Standard deviation over `dim` (all elements when omitted): sqrt(Σ(x − x̄)² / (N − 1)), or / N when
   * `unbiased` is false. `std(false)` is the biased σ of all elements, as in PyTorch.
   */
  std(unbiased: boolean): Tensor;
  std(dim?: number | number[], unbiased?: boolean, keepdim?: boolean): Tensor;
  std(dim?: number | number[] | boolean, unbiased = true, keepdim = false): Tensor {
    if (typeof dim === 'boolean') return std(this, undefined, dim, false);
    return std(this, dim, unbiased, keepdim);
  }
  reshape(...shape: number[] | [number[]]): Tensor {
    return view.reshape(this, flatArgs(shape));
  }
  view(...shape: number[] | [number[]]): Tensor {
    return view.reshape(this, flatArgs(shape));
  }
  flatten(): Tensor {
    return view.reshape(this, [-1]);
  }
  squeeze(dim?: number): Tensor {
    return view.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return view.unsqueeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return view.transpose(this, dim0, dim1);
  }
  /** Transpose of a 2-D tensor. */
  t(): Tensor {
    if (this.ndim !== 2) throw new Error(`t: expects a 2-D tensor, got shape ${formatShape(this.shape)}`);
    return view.transpose(this, 0, 1);
  }
  permute(...dims: number[]): Tensor {
    return view.permute(this, dims);
  }
  /** Index `index` along `dim`, removing that dim. */
  select(dim: number, index: number): Tensor {
    return view.select(this, dim, index);
  }
  /** Elements `start .. start+length-1` along `dim`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return view.narrow(this, dim, start, length);
  }
  /** Elements `start .. end-1` along `dim` (negative indices count from the end; end defaults to the size). */
  slice(dim: number, start: number, end?: number): Tensor {
    return view.slice(this, dim, start, end);
  }

  /**
   * The slices at `index` along `dim` (PyTorch's `index_select`): the result has size `index.length` at `dim`.
   * `index`: integers in 0..size−1 as an array, an Int32Array or a 0-D/1-D tensor; they may repeat.
   */
  indexSelect(dim: number, index: IndexLike): Tensor {
    return indexSelect(this, dim, index);
  }

  /** PyTorch's printout, e.g. `tensor([[0.1000, 0.2000], [0.3000, 0.4000]], requires_grad=True)` on two lines. */
  toString(): string {
    return formatTensor(this);
  }
  /** `console.log(t)` and `util.inspect(t)` on Node print `toString()`. */
  [inspectCustom](): string {
    return this.toString();
  }
}

function flatArgs(args: number[] | [number[]]): number[] {
  return Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
}
