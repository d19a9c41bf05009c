/** The tensor layer: Tensor, autograd, creation helpers and functional ops. */
export { ACCUMULATED, ensureGrad, fromOp, type GradFn, type InputGrad } from './autograd.js';
export {
  arange,
  full,
  ones,
  type RandomOptions,
  rand,
  randn,
  type TensorOptions,
  tensor,
  zeros,
} from './creation.js';
export { enableGrad, isGradEnabled, noGrad } from './grad_mode.js';
export { dropout } from './ops/dropout.js';
export type { IndexLike } from './ops/index_select.js';
export { cat, stack } from './ops/view.js';
export { defaultGenerator, Generator, type GeneratorState, manualSeed } from './random.js';
export { formatShape, numel, type Shape } from './shape.js';
export { type NestedList, type Operand, Tensor } from './tensor.js';
