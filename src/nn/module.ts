/**
 * `Module`: the base of layers and models. Holds parameters and submodules in registration order, so
 * `namedParameters()` yields PyTorch's names in PyTorch's order (own parameters first, then each submodule's,
 * prefixed `child.`).
 */
import { noGrad } from '../tensor/grad_mode.js';
import { formatShape, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Parameter } from './parameter.js';

/** A state-dict entry: a Tensor, or plain `{ shape, data }` (e.g. read from a safetensors file). */
export type StateValue = Tensor | { shape: readonly number[]; data: ArrayLike<number> };
export type StateDict = Record<string, StateValue>;

export abstract class Module {
  /** Training mode (dropout active) vs evaluation mode. */
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly children = new Map<string, Module>();

  /** Registers a parameter (null = absent, e.g. no bias) under `name`; returns it. */
  protected registerParameter<P extends Parameter | null>(name: string, p: P): P {
    this.params.set(name, p);
    return p;
  }

  /** Registers a submodule under `name`; returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Parameters with dotted names, in PyTorch's order. */
  namedParameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [name, p] of this.params) if (p !== null) out.push([prefix + name, p]);
    for (const [name, m] of this.children) out.push(...m.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix.replace(/\.$/, ''), this]];
    for (const [name, m] of this.children) out.push(...m.namedModules(`${prefix}${name}.`));
    return out;
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel(), 0);
  }

  /** Name → parameter tensor (shares storage; copy before mutating if you need a snapshot). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Copies values into the parameters. Strict by default: every parameter must be present with its exact
   * shape and no unknown names may appear; otherwise an Error lists every problem. Non-strict skips
   * missing and unexpected names but still rejects shape mismatches.
   */
  loadStateDict(
    state: StateDict,
    options: { strict?: boolean } = {},
  ): { missing: string[]; unexpected: string[] } {
    const strict = options.strict ?? true;
    const own = new Map(this.namedParameters());
    const missing = [...own.keys()].filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [name, p] of own) {
      const v = state[name];
      if (v === undefined) continue;
      const shape = v instanceof Tensor ? v.shape : v.shape;
      const n = v instanceof Tensor ? v.numel() : v.data.length;
      if (formatShape(shape) !== formatShape(p.shape) || n !== numel(p.shape)) {
        mismatched.push(
          `size mismatch for ${name}: expected ${formatShape(p.shape)}, got ${formatShape(shape)}`,
        );
      }
    }
    const problems = [
      ...(strict && missing.length ? [`missing keys: ${missing.join(', ')}`] : []),
      ...(strict && unexpected.length ? [`unexpected keys: ${unexpected.join(', ')}`] : []),
      ...mismatched,
    ];
    if (problems.length > 0) {
      throw new Error(
        `loadStateDict: error(s) loading state dict into ${this.constructor.name}:\n  ${problems.join('\n  ')}\n` +
          `  expected names: ${[...own.keys()].join(', ')}`,
      );
    }
    noGrad(() => {
      for (const [name, p] of own) {
        const v = state[name];
        if (v !== undefined) p.copy_(v instanceof Tensor ? v.data : v.data);
      }
    });
    return { missing, unexpected };
  }

  /** Sets training mode on this module and all submodules. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Zeroes every parameter's gradient in place (PyTorch 1.13's default), or drops them with setToNone. */
  zeroGrad(setToNone = false): void {
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else p.grad?.zero_();
    }
  }
}
