/**
 * One recurrent layer as both kernel paths see it — the WebAssembly kernels (recurrent.ts) and the TypeScript
 * reference (reference/recurrent.ts): its shape, its parameters, and the buffers one forward and one backward call
 * read and write. Everything is float32 in WebAssembly memory, addressed by byte pointers (0 = absent where noted),
 * time-major, in PyTorch's layouts and gate order (LSTM i,f,g,o; GRU r,z,n).
 *
 * Legend: T time, B batch, I input, H hidden, P projection (0 = none), Hout = P || H, G gates, D directions.
 */

/** The cell: Elman RNN with tanh or relu, LSTM (optionally projected), GRU. */
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

/**
 * Byte pointers to one direction's parameters (or to their gradient buffers); 0 = absent (biases when
 * bias=false, wHr when projSize=0). PyTorch layouts: wIh (G·H, I), wHh (G·H, Hout), bIh/bHh (G·H), wHr (P, H).
 */
export interface DirectionParams {
  wIh: number;
  wHh: number;
  bIh: number;
  bHh: number;
  wHr: number;
}

/** The buffers of one layer's forward call. The backward call reads them again, unchanged. */
export interface LayerBuffers {
  /** x (T,B,I). */
  input: number;
  /** One entry per direction: [forward] or [forward, reverse]. */
  params: DirectionParams[];
  /** Initial states h0 (D,B,Hout) and c0 (D,B,H) (LSTM only), or 0 = zeros. */
  h0: number;
  c0: number;
  /** Written: out (T,B,D·Hout), direction d's features at columns [d·Hout, (d+1)·Hout). */
  out: number;
  /** Written: final states hN (D,B,Hout) and cN (D,B,H) (LSTM; 0 otherwise). */
  hN: number;
  cN: number;
  /**
   * `layerWorkspaceFloats(shape)` floats: what forward saves for backward, then scratch. For an inference call
   * (`inferLayer`, which saves nothing) `layerInferenceFloats(shape)` floats of scratch instead.
   */
  workspace: number;
}

/** The buffers of one layer's backward call, besides the forward's `LayerBuffers`. */
export interface LayerGradBuffers {
  /** dL/d(out) (T,B,D·Hout). */
  dOut: number;
  /** dL/d(hN) (D,B,Hout) and dL/d(cN) (D,B,H), or 0 = zeros. */
  dhN: number;
  dcN: number;
  /** Written unless 0: dL/dx (T,B,I), dL/d(h0) (D,B,Hout), dL/d(c0) (D,B,H). */
  dX: number;
  dh0: number;
  dc0: number;
  /** Accumulated into (+=): each direction's parameter gradients, laid out as `params`. */
  grads: DirectionParams[];
}

/** Gates per cell: W_ih and W_hh have G·H rows. */
export function gateCount(mode: CellMode): 1 | 3 | 4 {
  return mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
}

/** Hout, the size of h: projSize when the LSTM projects, else hiddenSize. */
export function stateSize(s: LayerShape): number {
  return s.projSize > 0 ? s.projSize : s.hiddenSize;
}

/** Throws unless `s` is a valid layer and `params` has one complete entry per direction (`what` names it). */
export function checkLayer(s: LayerShape, params: DirectionParams[], what: string): void {
  if (!(s.T >= 1 && s.B >= 1 && s.inputSize >= 1 && s.hiddenSize >= 1 && s.projSize >= 0)) {
    throw new Error(
      `rnnlab: invalid layer shape ${JSON.stringify(s)}: T, B, inputSize, hiddenSize must be >= 1, projSize >= 0`,
    );
  }
  if (s.projSize > 0 && s.mode !== 'lstm')
    throw new Error(`rnnlab: projSize > 0 needs mode 'lstm', got '${s.mode}'; set projSize to 0`);
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
