/**
 * Inside a trained model, for one window: every gate's activation and the hidden (and LSTM cell) state at each
 * of the T steps, and which input days the forecast depends on.
 *
 * The states are rebuilt from the run's weights with PyTorch's cell equations in plain float64 TypeScript (the
 * engine runs the whole stack as one fused op and keeps its gates inside); the test holds them to the engine's
 * own forward. The dependence is the engine's autograd: ∂ŷ/∂x, ŷ the output at the last position (the forecast).
 *
 *   x (T, F) scaled → gates (T, H) each, hidden (T, H), cell (T, H) (LSTM);  ∂ŷ_T/∂x (T, F)
 */

import { enableGrad, tensor } from 'rnnlab';
import type { ModelKind, ModelResult, SequenceRegressor } from 'rnnlab/forecast';
import { trainedModel } from './trained_model.js';

/** What `traceCells` and `inputGradient` need of a run: its config and its weights by state-dict name. */
export type RunWeights = Pick<ModelResult, 'config' | 'state'>;

export interface CellGate {
  /** PyTorch's letter: i, f, g, o (LSTM); r, z, n (GRU). */
  name: string;
  label: string;
  /** The gate's activation: sigmoid gates lie in (0, 1), tanh ones in (−1, 1). */
  activation: 'sigmoid' | 'tanh';
  /** (T, H) row-major, after the activation. */
  values: Float32Array;
}

export interface CellTrace {
  kind: ModelKind;
  T: number;
  H: number;
  /** Layer shown, 0-based (default: the last). */
  layer: number;
  /** LSTM: input, forget, cell candidate, output (PyTorch order i, f, g, o); GRU: reset, update, new (r, z, n); RNN: none. */
  gates: CellGate[];
  /** (T, H) */
  hidden: Float32Array;
  /** LSTM cell state (T, H). */
  cell?: Float32Array;
  /** For a bidirectional model: the forward direction only, said here. */
  note?: string;
}

const GATES: Record<'lstm' | 'gru', ReadonlyArray<Omit<CellGate, 'values'>>> = {
  lstm: [
    { name: 'i', label: 'input gate i', activation: 'sigmoid' },
    { name: 'f', label: 'forget gate f', activation: 'sigmoid' },
    { name: 'g', label: 'cell candidate g', activation: 'tanh' },
    { name: 'o', label: 'output gate o', activation: 'sigmoid' },
  ],
  gru: [
    { name: 'r', label: 'reset gate r', activation: 'sigmoid' },
    { name: 'z', label: 'update gate z', activation: 'sigmoid' },
    { name: 'n', label: 'new gate n', activation: 'tanh' },
  ],
};

/** One direction of one layer: W_ih (G·H, I), W_hh (G·H, H), b_ih, b_hh (G·H). */
interface CellWeights {
  wIh: Float32Array;
  wHh: Float32Array;
  bIh: Float32Array;
  bHh: Float32Array;
  I: number;
  H: number;
}

/** A cell's carry after one step and its gate activations (G·H, PyTorch's chunk order). */
interface StepOut {
  h: Float64Array;
  c: Float64Array | null;
  gates: Float64Array;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** W v + b for W (rows, cols) row-major. */
function affine(
  w: Float32Array,
  b: Float32Array,
  v: ArrayLike<number>,
  rows: number,
  cols: number,
): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b[r];
    for (let k = 0; k < cols; k++) s += w[r * cols + k] * v[k];
    out[r] = s;
  }
  return out;
}

/** h' = act(W_ih x + b_ih + W_hh h + b_hh). */
function rnnStep(p: CellWeights, x: ArrayLike<number>, h: Float64Array, relu: boolean): StepOut {
  const a = affine(p.wIh, p.bIh, x, p.H, p.I);
  const b = affine(p.wHh, p.bHh, h, p.H, p.H);
  const next = a.map((v, j) => (relu ? Math.max(0, v + b[j]) : Math.tanh(v + b[j])));
  return { h: next, c: null, gates: new Float64Array(0) };
}

/** [i|f|g|o] = W_ih x + b_ih + W_hh h + b_hh; i,f,o = σ, g = tanh; c' = f∘c + i∘g; h' = o∘tanh(c'). */
function lstmStep(p: CellWeights, x: ArrayLike<number>, h: Float64Array, c: Float64Array): StepOut {
  const H = p.H;
  const a = affine(p.wIh, p.bIh, x, 4 * H, p.I);
  const b = affine(p.wHh, p.bHh, h, 4 * H, H);
  const gates = a.map((v, k) => (k >= 2 * H && k < 3 * H ? Math.tanh(v + b[k]) : sigmoid(v + b[k])));
  const cNext = new Float64Array(H);
  const hNext = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    cNext[j] = gates[H + j] * c[j] + gates[j] * gates[2 * H + j];
    hNext[j] = gates[3 * H + j] * Math.tanh(cNext[j]);
  }
  return { h: hNext, c: cNext, gates };
}

/** r, z = σ(W_i· x + b_i· + W_h· h + b_h·); n = tanh(W_in x + b_in + r∘(W_hn h + b_hn)); h' = (1−z)∘n + z∘h. */
function gruStep(p: CellWeights, x: ArrayLike<number>, h: Float64Array): StepOut {
  const H = p.H;
  const a = affine(p.wIh, p.bIh, x, 3 * H, p.I);
  const b = affine(p.wHh, p.bHh, h, 3 * H, H);
  const gates = new Float64Array(3 * H);
  const hNext = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const r = sigmoid(a[j] + b[j]);
    const z = sigmoid(a[H + j] + b[H + j]);
    const n = Math.tanh(a[2 * H + j] + r * b[2 * H + j]);
    gates[j] = r;
    gates[H + j] = z;
    gates[2 * H + j] = n;
    hNext[j] = (1 - z) * n + z * h[j];
  }
  return { h: hNext, c: null, gates };
}

/** One direction of one layer over the window, from zero states; results at each step's own position t. */
interface DirectionTrace {
  hidden: Float64Array; // (T, H)
  cell: Float64Array | null; // (T, H)
  gates: Float64Array; // (T, G·H)
}

function scanDirection(
  kind: ModelKind,
  relu: boolean,
  p: CellWeights,
  xs: Float64Array,
  T: number,
  reverse: boolean,
): DirectionTrace {
  const { H, I } = p;
  const G = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 0;
  const out: DirectionTrace = {
    hidden: new Float64Array(T * H),
    cell: kind === 'lstm' ? new Float64Array(T * H) : null,
    gates: new Float64Array(T * G * H),
  };
  let h: Float64Array = new Float64Array(H);
  let c: Float64Array = new Float64Array(H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const x = xs.subarray(t * I, (t + 1) * I);
    const r =
      kind === 'lstm' ? lstmStep(p, x, h, c) : kind === 'gru' ? gruStep(p, x, h) : rnnStep(p, x, h, relu);
    h = r.h;
    out.hidden.set(h, t * H);
    if (r.c !== null) {
      c = r.c;
      out.cell?.set(c, t * H);
    }
    out.gates.set(r.gates, t * G * H);
  }
  return out;
}

/** The weights of layer l, direction d (1 = reverse), checked against the shapes the config implies. */
function cellWeights(run: RunWeights, l: number, d: number): CellWeights {
  const c = run.config;
  const G = c.kind === 'lstm' ? 4 : c.kind === 'gru' ? 3 : 1;
  const D = c.kind === 'brnn' ? 2 : 1;
  const H = c.hiddenSize;
  const I = l === 0 ? c.inputSize : D * H;
  const prefix = c.kind === 'lstm' ? 'lstm' : c.kind === 'gru' ? 'gru' : 'rnn';
  const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
  const get = (name: string, shape: number[]): Float32Array => {
    const v = run.state[`${prefix}.${name}${sfx}`];
    const want = `[${shape.join(', ')}]`;
    if (v === undefined)
      throw new Error(`the run's weights have no ${prefix}.${name}${sfx} (expected ${want})`);
    const got = `[${v.shape.join(', ')}]`;
    if (got !== want || v.data.length !== G * H * (shape[1] ?? 1))
      throw new Error(
        `the run's ${prefix}.${name}${sfx} has shape ${got} (${v.data.length} values), expected ${want}`,
      );
    return v.data;
  };
  return {
    wIh: get('weight_ih', [G * H, I]),
    wHh: get('weight_hh', [G * H, H]),
    bIh: get('bias_ih', [G * H]),
    bHh: get('bias_hh', [G * H]),
    I,
    H,
  };
}

/** T of a window x (T, F); throws unless x holds whole steps of `F` features. */
function windowSteps(where: string, x: ArrayLike<number>, F: number): number {
  const T = x.length / F;
  if (!Number.isInteger(T) || T < 1)
    throw new Error(
      `${where}: x must hold one window (T, F) with F = inputSize = ${F}, got ${x.length} values`,
    );
  return T;
}

/**
 * Gate activations and states of `layer` (default the last) for one window x (T, F), scaled as `windowInputs`
 * gives it, from zero initial states as the model runs in evaluation (no dropout). A layer's input is the
 * hidden state of the layer below (both directions of it for the bidirectional model).
 */
export function traceCells(run: RunWeights, x: ArrayLike<number>, layer?: number): CellTrace {
  const c = run.config;
  const L = c.numLayers;
  const shown = layer ?? L - 1;
  if (!Number.isInteger(shown) || shown < 0 || shown >= L)
    throw new RangeError(`traceCells: layer must be an integer in [0, ${L - 1}], got ${layer}`);
  const T = windowSteps('traceCells', x, c.inputSize);
  const H = c.hiddenSize;
  const D = c.kind === 'brnn' ? 2 : 1;
  const relu = c.nonlinearity === 'relu';
  let xs = Float64Array.from(x);
  let forward: DirectionTrace | null = null;
  for (let l = 0; l <= shown; l++) {
    const dirs = Array.from({ length: l < shown ? D : 1 }, (_, d) =>
      scanDirection(c.kind, relu, cellWeights(run, l, d), xs, T, d === 1),
    );
    forward = dirs[0];
    if (l < shown) {
      xs = new Float64Array(T * D * H);
      for (let t = 0; t < T; t++)
        for (let d = 0; d < D; d++) xs.set(dirs[d].hidden.subarray(t * H, (t + 1) * H), (t * D + d) * H);
    }
  }
  const f = forward as DirectionTrace;
  const specs = c.kind === 'lstm' || c.kind === 'gru' ? GATES[c.kind] : [];
  const G = specs.length;
  const gates = specs.map((spec, g) => {
    const values = new Float32Array(T * H);
    for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) values[t * H + j] = f.gates[(t * G + g) * H + j];
    return { ...spec, values };
  });
  return {
    kind: c.kind,
    T,
    H,
    layer: shown,
    gates,
    hidden: Float32Array.from(f.hidden),
    ...(f.cell ? { cell: Float32Array.from(f.cell) } : {}),
    ...(D === 2
      ? {
          note:
            'Forward direction only (day 1 to day T); the reverse direction, which reads the window from its last day ' +
            'back, is not shown' +
            (shown > 0 ? ', though this layer reads both directions of the layer below.' : '.'),
        }
      : {}),
  };
}

/**
 * The run's model, rebuilt from its weights, in evaluation mode, with its parameters frozen (requiresGrad off) so
 * `inputGradientOf` differentiates with respect to the input only. Building draws the initial weights (then
 * overwritten) from the default generator, as every `SequenceRegressor` does; keep one per run.
 */
export function regressorOf(run: RunWeights): SequenceRegressor {
  const model = trainedModel(run);
  model.eval();
  for (const p of model.parameters()) p.requiresGrad = false;
  return model;
}

/** ∂ŷ/∂x for one window x (T, F), ŷ the model's (first) output at the last position; and ŷ itself, scaled. */
export function inputGradientOf(
  model: SequenceRegressor,
  x: ArrayLike<number>,
): { grad: Float32Array; output: number } {
  const F = model.config.inputSize;
  const T = windowSteps('inputGradient', x, F);
  return enableGrad(() => {
    const xt = tensor(Float32Array.from(x), [1, T, F], { requiresGrad: true });
    const y = model
      .forward(xt)
      .select(1, T - 1)
      .select(1, 0)
      .sum();
    y.backward();
    if (xt.grad === null) throw new Error('inputGradient: the backward pass left no gradient on the input');
    return { grad: Float32Array.from(xt.grad.data), output: y.item() };
  });
}

/** d(forecast at the last position, scaled)/d(input) for one window: (T, F); also the output value. Builds the model each call. */
export function inputGradient(run: RunWeights, x: ArrayLike<number>): { grad: Float32Array; output: number } {
  return inputGradientOf(regressorOf(run), x);
}

/** 't' for the window's last step, 't−k' for k steps before it. */
export function stepLabel(t: number, T: number): string {
  const k = T - 1 - t;
  return k === 0 ? 't' : `t−${k}`;
}

/**
 * One sentence on which steps of the window weigh most in the forecast: the (at most) three steps with the
 * largest Σ_f |∂ŷ/∂x_t,f|, each with its share of the total, and (one feature) which way a higher value on the
 * first moves ŷ. `dates` (T) names the steps by day; without it they are t−k.
 */
export function describeInputGradient(
  grad: ArrayLike<number>,
  T: number,
  F: number,
  dates?: readonly string[],
): string {
  const weight = Array.from({ length: T }, (_, t) => {
    let s = 0;
    for (let f = 0; f < F; f++) s += Math.abs(grad[t * F + f]);
    return s;
  });
  const total = weight.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(total))
    return 'The gradient is not finite (the weights or the window are not), so it says nothing here.';
  if (total === 0)
    return 'The gradient is zero on every day: no small change of this window moves the forecast.';
  const top = [...weight.keys()].sort((a, b) => weight[b] - weight[a] || b - a).slice(0, Math.min(3, T));
  const day = (t: number) => (dates ? dates[t] : stepLabel(t, T));
  const parts = top.map(
    (t, k) =>
      `${day(t)} (${dates ? `${stepLabel(t, T)}, ` : ''}${Math.round((100 * weight[t]) / total)}%` +
      `${k === 0 ? ' of the total |∂forecast/∂input|' : ''})`,
  );
  const list =
    parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  if (F !== 1) return `The forecast leans most on ${list}.`;
  const g = grad[top[0]];
  const effect = g > 0 ? 'raises' : g < 0 ? 'lowers' : 'does not move';
  return `The forecast leans most on ${list}; a slightly higher input on ${day(top[0])} ${effect} it.`;
}
