/** Parameter initialisation (like `torch.nn.init`), drawing from the default generator unless one is given. */
import { noGrad } from '../tensor/grad_mode.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** Fills `t` with U(low, high). */
export function uniform_(
  t: Tensor,
  low: number,
  high: number,
  generator: Generator = defaultGenerator,
): Tensor {
  noGrad(() => {
    const d = t.data;
    for (let k = 0; k < d.length; k++) d[k] = generator.uniform(low, high);
  });
  return t;
}
