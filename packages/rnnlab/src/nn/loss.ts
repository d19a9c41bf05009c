/**
 * `MSELoss`: (x − y)² elementwise, then mean (default), sum, or none. Shapes must match exactly.
 * `new nn.MSELoss()` or `new nn.MSELoss({ reduction: 'sum' })` (PyTorch's `reduction=` keyword).
 */
import { formatShape, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOptionKeys, describeArgument, describeArguments, isOptionsObject } from './module.js';

export type Reduction = 'none' | 'mean' | 'sum';

export class MSELoss {
  readonly reduction: Reduction;
  constructor(...args: [options?: { reduction?: Reduction }]) {
    const [options = {}] = args;
    if (args.length > 1 || !isOptionsObject(options)) {
      throw new TypeError(
        `nn.MSELoss expects () or ({ reduction?: 'none' | 'mean' | 'sum' }); got ${describeArguments(args)}`,
      );
    }
    checkOptionKeys('nn.MSELoss', options, ['reduction']);
    this.reduction = options.reduction ?? 'mean';
    if (!['none', 'mean', 'sum'].includes(this.reduction)) {
      throw new Error(
        `MSELoss: reduction must be 'none', 'mean' or 'sum', got ${describeArgument(this.reduction)}`,
      );
    }
  }

  forward(input: Tensor, target: Tensor): Tensor {
    // Unlike PyTorch (which warns and broadcasts), mismatched shapes are an error: broadcasting here is the
    // tutorial's N×N bug.
    if (!sameShape(input.shape, target.shape)) {
      throw new Error(
        `MSELoss: input shape ${formatShape(input.shape)} and target shape ${formatShape(target.shape)} differ; reshape one (e.g. squeeze(-1)) so they match`,
      );
    }
    const d = input.sub(target);
    const sq = d.mul(d);
    return this.reduction === 'none' ? sq : this.reduction === 'sum' ? sq.sum() : sq.mean();
  }
}
