/**
 * rnnlab — PyTorch-shaped recurrent neural networks for TypeScript, on WebAssembly SIMD kernels.
 *
 *   import { tensor, zeros, noGrad, manualSeed, nn, optim } from 'rnnlab';
 */

export { WasmMemoryError } from './kernels/memory.js';
export { type KernelBuild, kernelBuild } from './kernels/wasm.js';
export * as nn from './nn/index.js';
export { SafetensorsError } from './nn/safetensors.js';
export * as optim from './optim/index.js';
export {
  arange,
  cat,
  dropout,
  enableGrad,
  full,
  Generator,
  type IndexLike,
  isGradEnabled,
  manualSeed,
  type NestedList,
  noGrad,
  ones,
  rand,
  randn,
  type Shape,
  stack,
  Tensor,
  type TensorOptions,
  tensor,
  zeros,
} from './tensor/index.js';
export { hasUnprintable, printable } from './util/printable.js';
