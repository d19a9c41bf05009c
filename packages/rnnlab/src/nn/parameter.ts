/** `Parameter`: a leaf tensor that requires grad and lives in WebAssembly memory (kernels and optimizers use it in place). */
import { WasmStorage } from '../kernels/memory.js';
import { numel, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export class Parameter extends Tensor {
  /** A zero-filled parameter of `shape`, or a copy of `init`'s values. */
  constructor(init: Tensor | Shape) {
    const shape = init instanceof Tensor ? init.shape : init;
    const storage = WasmStorage.zeros(numel(shape));
    if (init instanceof Tensor) storage.array().set(init.data);
    super(storage, shape, true);
  }

  /** PyTorch's repr: "Parameter containing:" above the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
