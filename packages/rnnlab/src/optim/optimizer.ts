/** Base class of optimizers: holds the parameters (which live in WebAssembly memory) and zeroes their grads. */
import type { Tensor } from '../tensor/tensor.js';

export abstract class Optimizer {
  readonly params: Tensor[];

  protected constructor(params: Iterable<Tensor>, name: string) {
    this.params = [...params];
    if (this.params.length === 0) throw new Error(`${name}: got an empty parameter list`);
    this.params.forEach((p, i) => {
      if (!p.requiresGrad || p.gradFn !== null || !p.isWasm) {
        throw new Error(
          `${name}: parameter ${i} (shape [${p.shape.join(', ')}]) must be a leaf tensor that requires grad ` +
            '(nn.Parameter, or tensor(..., { requiresGrad: true }))',
        );
      }
    });
  }

  /** Zeroes every gradient in place (PyTorch 1.13's default), or drops them with setToNone. */
  zeroGrad(setToNone = false): void {
    for (const p of this.params) {
      if (setToNone) p.grad = null;
      else p.grad?.zero_();
    }
  }

  /**
   * Byte pointer of p's gradient in WebAssembly memory. A gradient assigned by hand as a JavaScript-backed
   * tensor is moved into WebAssembly memory first (once).
   */
  protected gradPtr(p: Tensor): number {
    const g = p.grad!;
    if (g.isWasm) return g.wasmPtr;
    if (g.numel() !== p.numel()) {
      throw new Error(
        `optimizer: gradient of shape [${g.shape.join(', ')}] does not match parameter shape [${p.shape.join(', ')}]`,
      );
    }
    const w = p.zerosLikeStorage();
    w.data.set(g.data);
    p.grad = w;
    return w.wasmPtr;
  }

  /** Updates every parameter that has a gradient. */
  abstract step(): void;
}
