/**
 * Recurrent layers with PyTorch's options, parameter names, shapes, gate order and initialisation.
 *
 * Shapes (D = 2 if bidirectional else 1, L = numLayers, Hout = projSize || hiddenSize):
 *   input  (T, B, I), or (B, T, I) with batchFirst, or unbatched (T, I)
 *   h0, hN (D·L, B, Hout) — never batch-first;   c0, cN (D·L, B, H) for LSTM
 *   output (T, B, D·Hout), or (B, T, D·Hout) with batchFirst
 * Parameters per layer k and direction (suffix `_reverse`): weight_ih_l{k} (G·H, I or D·Hout),
 * weight_hh_l{k} (G·H, Hout), bias_ih_l{k}, bias_hh_l{k} (G·H), weight_hr_l{k} (P, H) for LSTM with projSize;
 * G = 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). All drawn from U(−1/√H, 1/√H).
 * The whole stack runs as one fused op (see functional/recurrent.ts); dropout applies between layers in training.
 *
 * Constructors take PyTorch's positional form or one options object:
 *   new nn.LSTM(1, 64, 2, { batchFirst: true })   new nn.LSTM(1, 64, { numLayers: 2 })   new nn.RNN(1, 64)
 *   new nn.LSTM({ inputSize: 1, hiddenSize: 64, numLayers: 2, batchFirst: true })
 * Options use camelCase (`batchFirst`, not `batch_first`); an unknown option is an error that names the right one.
 */
import { blockBytes, checkFits } from '../kernels/memory.js';
import type { CellMode } from '../kernels/recurrent.js';
import { reshape } from '../tensor/ops/view.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type LayerParams, recurrentStack } from './functional/recurrent.js';
import { uniform_ } from './init.js';
import { checkOptionKeys, describeArgument, describeArguments, isOptionsObject, Module } from './module.js';
import { Parameter } from './parameter.js';

export interface RNNBaseOptions {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Use bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Input and output as (B, T, features) (default false). States stay (D·L, B, H). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Add a reverse-direction pass and concatenate its features (default false). */
  bidirectional?: boolean;
}

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: 'tanh' | 'relu';
}

export interface LSTMOptions extends RNNBaseOptions {
  /** If > 0, an LSTM with projections: h = W_hr (o ∘ tanh(c)), of size projSize (default 0). */
  projSize?: number;
}

/** The options object of the positional form `(inputSize, hiddenSize, options)`. */
export type RecurrentTailOptions<O extends RNNBaseOptions> = Omit<O, 'inputSize' | 'hiddenSize'>;

/** The arguments every recurrent layer's constructor accepts (see the overloads on RNN, LSTM, GRU). */
type RecurrentArguments<O extends RNNBaseOptions> =
  | [options: O]
  | [inputSize: number, hiddenSize: number, options?: RecurrentTailOptions<O>]
  | [
      inputSize: number,
      hiddenSize: number,
      numLayers?: number,
      options?: Omit<RecurrentTailOptions<O>, 'numLayers'>,
    ];

const BASE_OPTION_KEYS = [
  'inputSize',
  'hiddenSize',
  'numLayers',
  'bias',
  'batchFirst',
  'dropout',
  'bidirectional',
];

/**
 * The options object of any accepted call form: `(options)`, `(inputSize, hiddenSize, options?)` or
 * `(inputSize, hiddenSize, numLayers?, options?)`; otherwise a TypeError listing the forms. `layer` is e.g.
 * 'nn.LSTM', `keys` every option it takes. Values are checked by RNNBase.
 */
function recurrentOptions<O extends RNNBaseOptions>(
  layer: string,
  keys: readonly string[],
  args: unknown[],
): O {
  const [inputSize, hiddenSize, third, fourth] = args;
  if (args.length === 1 && isOptionsObject(inputSize)) {
    checkOptionKeys(layer, inputSize, keys);
    return inputSize as unknown as O;
  }
  if (
    args.length >= 2 &&
    args.length <= 4 &&
    typeof inputSize === 'number' &&
    typeof hiddenSize === 'number'
  ) {
    const numLayersGiven = !(isOptionsObject(third) && fourth === undefined);
    const numLayers = numLayersGiven ? third : undefined;
    const rest = numLayersGiven ? fourth : third;
    if (
      (numLayers === undefined || typeof numLayers === 'number') &&
      (rest === undefined || isOptionsObject(rest))
    ) {
      const positional =
        numLayers === undefined ? ['inputSize', 'hiddenSize'] : ['inputSize', 'hiddenSize', 'numLayers'];
      const tail = rest ?? {};
      checkOptionKeys(
        layer,
        tail,
        keys.filter((k) => !positional.includes(k)),
        positional,
      );
      return {
        ...tail,
        inputSize,
        hiddenSize,
        ...(numLayers === undefined ? {} : { numLayers }),
      } as unknown as O;
    }
  }
  throw new TypeError(
    `${layer} expects (inputSize, hiddenSize, numLayers?, options?) or ({ inputSize, hiddenSize, ... }); ` +
      `got ${describeArguments(args)}`,
  );
}

const GATES: Record<CellMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

abstract class RNNBase extends Module {
  readonly mode: CellMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** [layer][direction] parameter tensors. */
  protected readonly layers: LayerParams[][] = [];

  protected constructor(mode: CellMode, o: RNNBaseOptions & { projSize?: number }) {
    super();
    const name = this.constructor.name;
    this.mode = mode;
    this.inputSize = o.inputSize;
    this.hiddenSize = o.hiddenSize;
    this.numLayers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.dropout = o.dropout ?? 0;
    this.bidirectional = o.bidirectional ?? false;
    this.projSize = o.projSize ?? 0;
    for (const [k, v, min] of [
      ['inputSize', this.inputSize, 1],
      ['hiddenSize', this.hiddenSize, 1],
      ['numLayers', this.numLayers, 1],
      ['projSize', this.projSize, 0],
    ] as const) {
      if (!Number.isInteger(v) || v < min)
        throw new Error(`${name}: ${k} must be an integer >= ${min}, got ${describeArgument(v)}`);
    }
    if (this.projSize >= this.hiddenSize && this.projSize > 0) {
      throw new Error(
        `${name}: projSize (${this.projSize}) must be smaller than hiddenSize (${this.hiddenSize})`,
      );
    }
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1))
      throw new Error(`${name}: dropout must be a number in [0, 1], got ${describeArgument(this.dropout)}`);
    for (const [k, v] of [
      ['bias', this.bias],
      ['batchFirst', this.batchFirst],
      ['bidirectional', this.bidirectional],
    ] as const) {
      if (typeof v !== 'boolean')
        throw new Error(`${name}: ${k} must be true or false, got ${describeArgument(v)}`);
    }

    const G = GATES[mode];
    const H = this.hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    const Hout = this.hOut;
    const bound = 1 / Math.sqrt(H);
    this.checkParameterMemory(G);
    for (let l = 0; l < this.numLayers; l++) {
      const dirs: LayerParams[] = [];
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const make = (n: string, shape: number[]) => {
          const p = this.registerParameter(n + sfx, new Parameter(shape));
          uniform_(p, -bound, bound);
          return p;
        };
        const wIh = make('weight_ih', [G * H, l === 0 ? this.inputSize : D * Hout]);
        const wHh = make('weight_hh', [G * H, Hout]);
        const bIh = this.bias ? make('bias_ih', [G * H]) : null;
        const bHh = this.bias ? make('bias_hh', [G * H]) : null;
        const wHr = this.projSize > 0 ? make('weight_hr', [this.projSize, H]) : null;
        dirs.push({ wIh, wHh, bIh, bHh, wHr });
      }
      this.layers.push(dirs);
    }
  }

  /**
   * Throws a WasmMemoryError naming this module before anything is allocated if its parameters cannot fit
   * in WebAssembly memory: per layer l and direction, G·H·(I_l + Hout + 2) (+ P·H with projections) floats.
   */
  private checkParameterMemory(G: number): void {
    const H = this.hiddenSize;
    const D = this.numDirections;
    const Hout = this.hOut;
    const layerBytes = (inputs: number): number =>
      blockBytes(G * H * inputs) +
      blockBytes(G * H * Hout) +
      (this.bias ? 2 * blockBytes(G * H) : 0) +
      (this.projSize > 0 ? blockBytes(this.projSize * H) : 0);
    const bytes = D * (layerBytes(this.inputSize) + (this.numLayers - 1) * layerBytes(D * Hout));
    checkFits(
      bytes,
      `${this.constructor.name}(inputSize ${this.inputSize}, hiddenSize ${H}, numLayers ${this.numLayers}` +
        `${D === 2 ? ', bidirectional' : ''}${this.projSize > 0 ? `, projSize ${this.projSize}` : ''}): its parameters`,
      'Use a smaller hiddenSize, numLayers or inputSize.',
    );
  }

  /** Features of h: projSize if set, else hiddenSize. */
  get hOut(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  get numDirections(): 1 | 2 {
    return this.bidirectional ? 2 : 1;
  }

  /** Runs the stack; returns [output, hN, cN (LSTM) or null] with PyTorch's shapes. */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
    const name = this.constructor.name;
    const layout = this.batchFirst ? '(B, T, I)' : '(T, B, I)';
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new Error(
        `${name}: expected input of rank 3 ${layout} or 2 (T, I) (unbatched), got shape ${formatShape(input.shape)}`,
      );
    }
    const I = input.shape[input.ndim - 1];
    if (I !== this.inputSize) {
      throw new Error(
        `${name}: input.size(-1) must equal inputSize: expected ${this.inputSize}, got ${I} (input shape ${formatShape(input.shape)})`,
      );
    }
    const unbatched = input.ndim === 2;
    // Batch-first layouts are transposed inside the fused op while copying to/from WebAssembly memory.
    const bf = this.batchFirst && !unbatched;
    const x = unbatched ? reshape(input, [input.shape[0], 1, I]) : input;
    const T = bf ? x.shape[1] : x.shape[0];
    const B = bf ? x.shape[0] : x.shape[1];
    if (T === 0 || B === 0)
      throw new Error(`${name}: input has an empty dimension: shape ${formatShape(input.shape)}`);
    const D = this.numDirections;
    const L = this.numLayers;
    const Hout = this.hOut;
    const check = (t: Tensor | null, what: string, size: number): Tensor | null => {
      if (t === null) return null;
      const expected = unbatched ? [D * L, size] : [D * L, B, size];
      if (formatShape(t.shape) !== formatShape(expected)) {
        throw new Error(
          `${name}: expected ${what} of shape ${formatShape(expected)}, got ${formatShape(t.shape)}`,
        );
      }
      return unbatched ? reshape(t, [D * L, 1, size]) : t;
    };
    const h = check(h0, 'hidden state h0', Hout);
    const c = check(c0, 'cell state c0', this.hiddenSize);

    const shapes = this.layers.map((_, l) => ({
      mode: this.mode,
      T,
      B,
      inputSize: l === 0 ? this.inputSize : D * Hout,
      hiddenSize: this.hiddenSize,
      projSize: this.projSize,
      directions: D,
      bias: this.bias,
    }));
    let [output, hOut, cOut] = recurrentStack(shapes, this.layers, x, h, c, {
      inputBatchFirst: bf,
      outputBatchFirst: bf,
      dropout: this.dropout,
      training: this.training,
    });
    if (unbatched) {
      output = reshape(output, [T, D * Hout]);
      hOut = reshape(hOut, [D * L, Hout]);
      cOut = cOut && reshape(cOut, [D * L, this.hiddenSize]);
    }
    return [output, hOut, cOut];
  }
}

/** Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act = tanh (default) or relu. */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';
  /** `new nn.RNN(inputSize, hiddenSize, numLayers?, options?)` as in PyTorch, or `new nn.RNN({ inputSize, … })`. */
  constructor(options: RNNOptions);
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentTailOptions<RNNOptions>);
  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayers?: number,
    options?: Omit<RecurrentTailOptions<RNNOptions>, 'numLayers'>,
  );
  constructor(...args: RecurrentArguments<RNNOptions>) {
    const options = recurrentOptions<RNNOptions>('nn.RNN', [...BASE_OPTION_KEYS, 'nonlinearity'], args);
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu')
      throw new Error(`RNN: nonlinearity must be 'tanh' or 'relu', got ${describeArgument(nl)}`);
    super(nl === 'tanh' ? 'rnn_tanh' : 'rnn_relu', options);
    this.nonlinearity = nl;
  }
  /** input → [output, hN]. */
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [out, hN] = this.run(input, h0 ?? null, null);
    return [out, hN];
  }
}

/**
 * LSTM: [i|f|g|o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh; i,f,o = σ(·), g = tanh(·);
 * c_t = f∘c_{t−1} + i∘g; h_t = o∘tanh(c_t) (then h_t = W_hr h_t with projSize).
 */
export class LSTM extends RNNBase {
  /** `new nn.LSTM(inputSize, hiddenSize, numLayers?, options?)` as in PyTorch, or `new nn.LSTM({ inputSize, … })`. */
  constructor(options: LSTMOptions);
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentTailOptions<LSTMOptions>);
  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayers?: number,
    options?: Omit<RecurrentTailOptions<LSTMOptions>, 'numLayers'>,
  );
  constructor(...args: RecurrentArguments<LSTMOptions>) {
    super('lstm', recurrentOptions<LSTMOptions>('nn.LSTM', [...BASE_OPTION_KEYS, 'projSize'], args));
  }
  /** input, optional [h0, c0] → [output, [hN, cN]]. */
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (hx && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new Error('LSTM: hx must be a pair [h0, c0] (or omitted for zero states)');
    }
    const [out, hN, cN] = this.run(input, hx ? hx[0] : null, hx ? hx[1] : null);
    return [out, [hN, cN!]];
  }
}

/**
 * GRU: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r∘(W_hn h + b_hn)), h_t = (1 − z)∘n + z∘h_{t−1}.
 */
export class GRU extends RNNBase {
  /** `new nn.GRU(inputSize, hiddenSize, numLayers?, options?)` as in PyTorch, or `new nn.GRU({ inputSize, … })`. */
  constructor(options: RNNBaseOptions);
  constructor(inputSize: number, hiddenSize: number, options?: RecurrentTailOptions<RNNBaseOptions>);
  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayers?: number,
    options?: Omit<RecurrentTailOptions<RNNBaseOptions>, 'numLayers'>,
  );
  constructor(...args: RecurrentArguments<RNNBaseOptions>) {
    super('gru', recurrentOptions<RNNBaseOptions>('nn.GRU', BASE_OPTION_KEYS, args));
  }
  /** input → [output, hN]. */
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [out, hN] = this.run(input, h0 ?? null, null);
    return [out, hN];
  }
}
