/**
 * `Linear`: y = x Wᵀ + b on the last dim of x (any rank). W (out, in), b (out); init U(±1/√in) like PyTorch.
 *
 * `new nn.Linear(64, 1)`, `new nn.Linear(64, 1, { bias: false })` or PyTorch's `new nn.Linear(64, 1, false)`, or
 * one object `new nn.Linear({ inFeatures: 64, outFeatures: 1, bias: false })`.
 */
import { blockBytes, checkFits } from '../kernels/memory.js';
import { linear } from '../tensor/ops/linear.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_ } from './init.js';
import { checkOptionKeys, describeArgument, describeArguments, isOptionsObject, Module } from './module.js';
import { Parameter } from './parameter.js';

export interface LinearOptions {
  /** Add the bias b (default true). */
  bias?: boolean;
}

/** The single-object form: sizes and options together. */
export interface LinearConfig extends LinearOptions {
  inFeatures: number;
  outFeatures: number;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions | boolean);
  constructor(config: LinearConfig);
  constructor(...args: [number, number, (LinearOptions | boolean)?] | [LinearConfig]) {
    super();
    const config = linearConfig(args);
    const { inFeatures, outFeatures } = config;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    for (const [k, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new Error(`Linear: ${k} must be a positive integer, got ${describeArgument(v)}`);
    }
    const useBias = config.bias ?? true;
    if (typeof useBias !== 'boolean') {
      throw new Error(`Linear: bias must be true or false, got ${describeArgument(useBias)}`);
    }
    checkFits(
      blockBytes(outFeatures * inFeatures) + (useBias ? blockBytes(outFeatures) : 0),
      `Linear(${inFeatures}, ${outFeatures}): its parameters`,
      'Use fewer in or out features.',
    );
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', new Parameter([outFeatures, inFeatures]));
    uniform_(this.weight, -bound, bound);
    this.bias = this.registerParameter('bias', useBias ? new Parameter([outFeatures]) : null);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  /** x (..., in) → (..., out). */
  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new Error(
        `Linear: input shape ${formatShape(x.shape)} does not end in in_features=${this.inFeatures} (expected [..., ${this.inFeatures}])`,
      );
    }
    return linear(x, this.weight, this.bias);
  }
}

/** The config of any accepted call form, or a TypeError listing the forms. Values are checked by Linear. */
function linearConfig(args: unknown[]): LinearConfig {
  const [a, b, c] = args;
  if (args.length === 1 && isOptionsObject(a)) {
    checkOptionKeys('nn.Linear', a, ['inFeatures', 'outFeatures', 'bias']);
    return a as unknown as LinearConfig;
  }
  if (args.length >= 2 && args.length <= 3 && typeof a === 'number' && typeof b === 'number') {
    if (typeof c === 'boolean') return { inFeatures: a, outFeatures: b, bias: c };
    if (c === undefined || isOptionsObject(c)) {
      const options = c ?? {};
      checkOptionKeys('nn.Linear', options, ['bias'], ['inFeatures', 'outFeatures']);
      return { ...options, inFeatures: a, outFeatures: b };
    }
  }
  throw new TypeError(
    'nn.Linear expects (inFeatures, outFeatures, options?) with options { bias? } or a boolean bias, or ' +
      `({ inFeatures, outFeatures, bias? }); got ${describeArguments(args)}`,
  );
}
