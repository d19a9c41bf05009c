/**
 * Runs a stacked recurrent module (num_layers × directions) through one implementation of the layer API, the way
 * PyTorch's nn.RNN/LSTM/GRU would, and returns outputs and gradients of L = Σ out·R.out + Σ h_n·R.h_n (+ Σ c_n·R.c_n).
 */
import { f32view } from '../../src/kernels/memory.js';
import type * as Api from '../../src/kernels/recurrent.js';
import { Arena, read, rng } from './util.js';

export type Impl = Pick<typeof Api, 'layerWorkspaceFloats' | 'layerForward' | 'layerBackward'>;

export interface ModuleSpec {
  mode: Api.CellMode;
  T: number;
  B: number;
  inputSize: number;
  hiddenSize: number;
  projSize: number;
  numLayers: number;
  directions: 1 | 2;
  bias: boolean;
  /** name -> data, PyTorch names (weight_ih_l0, bias_hh_l1_reverse, ...). */
  params: Record<string, ArrayLike<number>>;
  /** Time-major (T,B,I). */
  input: ArrayLike<number>;
  /** (L·D,B,Hout) or null = zeros. */
  h0: ArrayLike<number> | null;
  /** (L·D,B,H) or null (LSTM only). */
  c0: ArrayLike<number> | null;
  /** Loss weights: R.output time-major (T,B,D·Hout), R.h_n, R.c_n (or null). */
  rOut: ArrayLike<number>;
  rHn: ArrayLike<number>;
  rCn: ArrayLike<number> | null;
}

export interface ModuleResult {
  output: Float32Array;
  hN: Float32Array;
  cN: Float32Array | null;
  /** input, h0, c0 (when given) and every parameter name. */
  grads: Record<string, Float32Array>;
}

const KEYS = [
  ['wIh', 'weight_ih'],
  ['wHh', 'weight_hh'],
  ['bIh', 'bias_ih'],
  ['bHh', 'bias_hh'],
  ['wHr', 'weight_hr'],
] as const;

/** Forward and backward of the whole stack through `impl`; every wasm buffer is freed before returning. */
export function runModule(impl: Impl, m: ModuleSpec): ModuleResult {
  const { T, B, hiddenSize: H, projSize: P, numLayers: L, directions: D } = m;
  const Hout = P > 0 ? P : H;
  const lstm = m.mode === 'lstm';
  const arena = new Arena();
  try {
    const shapes: Api.LayerShape[] = [];
    const params: Api.DirectionParams[][] = [];
    const grads: Api.DirectionParams[][] = [];
    for (let k = 0; k < L; k++) {
      shapes.push({
        mode: m.mode,
        T,
        B,
        inputSize: k === 0 ? m.inputSize : D * Hout,
        hiddenSize: H,
        projSize: P,
        directions: D,
        bias: m.bias,
      });
      params.push([]);
      grads.push([]);
      for (let d = 0; d < D; d++) {
        const p: Api.DirectionParams = { wIh: 0, wHh: 0, bIh: 0, bHh: 0, wHr: 0 };
        const g: Api.DirectionParams = { wIh: 0, wHh: 0, bIh: 0, bHh: 0, wHr: 0 };
        for (const [key, base] of KEYS) {
          const data = m.params[`${base}_l${k}${d === 1 ? '_reverse' : ''}`];
          if (data === undefined) continue;
          p[key] = arena.put(data);
          g[key] = arena.zeros(data.length);
        }
        params[k].push(p);
        grads[k].push(g);
      }
    }
    const stateH = D * B * Hout;
    const stateC = D * B * H;
    const slice = (a: ArrayLike<number> | null, k: number, n: number): number =>
      a === null ? 0 : arena.put(Array.prototype.slice.call(a, k * n, (k + 1) * n));

    // Forward, layer by layer.
    const xs: number[] = [arena.put(m.input)];
    const h0s: number[] = [];
    const c0s: number[] = [];
    const hNs: number[] = [];
    const cNs: number[] = [];
    const wss: number[] = [];
    for (let k = 0; k < L; k++) {
      const s = shapes[k];
      h0s.push(slice(m.h0, k, stateH));
      c0s.push(lstm ? slice(m.c0, k, stateC) : 0);
      hNs.push(arena.zeros(stateH));
      cNs.push(lstm ? arena.zeros(stateC) : 0);
      wss.push(arena.zeros(impl.layerWorkspaceFloats(s)));
      const out = arena.zeros(T * B * D * Hout);
      impl.layerForward(s, xs[k], params[k], h0s[k], c0s[k], out, hNs[k], cNs[k], wss[k]);
      xs.push(out);
    }
    const output = read(xs[L], T * B * D * Hout);
    const hN = new Float32Array(L * stateH);
    const cN = lstm ? new Float32Array(L * stateC) : null;
    for (let k = 0; k < L; k++) {
      hN.set(f32view(hNs[k], stateH), k * stateH);
      cN?.set(f32view(cNs[k], stateC), k * stateC);
    }

    // Backward, last layer first; layer k's dX is layer k-1's dOut.
    const out: Record<string, Float32Array> = {};
    let dOut = arena.put(m.rOut);
    const dh0All = new Float32Array(L * stateH);
    const dc0All = new Float32Array(L * stateC);
    for (let k = L - 1; k >= 0; k--) {
      const s = shapes[k];
      const dX = arena.zeros(T * B * s.inputSize);
      const dh0 = m.h0 === null ? 0 : arena.zeros(stateH);
      const dc0 = lstm && m.c0 !== null ? arena.zeros(stateC) : 0;
      impl.layerBackward(
        s,
        xs[k],
        params[k],
        h0s[k],
        c0s[k],
        wss[k],
        dOut,
        slice(m.rHn, k, stateH),
        lstm ? slice(m.rCn, k, stateC) : 0,
        dX,
        dh0,
        dc0,
        grads[k],
      );
      if (dh0) dh0All.set(f32view(dh0, stateH), k * stateH);
      if (dc0) dc0All.set(f32view(dc0, stateC), k * stateC);
      dOut = dX;
    }
    out.input = read(dOut, T * B * m.inputSize);
    if (m.h0 !== null) out.h0 = dh0All;
    if (lstm && m.c0 !== null) out.c0 = dc0All;
    for (let k = 0; k < L; k++) {
      for (let d = 0; d < D; d++) {
        for (const [key, base] of KEYS) {
          const name = `${base}_l${k}${d === 1 ? '_reverse' : ''}`;
          const data = m.params[name];
          if (data !== undefined) out[name] = read(grads[k][d][key], data.length);
        }
      }
    }
    return { output, hN, cN, grads: out };
  } finally {
    arena.freeAll();
  }
}

/** Sizes of a random test module: T steps, B batch, I input, H hidden, L layers, D directions. */
export interface ModuleDims {
  T: number;
  B: number;
  I: number;
  H: number;
  L: number;
  D: 1 | 2;
}

/** A module with random parameters (U(±1/√H)-scaled), input, initial states and loss weights. */
export function randomModuleSpec(
  mode: Api.CellMode,
  projSize: number,
  seed: number,
  dims: ModuleDims,
): ModuleSpec {
  const { T, B, I, H, L, D } = dims;
  const rand = rng(seed);
  const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
  const Hout = projSize > 0 ? projSize : H;
  const k = 1 / Math.sqrt(H);
  const vec = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => rand() * scale);
  const params: Record<string, Float32Array> = {};
  for (let l = 0; l < L; l++) {
    for (const sfx of D === 2 ? ['', '_reverse'] : ['']) {
      params[`weight_ih_l${l}${sfx}`] = vec(G * H * (l === 0 ? I : D * Hout), k);
      params[`weight_hh_l${l}${sfx}`] = vec(G * H * Hout, k);
      params[`bias_ih_l${l}${sfx}`] = vec(G * H, k);
      params[`bias_hh_l${l}${sfx}`] = vec(G * H, k);
      if (projSize > 0) params[`weight_hr_l${l}${sfx}`] = vec(projSize * H, k);
    }
  }
  const lstm = mode === 'lstm';
  return {
    mode,
    T,
    B,
    inputSize: I,
    hiddenSize: H,
    projSize,
    numLayers: L,
    directions: D,
    bias: true,
    params,
    input: vec(T * B * I),
    h0: vec(L * D * B * Hout),
    c0: lstm ? vec(L * D * B * H) : null,
    rOut: vec(T * B * D * Hout),
    rHn: vec(L * D * B * Hout),
    rCn: lstm ? vec(L * D * B * H) : null,
  };
}
