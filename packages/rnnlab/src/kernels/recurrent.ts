/**
 * One recurrent layer (RNN tanh/relu, LSTM with optional projection, GRU) on the WebAssembly SIMD kernels:
 * forward and backward through time, one wasm call per direction, no allocation.
 *
 * Buffers are described in layer.ts (`LayerBuffers`, `LayerGradBuffers`). Each call splits them once into one
 * typed value per direction (`DirectionForward` / `DirectionBackward`: pointers, row strides, the direction's
 * part of the workspace), and one small function per kernel passes that value's fields in the kernel's argument
 * order — the only place that order appears.
 *
 * Workspace layout (floats; every block rounded up to 4 floats so blocks stay 16-byte aligned):
 *   for each direction d, a saved block written by forward and read by backward:
 *     gates (T,B,G·H)  LSTM: activated i,f,g,o; GRU: activated r,z,n; RNN: pre-activations without bias
 *     hs    (T+1,B,Hout)  states in time order: forward slot 0 = h0, slot t+1 = h_t; reverse slot t = h_t, slot T = h0
 *     cs    (T+1,B,H)   LSTM cell states, same slot order
 *     tc    (T,B,H)     LSTM tanh(c_t)
 *     m     (T,B,H)     LSTM with projection: o·tanh(c_t), the input of W_hr
 *     hn    (T,B,H)     GRU W_hn h_(t-1) + b_hn
 *   then one scratch block shared by the directions (kernel-private: packed weights, dG for all steps, running
 *   dh/dc), overwritten by every forward and backward call.
 * Backward reads the initial state from hs/cs; of h0 it only uses whether it was 0 (then the zero slot's rows are
 * skipped in the dW_hh GEMM), so pass it the same h0 as the forward.
 *
 * `inferLayer` is the forward for inference: it saves nothing (its scratch holds the packed weights, one step's gates
 * and two states of a tile of batch rows, overwritten by every call), runs large batches in tiles of 16 rows through
 * all T steps, and writes out, hN and cN with exactly the bits `forwardLayer` writes.
 */
import {
  checkLayer,
  type DirectionParams,
  gateCount,
  type LayerBuffers,
  type LayerGradBuffers,
  type LayerShape,
  stateSize,
} from './layer.js';
import { blockAt, f32At, roundUpToVector } from './pointer.js';
import { kernels } from './wasm.js';

export type {
  CellMode,
  DirectionParams,
  LayerBuffers,
  LayerGradBuffers,
  LayerShape,
} from './layer.js';

/** The sizes every recurrent kernel takes first. */
interface KernelDims {
  T: number;
  B: number;
  I: number;
  H: number;
  /** Projection size, 0 = none. */
  P: number;
}

/** Where one direction's saved blocks start inside its part of the workspace (floats), and the parts' sizes. */
interface WorkspacePlan {
  gates: number;
  hs: number;
  cs: number;
  tc: number;
  m: number;
  hn: number;
  /** Floats of one direction's saved block. */
  savedFloats: number;
  /** Floats of the scratch block after the D saved blocks. */
  scratchFloats: number;
}

/** Byte pointers to one direction's saved activations (see the workspace layout above; unused blocks are empty). */
interface SavedActivations {
  gates: number;
  hs: number;
  cs: number;
  tc: number;
  m: number;
  hn: number;
}

/** A direction's columns of a (T,B,D·Hout) buffer: the pointer to its first element and the row stride (floats). */
interface Columns {
  ptr: number;
  ld: number;
}

/** Everything one direction's forward kernel reads and writes. */
interface DirectionForward {
  /** Processes t = T−1..0 (direction 1). */
  reverse: boolean;
  x: number;
  params: DirectionParams;
  /** This direction's rows of h0, c0, hN, cN (0 = zeros / not wanted / not an LSTM). */
  h0: number;
  c0: number;
  out: Columns;
  hN: number;
  cN: number;
  saved: SavedActivations;
  scratch: number;
}

/** Everything one direction's inference kernel reads and writes: the forward's value without saved blocks. */
interface DirectionInference extends Omit<DirectionForward, 'saved'> {
  /** out is batch-first (B,T,·) instead of time-major. */
  outBatchFirst: boolean;
}

/** Everything one direction's backward kernel reads and writes. */
interface DirectionBackward {
  reverse: boolean;
  x: number;
  params: DirectionParams;
  /** The forward ran from a zero initial state. */
  h0Zero: boolean;
  saved: SavedActivations;
  dOut: Columns;
  dhN: number;
  dcN: number;
  dX: number;
  /** Add into dX instead of overwriting it (the second direction adds to the first's). */
  accumulateDx: boolean;
  dh0: number;
  dc0: number;
  grads: DirectionParams;
  scratch: number;
}

function kernelDims(s: LayerShape): KernelDims {
  return { T: s.T, B: s.B, I: s.inputSize, H: s.hiddenSize, P: s.projSize };
}

function workspacePlan(s: LayerShape): WorkspacePlan {
  const { T, B, inputSize: I, hiddenSize: H, projSize: P } = s;
  const Hout = stateSize(s);
  const lstm = s.mode === 'lstm';
  const gates = 0;
  const hs = gates + roundUpToVector(T * B * gateCount(s.mode) * H);
  const cs = hs + roundUpToVector((T + 1) * B * Hout);
  const tc = cs + (lstm ? roundUpToVector((T + 1) * B * H) : 0);
  const m = tc + (lstm ? roundUpToVector(T * B * H) : 0);
  const hn = m + (lstm && P > 0 ? roundUpToVector(T * B * H) : 0);
  const savedFloats = hn + (s.mode === 'gru' ? roundUpToVector(T * B * H) : 0);
  let scratch: number;
  if (lstm) scratch = kernels.lstm_scratch_floats(T, B, I, H, P);
  else if (s.mode === 'gru') scratch = kernels.gru_scratch_floats(T, B, I, H);
  else scratch = kernels.rnn_scratch_floats(T, B, I, H);
  return { gates, hs, cs, tc, m, hn, savedFloats, scratchFloats: roundUpToVector(scratch) };
}

/** Direction d's saved blocks inside the workspace at `workspace`. */
function savedActivations(workspace: number, plan: WorkspacePlan, d: number): SavedActivations {
  const block = blockAt(workspace, d, plan.savedFloats);
  return {
    gates: f32At(block, plan.gates),
    hs: f32At(block, plan.hs),
    cs: f32At(block, plan.cs),
    tc: f32At(block, plan.tc),
    m: f32At(block, plan.m),
    hn: f32At(block, plan.hn),
  };
}

/** The scratch block, after the D saved blocks. */
function scratchOf(s: LayerShape, workspace: number, plan: WorkspacePlan): number {
  return blockAt(workspace, s.directions, plan.savedFloats);
}

/** Direction d's columns of a (T,B,D·Hout) buffer. */
function columns(s: LayerShape, ptr: number, d: number): Columns {
  const Hout = stateSize(s);
  return { ptr: blockAt(ptr, d, Hout), ld: s.directions * Hout };
}

function directionForward(s: LayerShape, b: LayerBuffers, plan: WorkspacePlan, d: number): DirectionForward {
  const hRows = s.B * stateSize(s);
  const cRows = s.B * s.hiddenSize;
  return {
    reverse: d === 1,
    x: b.input,
    params: b.params[d],
    h0: blockAt(b.h0, d, hRows),
    c0: blockAt(b.c0, d, cRows),
    out: columns(s, b.out, d),
    hN: blockAt(b.hN, d, hRows),
    cN: blockAt(b.cN, d, cRows),
    saved: savedActivations(b.workspace, plan, d),
    scratch: scratchOf(s, b.workspace, plan),
  };
}

function directionInference(
  s: LayerShape,
  b: LayerBuffers,
  d: number,
  outBatchFirst: boolean,
): DirectionInference {
  const hRows = s.B * stateSize(s);
  const cRows = s.B * s.hiddenSize;
  return {
    reverse: d === 1,
    x: b.input,
    params: b.params[d],
    h0: blockAt(b.h0, d, hRows),
    c0: blockAt(b.c0, d, cRows),
    out: columns(s, b.out, d),
    hN: blockAt(b.hN, d, hRows),
    cN: blockAt(b.cN, d, cRows),
    scratch: b.workspace,
    outBatchFirst,
  };
}

function directionBackward(
  s: LayerShape,
  b: LayerBuffers,
  g: LayerGradBuffers,
  plan: WorkspacePlan,
  d: number,
): DirectionBackward {
  const hRows = s.B * stateSize(s);
  const cRows = s.B * s.hiddenSize;
  return {
    reverse: d === 1,
    x: b.input,
    params: b.params[d],
    h0Zero: b.h0 === 0,
    saved: savedActivations(b.workspace, plan, d),
    dOut: columns(s, g.dOut, d),
    dhN: blockAt(g.dhN, d, hRows),
    dcN: blockAt(g.dcN, d, cRows),
    dX: g.dX,
    accumulateDx: d > 0,
    dh0: blockAt(g.dh0, d, hRows),
    dc0: blockAt(g.dc0, d, cRows),
    grads: g.grads[d],
    scratch: scratchOf(s, b.workspace, plan),
  };
}

// One function per kernel: a direction's typed value, spread in the kernel's argument order (exports.ts).

function lstmForward(k: KernelDims, f: DirectionForward): void {
  const { params, saved } = f;
  kernels.lstm_forward(
    k.T,
    k.B,
    k.I,
    k.H,
    k.P,
    f.reverse,
    f.x,
    params.wIh,
    params.wHh,
    params.bIh,
    params.bHh,
    params.wHr,
    f.h0,
    f.c0,
    f.out.ptr,
    f.out.ld,
    f.hN,
    f.cN,
    saved.gates,
    saved.hs,
    saved.cs,
    saved.tc,
    saved.m,
    f.scratch,
  );
}

function gruForward(k: KernelDims, f: DirectionForward): void {
  const { params, saved } = f;
  kernels.gru_forward(
    k.T,
    k.B,
    k.I,
    k.H,
    f.reverse,
    f.x,
    params.wIh,
    params.wHh,
    params.bIh,
    params.bHh,
    f.h0,
    f.out.ptr,
    f.out.ld,
    f.hN,
    saved.gates,
    saved.hs,
    saved.hn,
    f.scratch,
  );
}

function rnnForward(k: KernelDims, relu: boolean, f: DirectionForward): void {
  const { params, saved } = f;
  kernels.rnn_forward(
    k.T,
    k.B,
    k.I,
    k.H,
    relu,
    f.reverse,
    f.x,
    params.wIh,
    params.wHh,
    params.bIh,
    params.bHh,
    f.h0,
    f.out.ptr,
    f.out.ld,
    f.hN,
    saved.gates,
    saved.hs,
    f.scratch,
  );
}

function lstmInfer(k: KernelDims, f: DirectionInference): void {
  const { params } = f;
  kernels.lstm_infer(
    k.T,
    k.B,
    k.I,
    k.H,
    k.P,
    f.reverse,
    f.x,
    params.wIh,
    params.wHh,
    params.bIh,
    params.bHh,
    params.wHr,
    f.h0,
    f.c0,
    f.out.ptr,
    f.out.ld,
    f.outBatchFirst,
    f.hN,
    f.cN,
    f.scratch,
  );
}

function gruInfer(k: KernelDims, f: DirectionInference): void {
  const { params } = f;
  kernels.gru_infer(
    k.T,
    k.B,
    k.I,
    k.H,
    f.reverse,
    f.x,
    params.wIh,
    params.wHh,
    params.bIh,
    params.bHh,
    f.h0,
    f.out.ptr,
    f.out.ld,
    f.outBatchFirst,
    f.hN,
    f.scratch,
  );
}

function rnnInfer(k: KernelDims, relu: boolean, f: DirectionInference): void {
  const { params } = f;
  kernels.rnn_infer(
    k.T,
    k.B,
    k.I,
    k.H,
    relu,
    f.reverse,
    f.x,
    params.wIh,
    params.wHh,
    params.bIh,
    params.bHh,
    f.h0,
    f.out.ptr,
    f.out.ld,
    f.outBatchFirst,
    f.hN,
    f.scratch,
  );
}

function lstmBackward(k: KernelDims, b: DirectionBackward): void {
  const { params, saved, grads } = b;
  kernels.lstm_backward(
    k.T,
    k.B,
    k.I,
    k.H,
    k.P,
    b.reverse,
    b.x,
    params.wIh,
    params.wHh,
    params.wHr,
    saved.gates,
    saved.hs,
    b.h0Zero,
    saved.cs,
    saved.tc,
    saved.m,
    b.dOut.ptr,
    b.dOut.ld,
    b.dhN,
    b.dcN,
    b.dX,
    b.accumulateDx,
    b.dh0,
    b.dc0,
    grads.wIh,
    grads.wHh,
    grads.bIh,
    grads.bHh,
    grads.wHr,
    b.scratch,
  );
}

function gruBackward(k: KernelDims, b: DirectionBackward): void {
  const { params, saved, grads } = b;
  kernels.gru_backward(
    k.T,
    k.B,
    k.I,
    k.H,
    b.reverse,
    b.x,
    params.wIh,
    params.wHh,
    saved.gates,
    saved.hs,
    b.h0Zero,
    saved.hn,
    b.dOut.ptr,
    b.dOut.ld,
    b.dhN,
    b.dX,
    b.accumulateDx,
    b.dh0,
    grads.wIh,
    grads.wHh,
    grads.bIh,
    grads.bHh,
    b.scratch,
  );
}

function rnnBackward(k: KernelDims, relu: boolean, b: DirectionBackward): void {
  const { params, saved, grads } = b;
  kernels.rnn_backward(
    k.T,
    k.B,
    k.I,
    k.H,
    relu,
    b.reverse,
    b.x,
    params.wIh,
    params.wHh,
    saved.hs,
    b.h0Zero,
    b.dOut.ptr,
    b.dOut.ld,
    b.dhN,
    b.dX,
    b.accumulateDx,
    b.dh0,
    grads.wIh,
    grads.wHh,
    grads.bIh,
    grads.bHh,
    b.scratch,
  );
}

/** Floats of workspace one forward needs (saved activations for backward + scratch); pass it to the backward. */
export function layerWorkspaceFloats(s: LayerShape): number {
  const plan = workspacePlan(s);
  return s.directions * plan.savedFloats + plan.scratchFloats;
}

/**
 * Forward through time: reads x, params, h0, c0; writes out, hN, cN and the workspace. The reverse direction
 * processes t = T−1..0; its output at t is its state after consuming x_t, its hN the state after t = 0.
 */
export function forwardLayer(s: LayerShape, b: LayerBuffers): void {
  checkLayer(s, b.params, 'params');
  const k = kernelDims(s);
  const plan = workspacePlan(s);
  for (let d = 0; d < s.directions; d++) {
    const f = directionForward(s, b, plan, d);
    if (s.mode === 'lstm') lstmForward(k, f);
    else if (s.mode === 'gru') gruForward(k, f);
    else rnnForward(k, s.mode === 'rnn_relu', f);
  }
}

/** Floats of scratch one `inferLayer` call needs (shared by the directions, which run one after the other). */
export function layerInferenceFloats(s: LayerShape): number {
  const { B, inputSize: I, hiddenSize: H, projSize: P } = s;
  if (s.mode === 'lstm') return kernels.lstm_infer_floats(B, I, H, P);
  if (s.mode === 'gru') return kernels.gru_infer_floats(B, I, H);
  return kernels.rnn_infer_floats(B, I, H);
}

/**
 * Forward for inference: writes out, hN, cN with the bits `forwardLayer` writes, saving nothing for a backward;
 * `b.workspace` is `layerInferenceFloats(s)` floats of scratch. With `outBatchFirst`, out is (B,T,D·Hout).
 */
export function inferLayer(s: LayerShape, b: LayerBuffers, outBatchFirst = false): void {
  checkLayer(s, b.params, 'params');
  const k = kernelDims(s);
  for (let d = 0; d < s.directions; d++) {
    const f = directionInference(s, b, d, outBatchFirst);
    if (s.mode === 'lstm') lstmInfer(k, f);
    else if (s.mode === 'gru') gruInfer(k, f);
    else rnnInfer(k, s.mode === 'rnn_relu', f);
  }
}

/**
 * Backward through time after `forwardLayer(s, b)`: writes dX, dh0, dc0 (those not 0) and adds (+=) into the
 * gradient buffers. Leaves x, params, dOut and the saved part of the workspace unchanged, so it may run more than
 * once per forward.
 */
export function backwardLayer(s: LayerShape, b: LayerBuffers, g: LayerGradBuffers): void {
  checkLayer(s, b.params, 'params');
  if (g.grads.length !== s.directions) {
    throw new Error(`rnnlab: grads has ${g.grads.length} direction(s), expected ${s.directions}`);
  }
  const k = kernelDims(s);
  const plan = workspacePlan(s);
  for (let d = 0; d < s.directions; d++) {
    const bw = directionBackward(s, b, g, plan, d);
    if (s.mode === 'lstm') lstmBackward(k, bw);
    else if (s.mode === 'gru') gruBackward(k, bw);
    else rnnBackward(k, s.mode === 'rnn_relu', bw);
  }
}

/** `forwardLayer` with the buffers as positional arguments (the form the kernel tests and bench/kernels.ts call). */
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

/** `backwardLayer` with the buffers as positional arguments (the form the kernel tests and bench/kernels.ts call). */
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
