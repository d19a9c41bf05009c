/**
 * The tutorial's four models as presets: a recurrent stack (batch-first) followed by a Linear applied at
 * every time step. The submodules carry the tutorial's attribute names — `rnn` (DRNN, BRNN), `lstm`, `gru`,
 * and `linear` — so state-dict names (`lstm.weight_ih_l0`, …, `linear.bias`) match the tutorial's classes
 * and checkpoints load into them.
 *
 *   x (B, T, F) → rnn → (B, T, D·H) → linear → (B, T, out)
 */
import { blockBytes, formatBytes, WASM_MEMORY_LIMIT_BYTES } from '../kernels/memory.js';
import { GRU, Linear, LSTM, Module, RNN } from '../nn/index.js';
import { tensor } from '../tensor/creation.js';
import { isGradEnabled } from '../tensor/grad_mode.js';
import { numel } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { printable } from '../util/printable.js';

export const MODEL_KINDS = ['drnn', 'brnn', 'lstm', 'gru'] as const;

/** Rows per chunk of a forward without autograd (SequenceRegressor.forward): 64 rows of a tutorial model's
 * activations (T 16, hidden 64) are 256 KiB per layer. */
export const NO_GRAD_CHUNK_ROWS = 64;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODEL_LABELS: Record<ModelKind, string> = {
  drnn: 'Deep RNN',
  brnn: 'Bidirectional RNN',
  lstm: 'LSTM',
  gru: 'GRU',
};

export interface ModelConfig {
  kind: ModelKind;
  /** Input features per time step (default 1: the Close price). */
  inputSize?: number;
  /** Outputs per time step (default 1). */
  outputSize?: number;
  hiddenSize?: number;
  numLayers?: number;
  /** RNN nonlinearity for drnn/brnn (default tanh; the tutorial suggests relu for raw prices). */
  nonlinearity?: 'tanh' | 'relu';
  dropout?: number;
}

/** Bounds on a model config, far above any useful value; they keep a crafted config from tying up the machine. */
export const MODEL_LIMITS = {
  /** inputSize, outputSize, hiddenSize. */
  maxSize: 65536,
  numLayers: 100,
} as const;

/** A model config that is ill-typed, out of bounds or too large; `field` names the offending field. */
export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
  constructor(
    readonly field: keyof ModelConfig | 'parameters',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks every field of a ModelConfig (types, enumerations, bounds) and fills the defaults (the tutorial's:
 * hidden 64, 2 layers, tanh, no dropout); throws a ModelConfigError naming the field. Also rejects configs
 * whose parameters alone exceed the 4 GiB WebAssembly memory, so nothing is allocated for an impossible model.
 */
export function resolveModelConfig(c: ModelConfig): Required<ModelConfig> {
  if (typeof c !== 'object' || c === null) {
    throw new ModelConfigError('kind', `a model config must be an object such as { kind: 'lstm' }, got ${c}`);
  }
  if (!MODEL_KINDS.includes(c.kind)) {
    throw new ModelConfigError(
      'kind',
      `unknown model ${describeField(c.kind)}: choose one of ${MODEL_KINDS.join(', ')}`,
    );
  }
  const size = (field: 'inputSize' | 'outputSize' | 'hiddenSize' | 'numLayers', fallback: number): number => {
    const v = (c as unknown as Record<string, unknown>)[field] ?? fallback;
    const max = field === 'numLayers' ? MODEL_LIMITS.numLayers : MODEL_LIMITS.maxSize;
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max) {
      throw new ModelConfigError(
        field,
        `${field} must be an integer in [1, ${max}], got ${describeField(v)}`,
      );
    }
    return v as number;
  };
  const resolved: Required<ModelConfig> = {
    kind: c.kind,
    inputSize: size('inputSize', 1),
    outputSize: size('outputSize', 1),
    hiddenSize: size('hiddenSize', 64),
    numLayers: size('numLayers', 2),
    nonlinearity: c.nonlinearity ?? 'tanh',
    dropout: c.dropout ?? 0,
  };
  if (resolved.nonlinearity !== 'tanh' && resolved.nonlinearity !== 'relu') {
    throw new ModelConfigError(
      'nonlinearity',
      `nonlinearity must be 'tanh' or 'relu', got ${describeField(c.nonlinearity)}`,
    );
  }
  if (typeof resolved.dropout !== 'number' || !(resolved.dropout >= 0 && resolved.dropout < 1)) {
    throw new ModelConfigError(
      'dropout',
      `dropout must be a number in [0, 1), got ${describeField(c.dropout)}`,
    );
  }
  const bytes = modelParameterShapes(resolved).reduce((sum, [, shape]) => sum + blockBytes(numel(shape)), 0);
  if (bytes > WASM_MEMORY_LIMIT_BYTES) {
    throw new ModelConfigError(
      'parameters',
      `${resolved.kind.toUpperCase()}(input ${resolved.inputSize}, hidden ${resolved.hiddenSize}, layers ` +
        `${resolved.numLayers}) needs ${formatBytes(bytes)} for its parameters alone, more than the ` +
        `${formatBytes(WASM_MEMORY_LIMIT_BYTES)} of WebAssembly memory; use a smaller hiddenSize or numLayers`,
    );
  }
  return resolved;
}

/**
 * The parameter names and shapes of the model `c` describes, in `namedParameters()` order, computed without
 * building it (G gates: 1 RNN, 4 LSTM, 3 GRU; D = 2 for brnn):
 *   <rnn>.weight_ih_l{k}[_reverse] (G·H, k = 0 ? I : D·H), <rnn>.weight_hh_l{k} (G·H, H), <rnn>.bias_ih_l{k},
 *   <rnn>.bias_hh_l{k} (G·H);  linear.weight (out, D·H), linear.bias (out).
 */
export function modelParameterShapes(c: Required<ModelConfig>): Array<[string, number[]]> {
  const G = c.kind === 'lstm' ? 4 : c.kind === 'gru' ? 3 : 1;
  const D = c.kind === 'brnn' ? 2 : 1;
  const H = c.hiddenSize;
  const prefix = c.kind === 'lstm' ? 'lstm' : c.kind === 'gru' ? 'gru' : 'rnn';
  const out: Array<[string, number[]]> = [];
  for (let l = 0; l < c.numLayers; l++) {
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
      out.push(
        [`${prefix}.weight_ih${sfx}`, [G * H, l === 0 ? c.inputSize : D * H]],
        [`${prefix}.weight_hh${sfx}`, [G * H, H]],
        [`${prefix}.bias_ih${sfx}`, [G * H]],
        [`${prefix}.bias_hh${sfx}`, [G * H]],
      );
    }
  }
  out.push(['linear.weight', [c.outputSize, D * H]], ['linear.bias', [c.outputSize]]);
  return out;
}

/** A config value for a message: JSON, control characters escaped, at most 60 characters. */
function describeField(v: unknown): string {
  return v === undefined ? 'nothing' : printable(JSON.stringify(v) ?? String(v), 60);
}

export class SequenceRegressor extends Module {
  readonly config: Required<ModelConfig>;
  readonly rnn: RNN | LSTM | GRU;
  /** The recurrent submodule's attribute name in the tutorial: 'rnn', 'lstm' or 'gru'. */
  readonly rnnName: 'rnn' | 'lstm' | 'gru';
  readonly linear: Linear;

  constructor(config: ModelConfig) {
    super();
    const c = resolveModelConfig(config);
    this.config = c;
    const base = {
      inputSize: c.inputSize,
      hiddenSize: c.hiddenSize,
      numLayers: c.numLayers,
      batchFirst: true,
      dropout: c.dropout,
    };
    const rnn =
      c.kind === 'lstm'
        ? new LSTM(base)
        : c.kind === 'gru'
          ? new GRU(base)
          : new RNN({ ...base, nonlinearity: c.nonlinearity, bidirectional: c.kind === 'brnn' });
    this.rnnName = c.kind === 'lstm' ? 'lstm' : c.kind === 'gru' ? 'gru' : 'rnn';
    this.rnn = this.registerModule(this.rnnName, rnn);
    const D = c.kind === 'brnn' ? 2 : 1;
    this.linear = this.registerModule('linear', new Linear(D * c.hiddenSize, c.outputSize));
  }

  get bidirectional(): boolean {
    return this.config.kind === 'brnn';
  }

  /**
   * x (B, T, F) → predictions at every step (B, T, out); zero initial state. Without autograd (`noGrad`) a batch
   * of more than NO_GRAD_CHUNK_ROWS rows runs in chunks of that many rows, so the activations of a chunk stay in
   * cache and no buffer grows with B: one batch of any size costs per row what batches of 16 do. Every row gets
   * the same bits in any batch (the kernels' guarantee), so chunking changes no result.
   */
  forward(x: Tensor): Tensor {
    const B = x.shape[0];
    if (isGradEnabled() || x.ndim !== 3 || B <= NO_GRAD_CHUNK_ROWS) return this.forwardRows(x);
    const [, T, F] = x.shape;
    const O = this.config.outputSize;
    const xs = x.data;
    const out = new Float32Array(B * T * O);
    for (let b0 = 0; b0 < B; b0 += NO_GRAD_CHUNK_ROWS) {
      const n = Math.min(NO_GRAD_CHUNK_ROWS, B - b0);
      const y = this.forwardRows(tensor(xs.subarray(b0 * T * F, (b0 + n) * T * F), [n, T, F]));
      out.set(y.data, b0 * T * O);
    }
    return tensor(out, [B, T, O]);
  }

  private forwardRows(x: Tensor): Tensor {
    const out = this.rnn instanceof LSTM ? this.rnn.forward(x)[0] : this.rnn.forward(x)[0];
    return this.linear.forward(out);
  }
}
