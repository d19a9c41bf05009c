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
   * shape and no unknown names may appear; otherwise an Error lists every problem (at most
   * `MAX_LISTED` names per list, each cut to 100 characters). Non-strict skips missing and unexpected names but
   * still rejects shape mismatches and data whose length does not match its shape.
   */
  loadStateDict(
    state: StateDict,
    options: { strict?: boolean } = {},
  ): { missing: string[]; unexpected: string[] } {
    const where = `loadStateDict into ${this.constructor.name}`;
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new Error(
        `${where}: expected an object of parameter name → tensor (or { shape, data }), got ` +
          `${state === null ? 'null' : Array.isArray(state) ? 'an array' : typeof state}. ` +
          'Pass e.g. model.stateDict() or the tensors of readSafetensorsFile(path).',
      );
    }
    const strict = options.strict ?? true;
    const own = new Map(this.namedParameters());
    const missing = [...own.keys()].filter((k) => !Object.hasOwn(state, k));
    const unexpected = Object.keys(state).filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [name, p] of own) {
      if (!Object.hasOwn(state, name)) continue;
      const problem = stateValueProblem(state[name], p.shape);
      if (problem !== null) mismatched.push(`${problem[0]} for ${clip(name)}: ${problem[1]}`);
    }
    const problems = [
      ...(strict && missing.length ? [`missing keys: ${listNames(missing)}`] : []),
      ...(strict && unexpected.length ? [`unexpected keys: ${listNames(unexpected)}`] : []),
      ...mismatched.slice(0, MAX_LISTED),
      ...(mismatched.length > MAX_LISTED ? [`… and ${mismatched.length - MAX_LISTED} more mismatches`] : []),
    ];
    if (problems.length > 0) {
      throw new Error(
        `${where}: error(s) loading state dict:\n  ${problems.join('\n  ')}\n` +
          `  expected names: ${listNames([...own.keys()])}`,
      );
    }
    noGrad(() => {
      for (const [name, p] of own) {
        const v = state[name];
        if (v !== undefined) p.copy_(v.data);
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

/** Most names (or mismatches) a loadStateDict error lists before "… and N more". */
const MAX_LISTED = 20;

/** `name` cut to 100 characters, so a hostile state dict cannot make a huge message. */
function clip(name: string): string {
  return name.length > 100 ? `${name.slice(0, 100)}…` : name;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).map(clip).join(', ');
  return names.length > MAX_LISTED ? `${shown}, … and ${names.length - MAX_LISTED} more` : shown;
}

/** Why `v` cannot be loaded into a parameter of `shape` ([kind, detail]), or null if it can. */
function stateValueProblem(v: unknown, shape: readonly number[]): [string, string] | null {
  if (v instanceof Tensor) {
    return formatShape(v.shape) === formatShape(shape)
      ? null
      : ['size mismatch', `expected ${formatShape(shape)}, got ${formatShape(v.shape)}`];
  }
  if (typeof v !== 'object' || v === null) {
    return ['bad value', `${v === null ? 'null' : typeof v}; expected a Tensor or { shape, data }`];
  }
  const { shape: s, data } = v as { shape?: unknown; data?: unknown };
  if (!Array.isArray(s) || !s.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return [
      'bad shape',
      `${describeValue(s)}; expected an array of non-negative integers like ${formatShape(shape)}`,
    ];
  }
  if (formatShape(s) !== formatShape(shape)) {
    return ['size mismatch', `expected ${formatShape(shape)}, got ${describeValue(s)}`];
  }
  const length = (data as { length?: unknown } | null | undefined)?.length;
  if (typeof data !== 'object' || data === null || typeof length !== 'number') {
    return [
      'bad data',
      `${describeValue(data)}; expected an array or typed array of ${numel(shape)} numbers`,
    ];
  }
  if (length !== numel(shape)) {
    return [
      'data length mismatch',
      `shape ${formatShape(shape)} needs ${numel(shape)} values, but data has ${length}`,
    ];
  }
  return null;
}

/** A short description of a value for messages (at most ~60 characters of it). */
function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) {
    const text = `[${x.slice(0, 8).map(String).join(', ')}${x.length > 8 ? ', …' : ''}]`;
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  }
  if (typeof x === 'object') return ArrayBuffer.isView(x) ? x.constructor.name : 'an object';
  return `${typeof x} ${String(x).slice(0, 60)}`;
}
