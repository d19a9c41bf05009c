/**
 * One recurrent layer (RNN tanh/relu, LSTM with optional projection, GRU) on the WebAssembly SIMD kernels:
 * forward and backward through time, one wasm call per direction, no allocation.
 *
 * All tensors are float32 in wasm memory (byte pointers), time-major: x (T,B,I), out (T,B,D·Hout) with direction
 * d's features at columns [d·Hout, (d+1)·Hout). Equations, gate order (LSTM i,f,g,o; GRU r,z,n with b_hn inside
 * r·(...)) and parameter layouts are PyTorch's.
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
 */
import { kernels } from './wasm.js';

export type CellMode = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
/** One recurrent layer; Hout = projSize > 0 ? projSize : hiddenSize; G = 1 | 4 | 3 gates. */
export interface LayerShape {
  mode: CellMode;
  T: number;
  B: number;
  inputSize: number;
  hiddenSize: number;
  projSize: number;
  directions: 1 | 2;
  bias: boolean;
}
/** Byte pointers (wasm memory) to one direction's parameters (or their gradient buffers); 0 = absent (bias=false, or wHr when projSize=0). Layouts exactly as PyTorch: wIh (G*H, I), wHh (G*H, Hout), bIh/bHh (G*H), wHr (P, H). */
export interface DirectionParams {
  wIh: number;
  wHh: number;
  bIh: number;
  bHh: number;
  wHr: number;
}

const GATES: Record<CellMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

const al4 = (n: number): number => (n + 3) & ~3;

/** Offsets (floats) of the saved blocks inside one direction's part of the workspace. */
interface Layout {
  gates: number;
  hs: number;
  cs: number;
  tc: number;
  m: number;
  hn: number;
  /** Floats of one direction's saved block. */
  saved: number;
  scratch: number;
}

function layout(s: LayerShape): Layout {
  const { T, B, inputSize: I, hiddenSize: H, projSize: P } = s;
  const Hout = P > 0 ? P : H;
  const lstm = s.mode === 'lstm';
  const gates = 0;
  const hs = gates + al4(T * B * GATES[s.mode] * H);
  const cs = hs + al4((T + 1) * B * Hout);
  const tc = cs + (lstm ? al4((T + 1) * B * H) : 0);
  const m = tc + (lstm ? al4(T * B * H) : 0);
  const hn = m + (lstm && P > 0 ? al4(T * B * H) : 0);
  const saved = hn + (s.mode === 'gru' ? al4(T * B * H) : 0);
  let scratch: number;
  if (lstm) scratch = kernels.lstm_scratch_floats(T, B, I, H, P);
  else if (s.mode === 'gru') scratch = kernels.gru_scratch_floats(T, B, I, H);
  else scratch = kernels.rnn_scratch_floats(T, B, I, H);
  return { gates, hs, cs, tc, m, hn, saved, scratch: al4(scratch) };
}

function check(s: LayerShape, params: DirectionParams[], what: string): void {
  if (!(s.T >= 1 && s.B >= 1 && s.inputSize >= 1 && s.hiddenSize >= 1 && s.projSize >= 0)) {
    throw new Error(`rnnlab: invalid layer shape ${JSON.stringify(s)}`);
  }
  if (s.projSize > 0 && s.mode !== 'lstm')
    throw new Error(`rnnlab: projSize > 0 needs mode 'lstm', got '${s.mode}'`);
  if (params.length !== s.directions) {
    throw new Error(`rnnlab: ${what} has ${params.length} direction(s), expected ${s.directions}`);
  }
  for (const p of params) {
    if (p.wIh === 0 || p.wHh === 0) throw new Error(`rnnlab: ${what} is missing wIh or wHh`);
    if (s.bias && (p.bIh === 0 || p.bHh === 0))
      throw new Error(`rnnlab: ${what} is missing biases (bias=true)`);
    if (s.projSize > 0 && p.wHr === 0)
      throw new Error(`rnnlab: ${what} is missing wHr (projSize=${s.projSize})`);
  }
}

/** Floats of workspace one forward needs (saved activations for backward + scratch); the caller allocs it and passes it to the matching backward. */
export function layerWorkspaceFloats(s: LayerShape): number {
  const l = layout(s);
  return s.directions * l.saved + l.scratch;
}

/** x (T,B,I) time-major; h0 (D,B,Hout) or 0 = zeros; c0 (D,B,H) or 0 (LSTM only); writes out (T,B,D*Hout) (direction d's features at [d*Hout,(d+1)*Hout)), hN (D,B,Hout), cN (D,B,H) (LSTM; 0 otherwise). Reverse direction: processes t = T-1..0; its output at t is its state after consuming x_t; its hN is its state after t=0. */
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
  check(s, params, 'params');
  const { T, B, inputSize: I, hiddenSize: H, projSize: P, directions: D } = s;
  const Hout = P > 0 ? P : H;
  const l = layout(s);
  const scratch = ws + 4 * D * l.saved;
  for (let d = 0; d < D; d++) {
    const p = params[d];
    const w = ws + 4 * d * l.saved;
    const rev = d === 1;
    const o = out + 4 * d * Hout;
    const ldo = D * Hout;
    const h0d = h0 === 0 ? 0 : h0 + 4 * d * B * Hout;
    const hNd = hN === 0 ? 0 : hN + 4 * d * B * Hout;
    if (s.mode === 'lstm') {
      const c0d = c0 === 0 ? 0 : c0 + 4 * d * B * H;
      const cNd = cN === 0 ? 0 : cN + 4 * d * B * H;
      kernels.lstm_forward(
        T,
        B,
        I,
        H,
        P,
        rev,
        x,
        p.wIh,
        p.wHh,
        p.bIh,
        p.bHh,
        p.wHr,
        h0d,
        c0d,
        o,
        ldo,
        hNd,
        cNd,
        w + 4 * l.gates,
        w + 4 * l.hs,
        w + 4 * l.cs,
        w + 4 * l.tc,
        w + 4 * l.m,
        scratch,
      );
    } else if (s.mode === 'gru') {
      kernels.gru_forward(
        T,
        B,
        I,
        H,
        rev,
        x,
        p.wIh,
        p.wHh,
        p.bIh,
        p.bHh,
        h0d,
        o,
        ldo,
        hNd,
        w + 4 * l.gates,
        w + 4 * l.hs,
        w + 4 * l.hn,
        scratch,
      );
    } else {
      kernels.rnn_forward(
        T,
        B,
        I,
        H,
        s.mode === 'rnn_relu',
        rev,
        x,
        p.wIh,
        p.wHh,
        p.bIh,
        p.bHh,
        h0d,
        o,
        ldo,
        hNd,
        w + 4 * l.gates,
        w + 4 * l.hs,
        scratch,
      );
    }
  }
}

/** Given dOut (T,B,D*Hout), dhN (D,B,Hout) or 0, dcN (D,B,H) or 0: WRITES dX (T,B,I) (0 = not needed), dh0 (D,B,Hout) (0 = not needed), dc0 (0 = not needed); ACCUMULATES (+=) into the gradient buffers in grads[d]. Must not modify x, params, dOut, or (except scratch parts) ws, so backward may be called once per forward. */
export function layerBackward(
  s: LayerShape,
  x: number,
  params: DirectionParams[],
  h0: number,
  _c0: number,
  ws: number,
  dOut: number,
  dhN: number,
  dcN: number,
  dX: number,
  dh0: number,
  dc0: number,
  grads: DirectionParams[],
): void {
  check(s, params, 'params');
  if (grads.length !== s.directions) {
    throw new Error(`rnnlab: grads has ${grads.length} direction(s), expected ${s.directions}`);
  }
  const { T, B, inputSize: I, hiddenSize: H, projSize: P, directions: D } = s;
  const Hout = P > 0 ? P : H;
  const l = layout(s);
  const scratch = ws + 4 * D * l.saved;
  for (let d = 0; d < D; d++) {
    const p = params[d];
    const g = grads[d];
    const w = ws + 4 * d * l.saved;
    const rev = d === 1;
    const dO = dOut + 4 * d * Hout;
    const ldo = D * Hout;
    const accDx = d > 0;
    const dhNd = dhN === 0 ? 0 : dhN + 4 * d * B * Hout;
    const dh0d = dh0 === 0 ? 0 : dh0 + 4 * d * B * Hout;
    if (s.mode === 'lstm') {
      const dcNd = dcN === 0 ? 0 : dcN + 4 * d * B * H;
      const dc0d = dc0 === 0 ? 0 : dc0 + 4 * d * B * H;
      kernels.lstm_backward(
        T,
        B,
        I,
        H,
        P,
        rev,
        x,
        p.wIh,
        p.wHh,
        p.wHr,
        w + 4 * l.gates,
        w + 4 * l.hs,
        h0 === 0,
        w + 4 * l.cs,
        w + 4 * l.tc,
        w + 4 * l.m,
        dO,
        ldo,
        dhNd,
        dcNd,
        dX,
        accDx,
        dh0d,
        dc0d,
        g.wIh,
        g.wHh,
        g.bIh,
        g.bHh,
        g.wHr,
        scratch,
      );
    } else if (s.mode === 'gru') {
      kernels.gru_backward(
        T,
        B,
        I,
        H,
        rev,
        x,
        p.wIh,
        p.wHh,
        w + 4 * l.gates,
        w + 4 * l.hs,
        h0 === 0,
        w + 4 * l.hn,
        dO,
        ldo,
        dhNd,
        dX,
        accDx,
        dh0d,
        g.wIh,
        g.wHh,
        g.bIh,
        g.bHh,
        scratch,
      );
    } else {
      kernels.rnn_backward(
        T,
        B,
        I,
        H,
        s.mode === 'rnn_relu',
        rev,
        x,
        p.wIh,
        p.wHh,
        w + 4 * l.hs,
        h0 === 0,
        dO,
        ldo,
        dhNd,
        dX,
        accDx,
        dh0d,
        g.wIh,
        g.wHh,
        g.bIh,
        g.bHh,
        scratch,
      );
    }
  }
}
