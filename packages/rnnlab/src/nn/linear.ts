/** `Linear`: y = x Wᵀ + b on the last dim of x (any rank). W (out, in), b (out); init U(±1/√in) like PyTorch. */
import { blockBytes, checkFits } from '../kernels/memory.js';
import { linear } from '../tensor/ops/linear.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_ } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface LinearOptions {
  bias?: boolean;
}

export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    for (const [k, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new Error(`Linear: ${k} must be a positive integer, got ${v}`);
    }
    const useBias = options.bias ?? true;
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
