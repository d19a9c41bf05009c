/**
 * `recurrentLayer`: one recurrent layer — all time steps, both directions — as ONE autograd op.
 *
 * Forward and backward-through-time run in the WebAssembly kernels (or, for tests, the plain-TypeScript
 * reference kernels with the same signature). Parameters and their gradients are read and accumulated in
 * place in WebAssembly memory; only the layer's input, initial states and outputs cross between JavaScript and
 * WebAssembly. The forward's saved activations (the kernel workspace) stay in WebAssembly memory until the
 * backward pass, and are freed then (or when the graph is garbage-collected without a backward).
 */
import { alloc, f32view, free } from '../../kernels/memory.js';
import type { DirectionParams, LayerShape } from '../../kernels/recurrent.js';
import * as fast from '../../kernels/recurrent.js';
import * as reference from '../../kernels/reference/recurrent.js';
import { ACCUMULATED, ensureGrad, fromOp, type InputGrad } from '../../tensor/autograd.js';
import { isGradEnabled } from '../../tensor/grad_mode.js';
import { numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

export type { LayerShape } from '../../kernels/recurrent.js';

/** One direction's parameter tensors (PyTorch layouts; absent ones null). */
export interface LayerParams {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
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

/** Buffers a forward pass owns; freed once, by backward's release or by the finalizer. */
interface Owned {
  ptrs: number[];
  freed: boolean;
}

function freeOwned(o: Owned): void {
  if (o.freed) return;
  o.freed = true;
  for (const p of o.ptrs) free(p);
}

const reclaim = new FinalizationRegistry<Owned>(freeOwned);

/** Copies JS data into a fresh WebAssembly block; records it in `owned`. */
function copyIn(data: Float32Array, owned: Owned | null): number {
  const p = alloc(data.length, false);
  f32view(p, data.length).set(data);
  owned?.ptrs.push(p);
  return p;
}

/** dst (A2, A1, inner) ← src (A1, A2, inner): swaps the two leading dims while copying. */
function swapInto(src: Float32Array, dst: Float32Array, a1: number, a2: number, inner: number): void {
  for (let i = 0; i < a1; i++) {
    for (let j = 0; j < a2; j++) {
      const so = (i * a2 + j) * inner;
      const d0 = (j * a1 + i) * inner;
      if (inner === 1) dst[d0] = src[so];
      else dst.set(src.subarray(so, so + inner), d0);
    }
  }
}

function pointerOf(t: Tensor | null, owned: Owned): number {
  if (t === null) return 0;
  return t.isWasm ? t.wasmPtr : copyIn(t.data, owned);
}

/**
 * x (T,B,I) time-major, or (B,T,I) with `inputBatchFirst`; h0 (D,B,Hout) or null; c0 (D,B,H) or null (LSTM).
 * Returns out (T,B,D·Hout) — (B,T,D·Hout) with `outputBatchFirst` —, hN (D,B,Hout), cN (D,B,H) (LSTM) or null.
 * The batch-first transposes happen while copying to and from WebAssembly memory, at no extra pass.
 */
export function recurrentLayer(
  s: LayerShape,
  x: Tensor,
  params: LayerParams[],
  h0: Tensor | null,
  c0: Tensor | null,
  layout: { inputBatchFirst?: boolean; outputBatchFirst?: boolean } = {},
): [Tensor, Tensor, Tensor | null] {
  const k = backend === 'wasm' ? fast : reference;
  const D = s.directions;
  const Hout = s.projSize > 0 ? s.projSize : s.hiddenSize;
  const nOut = s.T * s.B * D * Hout;
  const nH = D * s.B * Hout;
  const nC = s.mode === 'lstm' ? D * s.B * s.hiddenSize : 0;
  const owned: Owned = { ptrs: [], freed: false };
  const inBF = layout.inputBatchFirst ?? false;
  const outBF = layout.outputBatchFirst ?? false;
  const nX = s.T * s.B * s.inputSize;

  let xPtr: number;
  if (inBF) {
    xPtr = alloc(nX, false);
    owned.ptrs.push(xPtr);
    swapInto(x.data, f32view(xPtr, nX), s.B, s.T, s.inputSize);
  } else {
    xPtr = pointerOf(x, owned);
  }
  const h0Ptr = pointerOf(h0, owned);
  const c0Ptr = pointerOf(c0, owned);
  const ptrs = (p: LayerParams): DirectionParams => ({
    wIh: p.wIh.wasmPtr,
    wHh: p.wHh.wasmPtr,
    bIh: p.bIh?.wasmPtr ?? 0,
    bHh: p.bHh?.wasmPtr ?? 0,
    wHr: p.wHr?.wasmPtr ?? 0,
  });
  const paramPtrs = params.map(ptrs);
  const ws = alloc(k.layerWorkspaceFloats(s), false);
  owned.ptrs.push(ws);
  const outPtr = alloc(nOut + nH + nC, false);
  k.layerForward(
    s,
    xPtr,
    paramPtrs,
    h0Ptr,
    c0Ptr,
    outPtr,
    outPtr + nOut * 4,
    nC > 0 ? outPtr + (nOut + nH) * 4 : 0,
    ws,
  );
  const combinedData = new Float32Array(nOut + nH + nC);
  const produced = f32view(outPtr, nOut + nH + nC);
  if (outBF) {
    swapInto(produced.subarray(0, nOut), combinedData, s.T, s.B, D * Hout);
    combinedData.set(produced.subarray(nOut), nOut);
  } else {
    combinedData.set(produced);
  }
  free(outPtr);

  const paramTensors = params.flatMap((p) =>
    [p.wIh, p.wHh, p.bIh, p.bHh, p.wHr].filter((t): t is Tensor => t !== null),
  );
  const inputs = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : []), ...paramTensors];
  const needGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  if (!needGrad) freeOwned(owned);

  const combined = fromOp(combinedData, [nOut + nH + nC], `${s.mode.toUpperCase()}Backward`, inputs, (g) => {
    const tmp: number[] = [];
    // Buffers the kernel writes completely skip the zero fill; gradient sinks it accumulates into keep it.
    const take = (n: number, zero = false) => {
      const p = alloc(n, zero);
      tmp.push(p);
      return p;
    };
    const gPtr = take(g.length);
    const gView = f32view(gPtr, g.length);
    if (outBF) {
      swapInto(g.subarray(0, nOut), gView, s.B, s.T, D * Hout);
      gView.set(g.subarray(nOut), nOut);
    } else {
      gView.set(g);
    }
    const dX = x.requiresGrad ? take(nX) : 0;
    const dh0 = h0?.requiresGrad ? take(nH) : 0;
    const dc0 = c0?.requiresGrad ? take(nC) : 0;
    const gradPtr = (t: Tensor | null): number => {
      if (t === null) return 0;
      return t.requiresGrad && t.gradFn === null ? ensureGrad(t).wasmPtr : take(t.numel(), true);
    };
    const gradPtrs = params.map((p) => ({
      wIh: gradPtr(p.wIh),
      wHh: gradPtr(p.wHh),
      bIh: gradPtr(p.bIh),
      bHh: gradPtr(p.bHh),
      wHr: gradPtr(p.wHr),
    }));
    k.layerBackward(
      s,
      xPtr,
      paramPtrs,
      h0Ptr,
      c0Ptr,
      ws,
      gPtr,
      gPtr + nOut * 4,
      nC > 0 ? gPtr + (nOut + nH) * 4 : 0,
      dX,
      dh0,
      dc0,
      gradPtrs,
    );
    const read = (p: number, n: number): Float32Array | null =>
      p === 0 ? null : Float32Array.from(f32view(p, n));
    let gx: Float32Array | null = null;
    if (dX !== 0) {
      gx = new Float32Array(nX);
      if (inBF) swapInto(f32view(dX, nX), gx, s.T, s.B, s.inputSize);
      else gx.set(f32view(dX, nX));
    }
    const result: InputGrad[] = [gx];
    if (h0) result.push(read(dh0, nH));
    if (c0) result.push(read(dc0, nC));
    for (const t of paramTensors) result.push(t.gradFn === null ? ACCUMULATED : null);
    for (const p of tmp) free(p);
    return result;
  });
  if (combined.gradFn) {
    const fn = combined.gradFn;
    fn.release = () => {
      reclaim.unregister(owned);
      freeOwned(owned);
    };
    reclaim.register(fn, owned, owned);
  }
  const out = part(combined, 0, outBF ? [s.B, s.T, D * Hout] : [s.T, s.B, D * Hout]);
  const hN = part(combined, nOut, [D, s.B, Hout]);
  const cN = nC > 0 ? part(combined, nOut + nH, [D, s.B, s.hiddenSize]) : null;
  return [out, hN, cN];
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
