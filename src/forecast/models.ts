/**
 * The tutorial's four models as presets: a recurrent stack (batch-first) followed by a Linear applied at
 * every time step. The submodules carry the tutorial's attribute names — `rnn` (DRNN, BRNN), `lstm`, `gru`,
 * and `linear` — so state-dict names (`lstm.weight_ih_l0`, …, `linear.bias`) match the tutorial's classes
 * and checkpoints load into them.
 *
 *   x (B, T, F) → rnn → (B, T, D·H) → linear → (B, T, out)
 */
import { GRU, Linear, LSTM, Module, RNN } from '../nn/index.js';
import type { Tensor } from '../tensor/tensor.js';

export const MODEL_KINDS = ['drnn', 'brnn', 'lstm', 'gru'] as const;
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

/** Fills every default of a ModelConfig (the tutorial's: hidden 64, 2 layers, tanh, no dropout). */
export function resolveModelConfig(c: ModelConfig): Required<ModelConfig> {
  if (!MODEL_KINDS.includes(c.kind)) {
    throw new Error(`unknown model '${c.kind}': choose one of ${MODEL_KINDS.join(', ')}`);
  }
  return {
    kind: c.kind,
    inputSize: c.inputSize ?? 1,
    outputSize: c.outputSize ?? 1,
    hiddenSize: c.hiddenSize ?? 64,
    numLayers: c.numLayers ?? 2,
    nonlinearity: c.nonlinearity ?? 'tanh',
    dropout: c.dropout ?? 0,
  };
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

  /** x (B, T, F) → predictions at every step (B, T, out); zero initial state. */
  forward(x: Tensor): Tensor {
    const out = this.rnn instanceof LSTM ? this.rnn.forward(x)[0] : this.rnn.forward(x)[0];
    return this.linear.forward(out);
  }
}
