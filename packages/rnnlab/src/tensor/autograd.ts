/**
 * Reverse-mode automatic differentiation over a graph of recorded operations (micrograd-style).
 *
 * Every differentiable op creates its output with `fromOp`, attaching a `GradFn`: the op's inputs and a
 * closure that maps dL/d(output) to dL/d(input) for each input. `backward()` sorts the graph topologically and
 * runs the closures in reverse, summing gradients that reach a tensor along several paths. Leaves that require
 * grad receive the sum in `.grad`. A graph is freed by its backward pass (no `retain_graph`).
 */
import { isGradEnabled } from './grad_mode.js';
import { formatShape, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

/** Returned by a backward closure for an input whose gradient it already added to `ensureGrad(input)` itself. */
export const ACCUMULATED: unique symbol = Symbol('accumulated');

export type InputGrad = Float32Array | null | typeof ACCUMULATED;

export interface GradFn {
  /** Op name, for error messages (like PyTorch's `grad_fn` names). */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** dL/d(output) → dL/d(input) per input (null where that input does not require grad). */
  backward(gradOut: Float32Array): InputGrad[];
  /** Frees saved buffers; called once, after `backward` ran (or never, if the graph is dropped). */
  release?(): void;
}

/**
 * Wraps an op's result. Records `backward` only if grad mode is on and some input requires grad.
 * `backward` receives dL/d(out) and must return one entry per input.
 */
export function fromOp(
  data: Float32Array,
  shape: Shape,
  name: string,
  inputs: readonly Tensor[],
  backward: (gradOut: Float32Array) => InputGrad[],
): Tensor {
  const out = new Tensor(data, shape);
  if (recordsGrad(inputs)) {
    out.requiresGrad = true;
    out.gradFn = { name, inputs, backward };
  }
  return out;
}

/** Whether `fromOp` records an op on `inputs`: grad mode is on and some input requires grad. */
export function recordsGrad(inputs: readonly Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad);
}

/** The leaf's `.grad`, created as zeros (in WebAssembly memory for wasm-resident leaves) if it is null. */
export function ensureGrad(leaf: Tensor): Tensor {
  if (leaf.grad === null) leaf.grad = leaf.zerosLikeStorage();
  return leaf.grad;
}

const consumed = new WeakSet<GradFn>();

/** Backpropagates from `root` (see `Tensor.backward`). */
export function runBackward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error(
      'backward: this tensor does not require grad and has no grad_fn (was it computed under noGrad, or from tensors without requiresGrad?)',
    );
  }
  let seed: Float32Array;
  if (gradient === undefined) {
    if (root.numel() !== 1) {
      throw new Error(
        `backward: grad can be implicitly created only for scalar outputs; this tensor has shape ${formatShape(root.shape)} (call .sum() first or pass a gradient)`,
      );
    }
    seed = new Float32Array(1).fill(1);
  } else {
    if (gradient.numel() !== root.numel()) {
      throw new Error(
        `backward: gradient has shape ${formatShape(gradient.shape)}, expected ${formatShape(root.shape)}`,
      );
    }
    seed = Float32Array.from(gradient.data);
  }

  const order = topoOrder(root);
  const grads = new Map<Tensor, { g: Float32Array; owned: boolean }>();
  grads.set(root, { g: seed, owned: true });

  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    const entry = grads.get(t);
    if (entry === undefined) continue;
    grads.delete(t);
    const fn = t.gradFn;
    if (fn === null) {
      accumulateLeaf(t, entry.g);
      continue;
    }
    if (consumed.has(fn)) {
      throw new Error(
        `backward: trying to backward through the graph a second time (through ${fn.name}); the first backward freed it. Recompute the forward pass.`,
      );
    }
    consumed.add(fn);
    const inGrads = fn.backward(entry.g);
    fn.release?.();
    fn.inputs.forEach((inp, i) => {
      const r = inGrads[i];
      if (!inp.requiresGrad || r === null || r === undefined || r === ACCUMULATED) return;
      if (inp.gradFn === null) {
        accumulateLeaf(inp, r);
        return;
      }
      const prev = grads.get(inp);
      if (prev === undefined) {
        grads.set(inp, { g: r, owned: false });
      } else {
        const dst = prev.owned ? prev.g : Float32Array.from(prev.g);
        for (let j = 0; j < dst.length; j++) dst[j] += r[j];
        grads.set(inp, { g: dst, owned: true });
      }
    });
  }
}

function accumulateLeaf(leaf: Tensor, g: Float32Array): void {
  const dst = ensureGrad(leaf).data;
  for (let j = 0; j < dst.length; j++) dst[j] += g[j];
}

/** Tensors reachable from `root` through grad_fns, each after all of its inputs. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const c = inputs[i];
      if (c.requiresGrad && !seen.has(c)) {
        seen.add(c);
        stack.push([c, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}
