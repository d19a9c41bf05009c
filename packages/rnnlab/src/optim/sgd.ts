/**
 * SGD with optional momentum (PyTorch semantics):
 *   g ← ∇ + λp;  b ← (first step) g : μb + (1−τ)g;  g ← nesterov ? g + μb : b (if μ > 0);  p ← p − lr·g
 */
import { WasmStorage } from '../kernels/memory.js';
import { sgdStep } from '../kernels/optim.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly buffers = new Map<Tensor, WasmStorage>();

  /** `new optim.SGD(params, { lr: 0.1, momentum: 0.9 })`, or PyTorch's positional `new optim.SGD(params, 0.1)`. */
  constructor(params: Iterable<Tensor>, options: SGDOptions | number) {
    super(params, 'SGD');
    if (typeof options === 'number') options = { lr: options };
    if (typeof options !== 'object' || options === null)
      throw new Error(
        `SGD: expected (params, lr) or (params, { lr, momentum, dampening, weightDecay, nesterov }), got ${String(options)}`,
      );
    this.lr = options.lr;
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.lr >= 0)) throw new Error(`SGD: invalid learning rate ${this.lr} (must be >= 0)`);
    if (!(this.momentum >= 0)) throw new Error(`SGD: invalid momentum ${this.momentum} (must be >= 0)`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('SGD: nesterov momentum requires momentum > 0 and dampening = 0');
    }
  }

  step(): void {
    for (const p of this.params) {
      if (p.grad === null) continue;
      let buf = this.buffers.get(p);
      const firstStep = buf === undefined;
      if (buf === undefined && this.momentum !== 0) {
        buf = WasmStorage.zeros(p.numel());
        this.buffers.set(p, buf);
      }
      sgdStep({
        param: p.wasmPtr,
        grad: this.gradPtr(p),
        momentumBuf: buf?.ptr ?? 0,
        n: p.numel(),
        lr: this.lr,
        momentum: this.momentum,
        dampening: this.dampening,
        weightDecay: this.weightDecay,
        nesterov: this.nesterov,
        firstStep,
      });
    }
  }
}
