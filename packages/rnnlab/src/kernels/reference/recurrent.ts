/**
 * Readable reference for one recurrent layer: the same functions as ../recurrent.ts, written as plain loops
 * straight from PyTorch's equations over float32 views of the same buffers (../layer.ts). Independent of the
 * WebAssembly path (the tests hold the two to the same numbers); slow, for checking only. Sums run in float64;
 * what the layer stores (states between steps, saved activations, outputs, gradients) is float32.
 *
 * As in flax and candle, each cell is a step over one batch row, `(carry, x_t) → (carry', y_t)` with carry = h
 * (and c for an LSTM) and y_t = h_t, with its gradient step beside it; a layer loops directions × time × batch
 * rows over the step.
 *
 *   RNN   h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act = tanh | relu
 *   LSTM  [i|f|g|o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh; i, f, o through σ, g through tanh;
 *         c_t = f·c_{t−1} + i·g;  m_t = o·tanh(c_t);  h_t = m_t, or W_hr m_t with a projection
 *   GRU   [r|z|n] rows of both affine maps; r = σ(ih_r + hh_r), z = σ(ih_z + hh_z), n = tanh(ih_n + r·hh_n);
 *         h_t = (1 − z)·n + z·h_{t−1}
 *
 * Reference workspace, per direction, rows indexed by time (row = t·B + b, not by processing order):
 *   hPrev (Hout) state fed into step t, h (Hout) state after step t, act (G·H) activated gates (RNN: h_t),
 *   LSTM: cPrev (H), c (H), m (H) = o·tanh(c_t); GRU: hn (H) = W_hn h_{t−1} + b_hn.
 */
import {
  type CellMode,
  checkLayer,
  type DirectionParams,
  gateCount,
  type LayerBuffers,
  type LayerGradBuffers,
  type LayerShape,
  stateSize,
} from '../layer.js';
import { f32view } from '../memory.js';
import { blockAt } from '../pointer.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const NONE = new Float64Array(0);

/** Sizes of a layer (legend in ../layer.ts). */
interface Dims {
  T: number;
  B: number;
  I: number;
  H: number;
  P: number;
  Hout: number;
  G: number;
  D: number;
}

function dimsOf(s: LayerShape): Dims {
  return {
    T: s.T,
    B: s.B,
    I: s.inputSize,
    H: s.hiddenSize,
    P: s.projSize,
    Hout: stateSize(s),
    G: gateCount(s.mode),
    D: s.directions,
  };
}

/** Float offsets of the saved arrays in one direction's part of the workspace (each T·B rows), and its size. */
interface SavedPlan {
  hPrev: number;
  h: number;
  act: number;
  cPrev: number;
  c: number;
  m: number;
  hn: number;
  floats: number;
}

function savedPlan(dims: Dims): SavedPlan {
  const rows = dims.T * dims.B;
  const hPrev = 0;
  const h = hPrev + rows * dims.Hout;
  const act = h + rows * dims.Hout;
  const cPrev = act + rows * dims.G * dims.H;
  const c = cPrev + rows * dims.H;
  const m = c + rows * dims.H;
  const hn = m + rows * dims.H;
  return { hPrev, h, act, cPrev, c, m, hn, floats: hn + rows * dims.H };
}

/** One row's slices of the saved arrays (views into the workspace). */
interface SavedRow {
  hPrev: Float32Array;
  h: Float32Array;
  act: Float32Array;
  cPrev: Float32Array;
  c: Float32Array;
  m: Float32Array;
  hn: Float32Array;
}

function savedRow(workspace: Float32Array, plan: SavedPlan, row: number, dims: Dims): SavedRow {
  const slice = (start: number, width: number) =>
    workspace.subarray(start + row * width, start + (row + 1) * width);
  return {
    hPrev: slice(plan.hPrev, dims.Hout),
    h: slice(plan.h, dims.Hout),
    act: slice(plan.act, dims.G * dims.H),
    cPrev: slice(plan.cPrev, dims.H),
    c: slice(plan.c, dims.H),
    m: slice(plan.m, dims.H),
    hn: slice(plan.hn, dims.H),
  };
}

/** One direction's parameters as float32 views; absent biases as zeros, wHr null without a projection. */
interface CellWeights {
  wIh: Float32Array;
  wHh: Float32Array;
  bIh: Float32Array;
  bHh: Float32Array;
  wHr: Float32Array | null;
}

function weightsOf(p: DirectionParams, dims: Dims): CellWeights {
  const rows = dims.G * dims.H;
  return {
    wIh: f32view(p.wIh, rows * dims.I),
    wHh: f32view(p.wHh, rows * dims.Hout),
    bIh: p.bIh ? f32view(p.bIh, rows) : new Float32Array(rows),
    bHh: p.bHh ? f32view(p.bHh, rows) : new Float32Array(rows),
    wHr: dims.P > 0 ? f32view(p.wHr, dims.P * dims.H) : null,
  };
}

/** Gradient sums of one direction's parameters, laid out as CellWeights. */
interface WeightGrads {
  wIh: Float64Array;
  wHh: Float64Array;
  bIh: Float64Array;
  bHh: Float64Array;
  wHr: Float64Array;
}

/** y_j = b_j + Σ_k W[j,k]·v_k over the rows j of W (n columns). */
function affine(W: Float32Array, b: Float32Array, v: Float32Array, n: number): Float64Array {
  const y = new Float64Array(b.length);
  for (let j = 0; j < b.length; j++) {
    let acc = b[j];
    for (let k = 0; k < n; k++) acc += W[j * n + k] * v[k];
    y[j] = acc;
  }
  return y;
}

/** What one step produces for one batch row: the new carry (h; c for an LSTM) and what backward needs. */
interface StepOut {
  /** h_t (Hout), also the step's output y_t. */
  h: Float64Array;
  /** LSTM c_t (H). */
  c: Float64Array;
  /** Activated gates (G·H); RNN: h_t. */
  act: Float64Array;
  /** LSTM m_t = o·tanh(c_t) (H). */
  m: Float64Array;
  /** GRU W_hn h_{t−1} + b_hn (H). */
  hn: Float64Array;
}

/** RNN step from the two affine maps' outputs ih = W_ih x_t + b_ih, hh = W_hh h_{t−1} + b_hh. */
function rnnStep(relu: boolean, ih: Float64Array, hh: Float64Array): StepOut {
  const h = new Float64Array(ih.length);
  for (let q = 0; q < h.length; q++) {
    const v = ih[q] + hh[q];
    h[q] = relu ? Math.max(v, 0) : Math.tanh(v);
  }
  return { h, c: NONE, act: h, m: NONE, hn: NONE };
}

/** LSTM step from ih, hh (gate rows i, f, g, o) and the carried c_{t−1}. */
function lstmStep(
  dims: Dims,
  wHr: Float32Array | null,
  ih: Float64Array,
  hh: Float64Array,
  cPrev: Float32Array,
): StepOut {
  const { H } = dims;
  const act = new Float64Array(4 * H);
  const c = new Float64Array(H);
  const m = new Float64Array(H);
  for (let q = 0; q < H; q++) {
    const iGate = sigmoid(ih[q] + hh[q]);
    const fGate = sigmoid(ih[H + q] + hh[H + q]);
    const gGate = Math.tanh(ih[2 * H + q] + hh[2 * H + q]);
    const oGate = sigmoid(ih[3 * H + q] + hh[3 * H + q]);
    c[q] = fGate * cPrev[q] + iGate * gGate;
    m[q] = oGate * Math.tanh(c[q]);
    act[q] = iGate;
    act[H + q] = fGate;
    act[2 * H + q] = gGate;
    act[3 * H + q] = oGate;
  }
  return { h: wHr === null ? m : project(wHr, m, dims), c, act, m, hn: NONE };
}

/** h_t = W_hr m_t, with m_t rounded to float32 as the workspace stores it. */
function project(wHr: Float32Array, m: Float64Array, dims: Dims): Float64Array {
  const h = new Float64Array(dims.P);
  for (let q = 0; q < dims.P; q++) {
    let acc = 0;
    for (let k = 0; k < dims.H; k++) acc += wHr[q * dims.H + k] * Math.fround(m[k]);
    h[q] = acc;
  }
  return h;
}

/** GRU step from ih, hh (gate rows r, z, n) and the carried h_{t−1}. */
function gruStep(dims: Dims, ih: Float64Array, hh: Float64Array, hPrev: Float32Array): StepOut {
  const { H } = dims;
  const act = new Float64Array(3 * H);
  const h = new Float64Array(H);
  const hn = new Float64Array(H);
  for (let q = 0; q < H; q++) {
    const r = sigmoid(ih[q] + hh[q]);
    const z = sigmoid(ih[H + q] + hh[H + q]);
    const n = Math.tanh(ih[2 * H + q] + r * hh[2 * H + q]);
    h[q] = (1 - z) * n + z * hPrev[q];
    hn[q] = hh[2 * H + q];
    act[q] = r;
    act[H + q] = z;
    act[2 * H + q] = n;
  }
  return { h, c: NONE, act, m: NONE, hn };
}

/** One cell step for one batch row: (carry = hPrev, cPrev; x_t) → StepOut. */
function cellStep(
  mode: CellMode,
  dims: Dims,
  w: CellWeights,
  x: Float32Array,
  hPrev: Float32Array,
  cPrev: Float32Array,
): StepOut {
  const ih = affine(w.wIh, w.bIh, x, dims.I);
  const hh = affine(w.wHh, w.bHh, hPrev, dims.Hout);
  if (mode === 'lstm') return lstmStep(dims, w.wHr, ih, hh, cPrev);
  if (mode === 'gru') return gruStep(dims, ih, hh, hPrev);
  return rnnStep(mode === 'rnn_relu', ih, hh);
}

/**
 * Gradients of one step with respect to its two affine maps' outputs: `dIh` for W_ih x_t + b_ih and `dHh` for
 * W_hh h_{t−1} + b_hh (equal except for GRU's n rows), plus the parts of dh_{t−1} and dc_{t−1} that do not go
 * through W_hh.
 */
interface StepGrad {
  dIh: Float64Array;
  dHh: Float64Array;
  dhPrev: Float64Array;
  dcPrev: Float64Array;
}

function rnnStepBackward(relu: boolean, saved: SavedRow, dh: Float64Array): StepGrad {
  const d = new Float64Array(dh.length);
  for (let q = 0; q < dh.length; q++) {
    const h = saved.act[q];
    d[q] = dh[q] * (relu ? (h > 0 ? 1 : 0) : 1 - h * h);
  }
  return { dIh: d, dHh: d, dhPrev: new Float64Array(dh.length), dcPrev: NONE };
}

/** Also adds this step's W_hr gradient into gWhr (with a projection). */
function lstmStepBackward(
  dims: Dims,
  wHr: Float32Array | null,
  saved: SavedRow,
  dh: Float64Array,
  dc: Float64Array,
  gWhr: Float64Array,
): StepGrad {
  const { H, P } = dims;
  const dm = new Float64Array(H);
  for (let k = 0; k < H; k++) {
    if (wHr === null) {
      dm[k] = dh[k];
      continue;
    }
    for (let q = 0; q < P; q++) {
      dm[k] += dh[q] * wHr[q * H + k];
      gWhr[q * H + k] += dh[q] * saved.m[k];
    }
  }
  const d = new Float64Array(4 * H);
  const dcPrev = new Float64Array(H);
  for (let q = 0; q < H; q++) {
    const iGate = saved.act[q];
    const fGate = saved.act[H + q];
    const gGate = saved.act[2 * H + q];
    const oGate = saved.act[3 * H + q];
    const tc = Math.tanh(saved.c[q]);
    const dct = dc[q] + dm[q] * oGate * (1 - tc * tc);
    d[q] = dct * gGate * iGate * (1 - iGate);
    d[H + q] = dct * saved.cPrev[q] * fGate * (1 - fGate);
    d[2 * H + q] = dct * iGate * (1 - gGate * gGate);
    d[3 * H + q] = dm[q] * tc * oGate * (1 - oGate);
    dcPrev[q] = dct * fGate;
  }
  return { dIh: d, dHh: d, dhPrev: new Float64Array(dims.Hout), dcPrev };
}

function gruStepBackward(dims: Dims, saved: SavedRow, dh: Float64Array): StepGrad {
  const { H } = dims;
  const dIh = new Float64Array(3 * H);
  const dHh = new Float64Array(3 * H);
  const dhPrev = new Float64Array(H);
  for (let q = 0; q < H; q++) {
    const r = saved.act[q];
    const z = saved.act[H + q];
    const n = saved.act[2 * H + q];
    const dn = dh[q] * (1 - z) * (1 - n * n);
    dIh[q] = dHh[q] = dn * saved.hn[q] * r * (1 - r);
    dIh[H + q] = dHh[H + q] = dh[q] * (saved.hPrev[q] - n) * z * (1 - z);
    dIh[2 * H + q] = dn;
    dHh[2 * H + q] = dn * r;
    dhPrev[q] = dh[q] * z;
  }
  return { dIh, dHh, dhPrev, dcPrev: NONE };
}

function cellStepBackward(
  mode: CellMode,
  dims: Dims,
  w: CellWeights,
  saved: SavedRow,
  dh: Float64Array,
  dc: Float64Array,
  gWhr: Float64Array,
): StepGrad {
  if (mode === 'lstm') return lstmStepBackward(dims, w.wHr, saved, dh, dc, gWhr);
  if (mode === 'gru') return gruStepBackward(dims, saved, dh);
  return rnnStepBackward(mode === 'rnn_relu', saved, dh);
}

/**
 * Back through the two affine maps of one step: adds the bias and weight gradients into `sums`,
 * W_ihᵀ·dIh into dx (the row's dL/dx_t) and W_hhᵀ·dHh into `g.dhPrev`.
 */
function affineBackward(
  dims: Dims,
  w: CellWeights,
  g: StepGrad,
  x: Float32Array,
  hPrev: Float32Array,
  dx: Float64Array,
  sums: WeightGrads,
): void {
  const { I, Hout } = dims;
  for (let j = 0; j < dims.G * dims.H; j++) {
    sums.bIh[j] += g.dIh[j];
    sums.bHh[j] += g.dHh[j];
    for (let k = 0; k < I; k++) {
      sums.wIh[j * I + k] += g.dIh[j] * x[k];
      dx[k] += g.dIh[j] * w.wIh[j * I + k];
    }
    for (let q = 0; q < Hout; q++) {
      sums.wHh[j * Hout + q] += g.dHh[j] * hPrev[q];
      g.dhPrev[q] += g.dHh[j] * w.wHh[j * Hout + q];
    }
  }
}

/** Floats of reference workspace for one layer call. */
export function layerWorkspaceFloats(s: LayerShape): number {
  const dims = dimsOf(s);
  return dims.D * savedPlan(dims).floats;
}

/** Same contract as ../recurrent.ts forwardLayer. */
export function forwardLayer(s: LayerShape, buffers: LayerBuffers): void {
  checkLayer(s, buffers.params, 'params');
  const dims = dimsOf(s);
  const { T, B, I, H, Hout, D } = dims;
  const plan = savedPlan(dims);
  const x = f32view(buffers.input, T * B * I);
  const out = f32view(buffers.out, T * B * D * Hout);
  for (let d = 0; d < D; d++) {
    const w = weightsOf(buffers.params[d], dims);
    const workspace = f32view(blockAt(buffers.workspace, d, plan.floats), plan.floats);
    // The carry of every batch row, float32 as stored between steps.
    const h = buffers.h0
      ? Float32Array.from(f32view(blockAt(buffers.h0, d, B * Hout), B * Hout))
      : new Float32Array(B * Hout);
    const c = buffers.c0
      ? Float32Array.from(f32view(blockAt(buffers.c0, d, B * H), B * H))
      : new Float32Array(B * H);
    for (let step = 0; step < T; step++) {
      const t = d === 1 ? T - 1 - step : step;
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const hCarry = h.subarray(b * Hout, (b + 1) * Hout);
        const cCarry = c.subarray(b * H, (b + 1) * H);
        const saved = savedRow(workspace, plan, row, dims);
        saved.hPrev.set(hCarry);
        saved.cPrev.set(cCarry);
        const y = cellStep(s.mode, dims, w, x.subarray(row * I, (row + 1) * I), hCarry, cCarry);
        saved.act.set(y.act);
        saved.c.set(y.c);
        saved.m.set(y.m);
        saved.hn.set(y.hn);
        hCarry.set(y.h);
        cCarry.set(y.c);
        saved.h.set(hCarry);
        out.set(hCarry, row * D * Hout + d * Hout);
      }
    }
    if (buffers.hN) f32view(blockAt(buffers.hN, d, B * Hout), B * Hout).set(h);
    if (buffers.cN && s.mode === 'lstm') f32view(blockAt(buffers.cN, d, B * H), B * H).set(c);
  }
}

/** Same contract as ../recurrent.ts layerInferenceFloats: the reference runs its forward in the scratch. */
export function layerInferenceFloats(s: LayerShape): number {
  return layerWorkspaceFloats(s);
}

/** Same contract as ../recurrent.ts inferLayer (the forward, its saved arrays written to the scratch). */
export function inferLayer(s: LayerShape, buffers: LayerBuffers, outBatchFirst = false): void {
  forwardLayer(s, buffers);
  if (!outBatchFirst) return;
  const { T, B } = s;
  const F = s.directions * stateSize(s);
  const out = f32view(buffers.out, T * B * F);
  const timeMajor = Float32Array.from(out);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++)
      out.set(timeMajor.subarray((t * B + b) * F, (t * B + b + 1) * F), (b * T + t) * F);
  }
}

/** Adds a float64 sum into a float32 gradient buffer (0 = absent: skipped). */
function addInto(ptr: number, sum: Float64Array): void {
  if (!ptr) return;
  const g = f32view(ptr, sum.length);
  for (let i = 0; i < sum.length; i++) g[i] += sum[i];
}

/** Same contract as ../recurrent.ts backwardLayer. */
export function backwardLayer(s: LayerShape, buffers: LayerBuffers, grads: LayerGradBuffers): void {
  checkLayer(s, buffers.params, 'params');
  if (grads.grads.length !== s.directions) {
    throw new Error(`rnnlab: grads has ${grads.grads.length} direction(s), expected ${s.directions}`);
  }
  const dims = dimsOf(s);
  const { T, B, I, H, P, Hout, G, D } = dims;
  const plan = savedPlan(dims);
  const x = f32view(buffers.input, T * B * I);
  const dOut = f32view(grads.dOut, T * B * D * Hout);
  const dX = new Float64Array(T * B * I);
  for (let d = 0; d < D; d++) {
    const w = weightsOf(buffers.params[d], dims);
    const workspace = f32view(blockAt(buffers.workspace, d, plan.floats), plan.floats);
    const sums: WeightGrads = {
      wIh: new Float64Array(G * H * I),
      wHh: new Float64Array(G * H * Hout),
      bIh: new Float64Array(G * H),
      bHh: new Float64Array(G * H),
      wHr: new Float64Array(P * H),
    };
    // dL/dh and dL/dc flowing back into the current step, per batch row.
    const dh = grads.dhN
      ? Float64Array.from(f32view(blockAt(grads.dhN, d, B * Hout), B * Hout))
      : new Float64Array(B * Hout);
    const dc = grads.dcN
      ? Float64Array.from(f32view(blockAt(grads.dcN, d, B * H), B * H))
      : new Float64Array(B * H);
    for (let step = 0; step < T; step++) {
      const t = d === 1 ? step : T - 1 - step;
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        const dhRow = dh.subarray(b * Hout, (b + 1) * Hout);
        const dcRow = dc.subarray(b * H, (b + 1) * H);
        for (let q = 0; q < Hout; q++) dhRow[q] += dOut[row * D * Hout + d * Hout + q];
        const saved = savedRow(workspace, plan, row, dims);
        const g = cellStepBackward(s.mode, dims, w, saved, dhRow, dcRow, sums.wHr);
        const xRow = x.subarray(row * I, (row + 1) * I);
        affineBackward(dims, w, g, xRow, saved.hPrev, dX.subarray(row * I, (row + 1) * I), sums);
        dhRow.set(g.dhPrev);
        dcRow.set(g.dcPrev);
      }
    }
    if (grads.dh0) f32view(blockAt(grads.dh0, d, B * Hout), B * Hout).set(dh);
    if (grads.dc0 && s.mode === 'lstm') f32view(blockAt(grads.dc0, d, B * H), B * H).set(dc);
    const into = grads.grads[d];
    addInto(into.wIh, sums.wIh);
    addInto(into.wHh, sums.wHh);
    addInto(into.bIh, sums.bIh);
    addInto(into.bHh, sums.bHh);
    if (P > 0) addInto(into.wHr, sums.wHr);
  }
  if (grads.dX) f32view(grads.dX, T * B * I).set(dX);
}

/** `forwardLayer` with the buffers as positional arguments (the form the kernel tests call). */
export function layerForward(
  s: LayerShape,
  x: number,
  params: DirectionParams[],
  h0: number,
  c0: number,
  out: number,
  hN: number,
  cN: number,
  ws: number,
): void {
  forwardLayer(s, { input: x, params, h0, c0, out, hN, cN, workspace: ws });
}

/** `backwardLayer` with the buffers as positional arguments (the form the kernel tests call). */
export function layerBackward(
  s: LayerShape,
  x: number,
  params: DirectionParams[],
  h0: number,
  c0: number,
  ws: number,
  dOut: number,
  dhN: number,
  dcN: number,
  dX: number,
  dh0: number,
  dc0: number,
  grads: DirectionParams[],
): void {
  const forward: LayerBuffers = { input: x, params, h0, c0, out: 0, hN: 0, cN: 0, workspace: ws };
  backwardLayer(s, forward, { dOut, dhN, dcN, dX, dh0, dc0, grads });
}
