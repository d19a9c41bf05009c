/**
 * `Dropout` module: zeroes elements with probability p in training mode (scaling the rest by 1/(1 − p));
 * identity in eval mode. `new nn.Dropout()` (p = 0.5), `new nn.Dropout(0.2)` or `new nn.Dropout({ p: 0.2 })`.
 */
import { dropout } from '../tensor/ops/dropout.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOptionKeys, describeArgument, describeArguments, isOptionsObject, Module } from './module.js';

export class Dropout extends Module {
  readonly p: number;

  constructor(p?: number);
  constructor(options: { p?: number });
  constructor(...args: [number?] | [{ p?: number }]) {
    super();
    const [a] = args;
    if (args.length > 1 || !(a === undefined || typeof a === 'number' || isOptionsObject(a))) {
      throw new TypeError(`nn.Dropout expects (p?) or ({ p? }); got ${describeArguments(args)}`);
    }
    if (isOptionsObject(a)) checkOptionKeys('nn.Dropout', a, ['p']);
    const p = (isOptionsObject(a) ? a.p : a) ?? 0.5;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new Error(`Dropout: p must be a number in [0, 1], got ${describeArgument(p)}`);
    }
    this.p = p;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}
