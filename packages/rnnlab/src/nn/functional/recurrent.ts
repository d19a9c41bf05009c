/**
 * `recurrentStack`: a whole recurrent module — every layer, all time steps, both directions — as ONE autograd op.
 *
 * Forward and backward-through-time run in the WebAssembly kernels (or, for tests, the plain-TypeScript
 * reference kernels with the same signature), one call per layer. Parameters and their gradients are read and
 * accumulated in place in WebAssembly memory, and the activations between layers never leave it: only the
 * module's input, initial states, outputs and their gradients cross between JavaScript and WebAssembly. The
 * forward's saved activations (one kernel workspace per layer, each layer's output, dropout masks) stay in
 * WebAssembly memory until the backward pass and are freed then (or when the graph is garbage-collected
 * without a backward, or at once if the forward fails). When no graph is recorded (`noGrad`, or nothing requires
 * grad) the layers run the inference kernels instead, which save nothing and give the same bits: one scratch block,
 * the layers' outputs alternating between two blocks, all freed before the op returns.
 *
 * Shapes (L layers, D directions, Hout = projSize || H):
 *   x (T,B,I), or (B,T,I) with `inputBatchFirst`;  h0, hN (L·D,B,Hout);  c0, cN (L·D,B,H) (LSTM)
 *   out (T,B,D·Hout), or (B,T,D·Hout) with `outputBatchFirst`
 * Row l·D + d of the states belongs to layer l, direction d — the kernels read and write those rows in place.
 */
import type { DirectionParams, LayerBuffers, LayerGradBuffers, LayerShape } from '../../kernels/layer.js';
import { swapLeading } from '../../kernels/layout.js';
import { f32view } from '../../kernels/memory.js';
import { blockAt, f32At } from '../../kernels/pointer.js';
import * as fast from '../../kernels/recurrent.js';
import * as reference from '../../kernels/reference/recurrent.js';
import { WasmBlocks } from '../../kernels/wasm_blocks.js';
import {
  ACCUMULATED,
  ensureGrad,
  fromOp,
  type GradFn,
  type InputGrad,
  recordsGrad,
} from '../../tensor/autograd.js';
import { defaultGenerator, type Generator } from '../../tensor/random.js';
import { numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

export type { LayerShape } from '../../kernels/layer.js';

/** One direction's parameter tensors (PyTorch layouts; absent ones null). */
export interface LayerParams {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

export interface StackOptions {
  inputBatchFirst?: boolean;
  outputBatchFirst?: boolean;
  /** Inverted dropout on every layer's output but the last (applied only when `training`). */
  dropout?: number;
  training?: boolean;
  generator?: Generator;
}

export type RecurrentBackend = 'wasm' | 'reference';
let backend: RecurrentBackend = 'wasm';

/** Selects the kernels used by recurrent layers: 'wasm' (default, fast) or 'reference' (plain TypeScript). */
export function setRecurrentBackend(b: RecurrentBackend): void {
  if (b !== 'wasm' && b !== 'reference')
    throw new Error(`setRecurrentBackend: expected 'wasm' or 'reference', got '${b}'`);
  backend = b;
}

export function getRecurrentBackend(): RecurrentBackend {
  return backend;
}

/** What the stack needs of a kernel path (both implement it: recurrent.ts and reference/recurrent.ts). */
type LayerKernels = Pick<
  typeof fast,
  'layerWorkspaceFloats' | 'forwardLayer' | 'backwardLayer' | 'layerInferenceFloats' | 'inferLayer'
>;

/** Sizes of a stack (all layers share mode, T, B, H, Hout and D; only layer 0's input size differs). */
interface StackDims {
  layers: number;
  T: number;
  B: number;
  D: number;
  H: number;
  Hout: number;
  lstm: boolean;
  /** I of the module's input x. */
  inputSize: number;
  /** Floats of one layer's output (T,B,D·Hout). */
  outFloats: number;
  /** Floats of one layer's rows of the states: (D,B,Hout) of h, (D,B,H) of c. */
  layerHFloats: number;
  layerCFloats: number;
  /** Floats of all the states: h (L·D,B,Hout), and c (L·D,B,H) for an LSTM (else 0). */
  hFloats: number;
  cFloats: number;
}

function stackDims(shapes: LayerShape[]): StackDims {
  const s = shapes[0];
  const { T, B, directions: D, hiddenSize: H } = s;
  const Hout = s.projSize > 0 ? s.projSize : H;
  const lstm = s.mode === 'lstm';
  const L = shapes.length;
  return {
    layers: L,
    T,
    B,
    D,
    H,
    Hout,
    lstm,
    inputSize: s.inputSize,
    outFloats: T * B * D * Hout,
    layerHFloats: D * B * Hout,
    layerCFloats: D * B * H,
    hFloats: L * D * B * Hout,
    cFloats: lstm ? L * D * B * H : 0,
  };
}

/** What a forward keeps in WebAssembly memory for its backward (all in one `WasmBlocks`). */
interface SavedStack {
  dims: StackDims;
  shapes: LayerShape[];
  /**
   * Layer l's forward buffers: its input (x, or layer l−1's output after dropout), parameters, rows of the states,
   * output, workspace (the shared inference scratch when the forward saved nothing).
   */
  layers: LayerBuffers[];
  /** The dropout mask applied to layer l's output before layer l+1 (null = none), for l < L−1. */
  masks: Array<Float32Array | null>;
  /** [hN | cN]: all the final states, (L·D,B,Hout) then (L·D,B,H) for an LSTM. */
  states: number;
}

/** [A1, A2, inner]: a block (A1, A2, inner) to store as (A2, A1, inner) — batch-first ↔ time-major. */
type Swap = [number, number, number];

/**
 * Runs the stack; `shapes[l]` and `params[l]` describe layer l (its inputSize is the previous layer's D·Hout).
 * Returns [out, hN, cN (LSTM) or null].
 */
export function recurrentStack(
  shapes: LayerShape[],
  params: LayerParams[][],
  x: Tensor,
  h0: Tensor | null,
  c0: Tensor | null,
  options: StackOptions = {},
): [Tensor, Tensor, Tensor | null] {
  const kernels: LayerKernels = backend === 'wasm' ? fast : reference;
  const dims = stackDims(shapes);
  const { T, B, D, H, Hout, outFloats, hFloats, cFloats } = dims;
  const outputBatchFirst = options.outputBatchFirst ?? false;
  // Plain loops: this runs on every call, and a batch-1 forward takes only tens of microseconds.
  const paramTensors: Tensor[] = [];
  for (const layer of params) {
    for (const q of layer) {
      for (const t of [q.wIh, q.wHh, q.bIh, q.bHh, q.wHr]) if (t !== null) paramTensors.push(t);
    }
  }
  const graphInputs = [x];
  if (h0) graphInputs.push(h0);
  if (c0) graphInputs.push(c0);
  for (const t of paramTensors) graphInputs.push(t);

  const owned = new WasmBlocks(); // the forward's saved buffers
  try {
    const save = recordsGrad(graphInputs);
    const saved = forwardStack(kernels, shapes, params, x, h0, c0, options, dims, owned, save);
    const combinedData = new Float32Array(outFloats + hFloats + cFloats); // [out | hN | cN]
    const last = saved.layers[dims.layers - 1].out;
    // The inference kernels write a batch-first output in place; the training forward's is swapped here.
    const swap = outputBatchFirst && !writesBatchFirst(options, save) ? ([T, B, D * Hout] as Swap) : null;
    copyToJs(last, combinedData.subarray(0, outFloats), swap);
    combinedData.set(f32view(saved.states, hFloats + cFloats), outFloats);

    const combined = fromOp(
      combinedData,
      [combinedData.length],
      `${shapes[0].mode.toUpperCase()}Backward`,
      graphInputs,
      (g) => backwardStack(kernels, saved, g, { x, h0, c0, params, paramTensors }, options),
    );
    if (combined.gradFn) keepUntilBackward(combined.gradFn, owned);
    else owned.free();
    const out = part(combined, 0, outputBatchFirst ? [B, T, D * Hout] : [T, B, D * Hout]);
    const hN = part(combined, outFloats, [dims.layers * D, B, Hout]);
    const cN = dims.lstm ? part(combined, outFloats + hFloats, [dims.layers * D, B, H]) : null;
    return [out, hN, cN];
  } catch (error) {
    owned.free();
    throw error;
  }
}

/**
 * Layer by layer: each layer's forward, then dropout on its output (in training) to make the next layer's input.
 * With `save` false (no backward will run) the layers run the inference kernels in one shared scratch block, and
 * layer l writes its output over layer l−2's.
 */
function forwardStack(
  kernels: LayerKernels,
  shapes: LayerShape[],
  params: LayerParams[][],
  x: Tensor,
  h0: Tensor | null,
  c0: Tensor | null,
  options: StackOptions,
  dims: StackDims,
  owned: WasmBlocks,
  save: boolean,
): SavedStack {
  const { layers: L, T, B, inputSize } = dims;
  const input = inWasm(x, owned, options.inputBatchFirst ? [B, T, inputSize] : null);
  const h0Ptr = h0 === null ? 0 : inWasm(h0, owned);
  const c0Ptr = c0 === null ? 0 : inWasm(c0, owned);
  const states = owned.alloc(dims.hFloats + dims.cFloats, false);
  const hN = states;
  const cN = dims.lstm ? f32At(states, dims.hFloats) : 0;
  const rate = options.dropout ?? 0;
  const dropout = (options.training ?? false) && rate > 0 && L > 1;

  let scratchFloats = 0;
  if (!save) for (const s of shapes) scratchFloats = Math.max(scratchFloats, kernels.layerInferenceFloats(s));
  const scratch = save ? 0 : owned.alloc(scratchFloats, false);
  const layers: LayerBuffers[] = [];
  const masks: Array<Float32Array | null> = [];
  let layerInput = input;
  for (let l = 0; l < L; l++) {
    const workspace = save ? owned.alloc(kernels.layerWorkspaceFloats(shapes[l]), false) : scratch;
    const out = save || l < 2 ? owned.alloc(dims.outFloats, false) : layers[l - 2].out;
    const buffers: LayerBuffers = {
      input: layerInput,
      params: params[l].map(parameterPointers),
      h0: blockAt(h0Ptr, l, dims.layerHFloats),
      c0: blockAt(c0Ptr, l, dims.layerCFloats),
      out,
      hN: blockAt(hN, l, dims.layerHFloats),
      cN: blockAt(cN, l, dims.layerCFloats),
      workspace,
    };
    if (save) kernels.forwardLayer(shapes[l], buffers);
    else kernels.inferLayer(shapes[l], buffers, l === L - 1 && writesBatchFirst(options, save));
    layers.push(buffers);
    if (l < L - 1) {
      const mask = dropout ? dropoutMask(dims.outFloats, rate, options.generator ?? defaultGenerator) : null;
      masks.push(mask);
      layerInput = mask === null ? out : maskedCopy(out, mask, owned);
    }
  }
  return { dims, shapes, layers, masks, states };
}

/** Whether the last layer writes its output batch-first itself: only the inference kernels do. */
function writesBatchFirst(options: StackOptions, save: boolean): boolean {
  return !save && (options.outputBatchFirst ?? false);
}

/** The tensors whose gradients the backward returns (the op's inputs, in order). */
interface GraphInputs {
  x: Tensor;
  h0: Tensor | null;
  c0: Tensor | null;
  /** params[l][d]: layer l, direction d. */
  params: LayerParams[][];
  /** Every non-null tensor of `params`, in that order. */
  paramTensors: Tensor[];
}

/**
 * Backward through the stack, last layer first; layer l's dX (masked by the dropout before layer l) is layer
 * l−1's dOut. Parameter gradients are added in place into the leaves' WebAssembly `.grad` (returned as
 * ACCUMULATED). Every temporary block is freed before returning, also on error.
 */
function backwardStack(
  kernels: LayerKernels,
  saved: SavedStack,
  gradOut: Float32Array,
  inputs: GraphInputs,
  options: StackOptions,
): InputGrad[] {
  const { dims, shapes, layers, masks } = saved;
  const { T, B, D, Hout, inputSize, outFloats, hFloats, cFloats } = dims;
  const { x, h0, c0, params, paramTensors } = inputs;
  const temp = new WasmBlocks();
  try {
    const outputBatchFirst = options.outputBatchFirst ?? false;
    let dOut = inWasm(gradOut.subarray(0, outFloats), temp, outputBatchFirst ? [B, T, D * Hout] : null);
    const dStates = inWasm(gradOut.subarray(outFloats), temp); // [dhN | dcN]
    const dcN = dims.lstm ? f32At(dStates, hFloats) : 0;
    // Buffers the kernels write completely skip the zero fill; gradient sinks they add into get it.
    const dh0 = h0?.requiresGrad ? temp.alloc(hFloats, false) : 0;
    const dc0 = c0?.requiresGrad ? temp.alloc(cFloats, false) : 0;
    const dx = x.requiresGrad ? temp.alloc(T * B * inputSize, false) : 0;
    const gradientSink = (t: Tensor | null): number => {
      if (t === null) return 0;
      return t.requiresGrad && t.gradFn === null ? ensureGrad(t).wasmPtr : temp.alloc(t.numel(), true);
    };
    for (let l = dims.layers - 1; l >= 0; l--) {
      const dX = l > 0 ? temp.alloc(T * B * shapes[l].inputSize, false) : dx;
      const grads: LayerGradBuffers = {
        dOut,
        dhN: blockAt(dStates, l, dims.layerHFloats),
        dcN: blockAt(dcN, l, dims.layerCFloats),
        dX,
        dh0: blockAt(dh0, l, dims.layerHFloats),
        dc0: blockAt(dc0, l, dims.layerCFloats),
        grads: params[l].map((q) => ({
          wIh: gradientSink(q.wIh),
          wHh: gradientSink(q.wHh),
          bIh: gradientSink(q.bIh),
          bHh: gradientSink(q.bHh),
          wHr: gradientSink(q.wHr),
        })),
      };
      kernels.backwardLayer(shapes[l], layers[l], grads);
      if (l > 0) {
        const mask = masks[l - 1];
        if (mask !== null) scaleInPlace(dX, mask);
        dOut = dX;
      }
    }

    let gx: Float32Array | null = null;
    if (dx !== 0) {
      gx = new Float32Array(T * B * inputSize);
      copyToJs(dx, gx, options.inputBatchFirst ? [T, B, inputSize] : null);
    }
    const result: InputGrad[] = [gx];
    if (h0) result.push(dh0 === 0 ? null : Float32Array.from(f32view(dh0, hFloats)));
    if (c0) result.push(dc0 === 0 ? null : Float32Array.from(f32view(dc0, cFloats)));
    for (const t of paramTensors) result.push(t.gradFn === null ? ACCUMULATED : null);
    return result;
  } finally {
    temp.free();
  }
}

/** Frees the forward's blocks once: after the backward ran (`release`), or when the graph is collected without one. */
function keepUntilBackward(fn: GradFn, owned: WasmBlocks): void {
  fn.release = () => {
    reclaim.unregister(owned);
    owned.free();
  };
  reclaim.register(fn, owned, owned);
}

const reclaim = new FinalizationRegistry<WasmBlocks>((owned) => owned.free());

/**
 * A pointer to `src` in WebAssembly memory: a tensor stored there is used in place, other data is copied into a
 * block of `blocks`. With `swap` the result is always a new block of `blocks`, holding `src` with its two
 * leading dims swapped (by a wasm kernel, after one bulk copy when `src` is in JavaScript).
 */
function inWasm(src: Tensor | Float32Array, blocks: WasmBlocks, swap: Swap | null = null): number {
  const wasmPtr = src instanceof Tensor && src.isWasm ? src.wasmPtr : 0;
  const data = (): Float32Array => (src instanceof Tensor ? src.data : src);
  if (swap === null) return wasmPtr !== 0 ? wasmPtr : blocks.copyOf(data());
  const [a1, a2, inner] = swap;
  const dst = blocks.alloc(a1 * a2 * inner, false);
  const temp = new WasmBlocks();
  try {
    swapLeading(a1, a2, inner, wasmPtr !== 0 ? wasmPtr : temp.copyOf(data()), dst);
  } finally {
    temp.free();
  }
  return dst;
}

/** Copies `dst.length` floats at `ptr` into `dst`, swapping the two leading dims when `swap` is given. */
function copyToJs(ptr: number, dst: Float32Array, swap: Swap | null): void {
  if (swap === null) {
    dst.set(f32view(ptr, dst.length));
    return;
  }
  const temp = new WasmBlocks();
  try {
    const swapped = temp.alloc(dst.length, false);
    swapLeading(swap[0], swap[1], swap[2], ptr, swapped);
    dst.set(f32view(swapped, dst.length));
  } finally {
    temp.free();
  }
}

/** A new block of `blocks` holding the floats at `ptr` times `mask`, elementwise (dropout between layers). */
function maskedCopy(ptr: number, mask: Float32Array, blocks: WasmBlocks): number {
  const dst = blocks.alloc(mask.length, false);
  const from = f32view(ptr, mask.length);
  const to = f32view(dst, mask.length);
  for (let i = 0; i < mask.length; i++) to[i] = from[i] * mask[i];
  return dst;
}

/** The floats at `ptr` *= `mask`, elementwise (the gradient through dropout). */
function scaleInPlace(ptr: number, mask: Float32Array): void {
  const v = f32view(ptr, mask.length);
  for (let i = 0; i < mask.length; i++) v[i] *= mask[i];
}

function parameterPointers(p: LayerParams): DirectionParams {
  return {
    wIh: p.wIh.wasmPtr,
    wHh: p.wHh.wasmPtr,
    bIh: p.bIh?.wasmPtr ?? 0,
    bHh: p.bHh?.wasmPtr ?? 0,
    wHr: p.wHr?.wasmPtr ?? 0,
  };
}

/** Inverted-dropout mask: 0 with probability p, else 1/(1−p). */
function dropoutMask(n: number, p: number, g: Generator): Float32Array {
  const scale = p >= 1 ? 0 : 1 / (1 - p);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = g.random() >= p ? scale : 0;
  return mask;
}

/**
 * The elements [offset, offset + numel(shape)) of a flat tensor as a tensor of `shape` that SHARES its data
 * (no copy); its gradient is scattered back into the flat tensor's.
 */
function part(flat: Tensor, offset: number, shape: number[]): Tensor {
  const n = numel(shape);
  const data = flat.data.subarray(offset, offset + n);
  if (!flat.requiresGrad) return new Tensor(data, shape);
  return fromOp(data, shape, 'split', [flat], (g) => {
    const full = new Float32Array(flat.numel());
    full.set(g, offset);
    return [full];
  });
}
