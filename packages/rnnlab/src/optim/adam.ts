/**
 * Adam (PyTorch 1.13 semantics; weight decay is L2 added to the gradient, not AdamW):
 *   g ← ∇ + λp;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  v̂ ← amsgrad ? max(v̂, v) : v
 *   p ← p − (lr / (1−β₁ᵗ)) · m / (√v̂ / √(1−β₂ᵗ) + ε)
 * State (m, v, v̂) lives in WebAssembly memory beside the parameters; each step is one kernel pass per tensor.
 */
import { WasmStorage } from '../kernels/memory.js';
import { adamStep } from '../kernels/optim.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

interface AdamState {
  step: number;
  expAvg: WasmStorage;
  expAvgSq: WasmStorage;
  maxExpAvgSq: WasmStorage | null;
}

export class Adam extends Optimizer {
  readonly lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  private readonly state = new Map<Tensor, AdamState>();

  /** `new optim.Adam(params, { lr: 0.01 })`, or PyTorch's positional `new optim.Adam(params, 0.01)`. */
  constructor(params: Iterable<Tensor>, options: AdamOptions | number = {}) {
    super(params, 'Adam');
    if (typeof options === 'number') options = { lr: options };
    if (typeof options !== 'object' || options === null)
      throw new Error(
        `Adam: expected (params, lr) or (params, { lr, betas, eps, weightDecay, amsgrad }), got ${String(options)}`,
      );
    this.lr = options.lr ?? 1e-3;
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.amsgrad = options.amsgrad ?? false;
    if (!(this.lr >= 0)) throw new Error(`Adam: invalid learning rate ${this.lr} (must be >= 0)`);
    if (!(this.eps >= 0)) throw new Error(`Adam: invalid eps ${this.eps} (must be >= 0)`);
    for (const b of this.betas)
      if (!(b >= 0 && b < 1)) throw new Error(`Adam: invalid beta ${b} (must be in [0, 1))`);
    if (!(this.weightDecay >= 0))
      throw new Error(`Adam: invalid weightDecay ${this.weightDecay} (must be >= 0)`);
  }

  step(): void {
    for (const p of this.params) {
      if (p.grad === null) continue;
      let s = this.state.get(p);
      if (s === undefined) {
        const n = p.numel();
        s = {
          step: 0,
          expAvg: WasmStorage.zeros(n),
          expAvgSq: WasmStorage.zeros(n),
          maxExpAvgSq: this.amsgrad ? WasmStorage.zeros(n) : null,
        };
        this.state.set(p, s);
      }
      s.step++;
      adamStep({
        param: p.wasmPtr,
        grad: this.gradPtr(p),
        expAvg: s.expAvg.ptr,
        expAvgSq: s.expAvgSq.ptr,
        maxExpAvgSq: s.maxExpAvgSq?.ptr ?? 0,
        n: p.numel(),
        lr: this.lr,
        beta1: this.betas[0],
        beta2: this.betas[1],
        eps: this.eps,
        weightDecay: this.weightDecay,
        step: s.step,
      });
    }
  }

  /** Per-parameter state (copies), for inspection and tests. */
  stateOf(
    p: Tensor,
  ): { step: number; expAvg: Float32Array; expAvgSq: Float32Array; maxExpAvgSq: Float32Array | null } | null {
    const s = this.state.get(p);
    if (!s) return null;
    return {
      step: s.step,
      expAvg: Float32Array.from(s.expAvg.array()),
      expAvgSq: Float32Array.from(s.expAvgSq.array()),
      maxExpAvgSq: s.maxExpAvgSq ? Float32Array.from(s.maxExpAvgSq.array()) : null,
    };
  }
}
