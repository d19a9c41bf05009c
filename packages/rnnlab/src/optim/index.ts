/** `optim`: optimizers named as in `torch.optim`. */
export { Adam, type AdamOptions } from './adam.js';
export { Optimizer } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
