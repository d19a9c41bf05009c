/** Inverted dropout: zero each element with probability p, scale survivors by 1/(1-p) (identity when not training). */
import { fromOp } from '../autograd.js';
import { defaultGenerator, type Generator } from '../random.js';
import type { Tensor } from '../tensor.js';

export function dropout(
  x: Tensor,
  p: number,
  training: boolean,
  generator: Generator = defaultGenerator,
): Tensor {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const n = x.numel();
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const mask = new Float32Array(n);
  for (let k = 0; k < n; k++) mask[k] = generator.random() >= p ? scale : 0;
  const xd = x.data;
  const y = mask.map((m, k) => m * xd[k]);
  return fromOp(y, x.shape, 'dropout', [x], (g) => [g.map((v, k) => v * mask[k])]);
}
