/**
 * `recurrentStack`: a whole recurrent module — every layer, all time steps, both directions — as ONE autograd op.
 *
 * Forward and backward-through-time run in the WebAssembly kernels (or, for tests, the plain-TypeScript
 * reference kernels with the same signature), one call per layer. Parameters and their gradients are read and
 * accumulated in place in WebAssembly memory, and the activations between layers never leave it: only the
 * module's input, initial states, outputs and their gradients cross between JavaScript and WebAssembly. The
 * forward's saved activations (one kernel workspace per layer, each layer's output, dropout masks) stay in
 * WebAssembly memory until the backward pass and are freed then (or when the graph is garbage-collected
 * without a backward).
 *
 * Shapes (L layers, D directions, Hout = projSize || H):
 *   x (T,B,I), or (B,T,I) with `inputBatchFirst`;  h0, hN (L·D,B,Hout);  c0, cN (L·D,B,H) (LSTM)
 *   out (T,B,D·Hout), or (B,T,D·Hout) with `outputBatchFirst`
 * Row l·D + d of the states belongs to layer l, direction d — the kernels read and write those rows in place.
 */
import { swapLeading } from '../../kernels/layout.js';
import { alloc, f32view, free } from '../../kernels/memory.js';
import type { DirectionParams, LayerShape } from '../../kernels/recurrent.js';
import * as fast from '../../kernels/recurrent.js';
import * as reference from '../../kernels/reference/recurrent.js';
import { ACCUMULATED, ensureGrad, fromOp, type InputGrad } from '../../tensor/autograd.js';
import { isGradEnabled } from '../../tensor/grad_mode.js';
import { defaultGenerator, type Generator } from '../../tensor/random.js';
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

/**
 * Copies `src` into WebAssembly memory; returns the pointer. With `swap` = [A1, A2, inner] the block is stored with
 * its two leading dims swapped (batch-first ↔ time-major), by a wasm kernel after one bulk copy.
 */
function copyIn(src: Float32Array, owned: Owned | null, swap?: [number, number, number]): number {
  const p = alloc(src.length, false);
  if (swap) {
    const tmp = alloc(src.length, false);
    f32view(tmp, src.length).set(src);
    swapLeading(swap[0], swap[1], swap[2], tmp, p);
    free(tmp);
  } else f32view(p, src.length).set(src);
  owned?.ptrs.push(p);
  return p;
}

/** Copies n floats at `ptr` into `dst`, swapping the two leading dims [A1, A2, inner] when `swap` is given. */
function copyOut(ptr: number, n: number, dst: Float32Array, swap?: [number, number, number]): void {
  if (!swap) {
    dst.set(f32view(ptr, n));
    return;
  }
  const tmp = alloc(n, false);
  swapLeading(swap[0], swap[1], swap[2], ptr, tmp);
  dst.set(f32view(tmp, n));
  free(tmp);
}

function pointers(p: LayerParams): DirectionParams {
  return {
    wIh: p.wIh.wasmPtr,
    wHh: p.wHh.wasmPtr,
    bIh: p.bIh?.wasmPtr ?? 0,
    bHh: p.bHh?.wasmPtr ?? 0,
    wHr: p.wHr?.wasmPtr ?? 0,
  };
}

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
  o: StackOptions = {},
): [Tensor, Tensor, Tensor | null] {
  const k = backend === 'wasm' ? fast : reference;
  const L = shapes.length;
  const s0 = shapes[0];
  const { T, B, directions: D, hiddenSize: H } = s0;
  const Hout = s0.projSize > 0 ? s0.projSize : H;
  const lstm = s0.mode === 'lstm';
  const nOut = T * B * D * Hout; // one layer's output
  const nH = L * D * B * Hout;
  const nC = lstm ? L * D * B * H : 0;
  const rowH = D * B * Hout * 4; // bytes of one layer's rows in h0/hN
  const rowC = D * B * H * 4;
  const inBF = o.inputBatchFirst ?? false;
  const outBF = o.outputBatchFirst ?? false;
  const p = o.dropout ?? 0;
  const drop = (o.training ?? false) && p > 0 && L > 1;
  const owned: Owned = { ptrs: [], freed: false };
  const own = (n: number): number => {
    const ptr = alloc(n, false);
    owned.ptrs.push(ptr);
    return ptr;
  };

  const nX = T * B * s0.inputSize;
  const xPtr = inBF
    ? copyIn(x.data, owned, [B, T, s0.inputSize])
    : x.isWasm
      ? x.wasmPtr
      : copyIn(x.data, owned);
  const h0Ptr = h0 === null ? 0 : h0.isWasm ? h0.wasmPtr : copyIn(h0.data, owned);
  const c0Ptr = c0 === null ? 0 : c0.isWasm ? c0.wasmPtr : copyIn(c0.data, owned);
  const hNPtr = own(nH + nC);
  const cNPtr = lstm ? hNPtr + nH * 4 : 0;
  const paramPtrs = params.map((dirs) => dirs.map(pointers));

  // Per layer: its input pointer, workspace and output; dropout masks between layers.
  const inputs: number[] = [xPtr];
  const workspaces: number[] = [];
  const outputs: number[] = [];
  const masks: Array<Float32Array | null> = [];
  for (let l = 0; l < L; l++) {
    const ws = own(k.layerWorkspaceFloats(shapes[l]));
    const out = own(nOut);
    k.layerForward(
      shapes[l],
      inputs[l],
      paramPtrs[l],
      h0Ptr && h0Ptr + l * rowH,
      c0Ptr && c0Ptr + l * rowC,
      out,
      hNPtr + l * rowH,
      cNPtr && cNPtr + l * rowC,
      ws,
    );
    workspaces.push(ws);
    outputs.push(out);
    if (l < L - 1) {
      if (drop) {
        const mask = dropoutMask(nOut, p, o.generator ?? defaultGenerator);
        const next = own(nOut);
        const src = f32view(out, nOut);
        const dst = f32view(next, nOut);
        for (let i = 0; i < nOut; i++) dst[i] = src[i] * mask[i];
        masks.push(mask);
        inputs.push(next);
      } else {
        masks.push(null);
        inputs.push(out);
      }
    }
  }

  // Output buffer in JS: [out | hN | cN], out transposed to batch-first if asked.
  const combinedData = new Float32Array(nOut + nH + nC);
  copyOut(outputs[L - 1], nOut, combinedData, outBF ? [T, B, D * Hout] : undefined);
  combinedData.set(f32view(hNPtr, nH + nC), nOut);

  const paramTensors = params
    .flat()
    .flatMap((q) => [q.wIh, q.wHh, q.bIh, q.bHh, q.wHr].filter((t): t is Tensor => t !== null));
  const graphInputs = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : []), ...paramTensors];
  const needGrad = isGradEnabled() && graphInputs.some((t) => t.requiresGrad);
  if (!needGrad) freeOwned(owned);

  const combined = fromOp(
    combinedData,
    [nOut + nH + nC],
    `${s0.mode.toUpperCase()}Backward`,
    graphInputs,
    (g) => {
      const tmp: number[] = [];
      // Buffers the kernel writes completely skip the zero fill; gradient sinks it accumulates into keep it.
      const take = (n: number, zero = false) => {
        const ptr = alloc(n, zero);
        tmp.push(ptr);
        return ptr;
      };
      let dOut = copyIn(g.subarray(0, nOut), null, outBF ? [B, T, D * Hout] : undefined);
      tmp.push(dOut);
      const dState = copyIn(g.subarray(nOut), null);
      tmp.push(dState);
      const dcN = lstm ? dState + nH * 4 : 0;
      const dh0 = h0?.requiresGrad ? take(nH) : 0;
      const dc0 = c0?.requiresGrad ? take(nC) : 0;
      const dX0 = x.requiresGrad ? take(nX) : 0;
      const gradPtr = (t: Tensor | null): number => {
        if (t === null) return 0;
        return t.requiresGrad && t.gradFn === null ? ensureGrad(t).wasmPtr : take(t.numel(), true);
      };
      for (let l = L - 1; l >= 0; l--) {
        const dX = l > 0 ? take(T * B * shapes[l].inputSize) : dX0;
        const grads = params[l].map((q) => ({
          wIh: gradPtr(q.wIh),
          wHh: gradPtr(q.wHh),
          bIh: gradPtr(q.bIh),
          bHh: gradPtr(q.bHh),
          wHr: gradPtr(q.wHr),
        }));
        k.layerBackward(
          shapes[l],
          inputs[l],
          paramPtrs[l],
          h0Ptr && h0Ptr + l * rowH,
          c0Ptr && c0Ptr + l * rowC,
          workspaces[l],
          dOut,
          dState + l * rowH,
          dcN && dcN + l * rowC,
          dX,
          dh0 && dh0 + l * rowH,
          dc0 && dc0 + l * rowC,
          grads,
        );
        if (l > 0) {
          const mask = masks[l - 1];
          if (mask) {
            const d = f32view(dX, nOut);
            for (let i = 0; i < nOut; i++) d[i] *= mask[i];
          }
          dOut = dX;
        }
      }
      const read = (ptr: number, n: number): Float32Array | null =>
        ptr === 0 ? null : Float32Array.from(f32view(ptr, n));
      let gx: Float32Array | null = null;
      if (dX0 !== 0) {
        gx = new Float32Array(nX);
        copyOut(dX0, nX, gx, inBF ? [T, B, s0.inputSize] : undefined);
      }
      const result: InputGrad[] = [gx];
      if (h0) result.push(read(dh0, nH));
      if (c0) result.push(read(dc0, nC));
      for (const t of paramTensors) result.push(t.gradFn === null ? ACCUMULATED : null);
      for (const ptr of tmp) free(ptr);
      return result;
    },
  );
  if (combined.gradFn) {
    const fn = combined.gradFn;
    fn.release = () => {
      reclaim.unregister(owned);
      freeOwned(owned);
    };
    reclaim.register(fn, owned, owned);
  }
  const out = part(combined, 0, outBF ? [B, T, D * Hout] : [T, B, D * Hout]);
  const hN = part(combined, nOut, [L * D, B, Hout]);
  const cN = lstm ? part(combined, nOut + nH, [L * D, B, H]) : null;
  return [out, hN, cN];
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
