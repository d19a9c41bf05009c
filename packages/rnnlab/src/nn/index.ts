/** `nn`: modules, losses, initialisation and utilities, named as in `torch.nn`. */
export { Dropout } from './dropout.js';
export { getRecurrentBackend, type RecurrentBackend, setRecurrentBackend } from './functional/recurrent.js';
export { uniform_ } from './init.js';
export { Linear, type LinearConfig, type LinearOptions } from './linear.js';
export { MSELoss, type Reduction } from './loss.js';
export { Module, type StateDict, type StateValue } from './module.js';
export { Parameter } from './parameter.js';
export {
  GRU,
  LSTM,
  type LSTMOptions,
  type RecurrentTailOptions,
  RNN,
  type RNNBaseOptions,
  type RNNOptions,
} from './rnn.js';
export { SafetensorsError } from './safetensors.js';
export { clipGradNorm } from './utils/clip_grad.js';

import { clipGradNorm } from './utils/clip_grad.js';
/** `nn.utils` as in PyTorch. */
export const utils = { clipGradNorm };
