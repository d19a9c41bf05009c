/**
 * `Module`: the base of layers and models — parameters and submodules by name (registered by assignment or
 * explicitly), state dicts, training mode, gradients.
 */
import { noGrad } from '../tensor/grad_mode.js';
import { formatShape, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

/** A state-dict entry: a Tensor, or plain `{ shape, data }` (e.g. read from a safetensors file). */
export type StateValue = Tensor | { shape: readonly number[]; data: ArrayLike<number> };
export type StateDict = Record<string, StateValue>;

/** A module's own (not its children's) parameters and children by name; null = registered but absent. */
interface Registry {
  parameters: Map<string, Parameter | null>;
  modules: Map<string, Module | null>;
}

/**
 * The base of layers and models (PyTorch's `nn.Module`). A model ports line by line:
 * ```ts
 * class LSTMModel extends nn.Module {
 *   lstm: nn.LSTM;
 *   linear: nn.Linear;
 *   constructor() {
 *     super();
 *     this.lstm = new nn.LSTM(1, 64, 2, { batchFirst: true });
 *     this.linear = new nn.Linear(64, 1);
 *   }
 * }
 * ```
 * gives `namedParameters()` = lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, …, linear.weight, linear.bias.
 *
 * The order is PyTorch's: a module's own parameters first, then each submodule's in turn (depth first), prefixed
 * `child.`; a parameter or module reachable under two names is listed once, under the first (PyTorch's
 * `remove_duplicate`).
 *
 * Children and parameters are registered two ways:
 * - **By assignment**, as in PyTorch: `this.lstm = new nn.LSTM(…)`, `this.scale = new nn.Parameter([1])`. Every own
 *   enumerable string-keyed property of the module whose value is a `Module` or a `Parameter` counts, read afresh
 *   by `namedParameters`, `namedModules`, `stateDict`, `loadStateDict`, `train`/`eval` and `zeroGrad`, in
 *   JavaScript's property order — the order the properties were created; reassigning keeps the place, like
 *   PyTorch's `_modules`/`_parameters` OrderedDicts. Other values are not registered: plain Tensors, numbers,
 *   `null`/`undefined` (an absent parameter, e.g. `bias = null`), and arrays or objects holding modules (PyTorch
 *   needs `nn.ModuleList`/`nn.ModuleDict` for those as well; here register each element with
 *   `registerModule(String(i), m)`). Integer-like names (`this[0] = …`) come first in ascending order (a rule
 *   of JavaScript property order); register such names explicitly to place them.
 * - **Explicitly**, with {@link Module.registerParameter} / {@link Module.registerModule}: for names that are
 *   not properties (the recurrent layers' `weight_ih_l0`, …) or differ from the property's name. Explicit
 *   entries come first, in call order; a property of the same name then supplies the current value (a
 *   `Module`/`Parameter`, or `null` for none) in the explicit entry's place.
 *
 * Why read properties rather than trap assignments with a Proxy: a Proxy slows every `this.x` read in forward
 * code (~20 ns each on V8) and makes every module an exotic object; reading properties costs nothing until
 * parameters are listed, and deleting or reassigning a property needs no bookkeeping. The price is that the order
 * is the order properties were *created*, which for declared class fields is the declaration order:
 * - `declare lstm: nn.LSTM;` creates nothing, so the first assignment creates the property: assignment order.
 * - `lstm: nn.LSTM;` and `lstm!: nn.LSTM;` with define semantics (TypeScript target ES2022 or later, or
 *   `useDefineForClassFields`, as esbuild also reads from the tsconfig) create the property as `undefined` right
 *   after `super()`, in declaration order; without them, the first assignment creates it.
 * - `lstm = new nn.LSTM(…);` (an initialiser) creates and registers it at field initialisation, in declaration
 *   order, before the constructor body runs.
 * All of these register; to get PyTorch's order with any of them, declare fields in the order the constructor
 * assigns them (as PyTorch code assigns them).
 */
export abstract class Module {
  /** Training mode (dropout active) vs evaluation mode. */
  training = true;
  /** Explicit registrations (private fields, so they are neither properties nor clobbered by subclasses). */
  readonly #parameters = new Map<string, Parameter | null>();
  readonly #modules = new Map<string, Module | null>();

  /**
   * Registers `p` as this module's parameter `name` (PyTorch's `register_parameter`); `null` declares an absent
   * one (e.g. no bias), which `namedParameters` skips. Re-registering a name replaces the value in its place.
   * Needed only when the parameter is not stored in a property of that name (see the class comment).
   * @returns `p`, so that `this.weight = this.registerParameter('weight', p)` reads in one line.
   */
  registerParameter<P extends Parameter | null>(name: string, p: P): P {
    checkRegisteredName(this, 'registerParameter', name);
    if (p !== null && !(p instanceof Parameter)) {
      throw new TypeError(
        `${this.constructor.name}.registerParameter('${clip(name)}', …): expected a Parameter or null, got ` +
          `${p instanceof Tensor ? 'a Tensor' : describeValue(p)}; wrap a tensor as new nn.Parameter(t)`,
      );
    }
    this.#modules.delete(name);
    this.#parameters.set(name, p);
    return p;
  }

  /**
   * Registers `m` as the submodule `name` (PyTorch's `register_module`/`add_module`): its parameters appear as
   * `name.…`, and `train`/`eval`, `zeroGrad` and state dicts reach it. Re-registering a name replaces the module
   * in its place; `null` keeps the name with no module. Needed only when the module is not stored in a property
   * of that name, e.g. `this.rnn = this.registerModule('lstm', lstm)` (see the class comment).
   * @returns `m`.
   */
  registerModule<M extends Module | null>(name: string, m: M): M {
    checkRegisteredName(this, 'registerModule', name);
    if (m !== null && !(m instanceof Module)) {
      throw new TypeError(
        `${this.constructor.name}.registerModule('${clip(name)}', …): expected a Module or null, got ` +
          `${describeValue(m)}`,
      );
    }
    this.#parameters.delete(name);
    this.#modules.set(name, m);
    return m;
  }

  /** Explicit registrations, then properties holding a Module or Parameter (see the class comment). */
  #registry(): Registry {
    const parameters = new Map(this.#parameters);
    const modules = new Map(this.#modules);
    const self = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(this)) {
      const v = self[key];
      if (v instanceof Parameter) {
        checkPropertyName(this, key, 'a Parameter');
        modules.delete(key);
        parameters.set(key, v);
      } else if (v instanceof Module) {
        checkPropertyName(this, key, 'a Module');
        parameters.delete(key);
        modules.set(key, v);
      } else if (v === null) {
        if (parameters.has(key)) parameters.set(key, null);
        if (modules.has(key)) modules.set(key, null);
      }
    }
    return { parameters, modules };
  }

  /** Parameters with dotted names (`lstm.weight_ih_l0`, …), in PyTorch's order, each parameter once. */
  namedParameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Parameter>();
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [name, p] of m.#registry().parameters) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        out.push([path === '' ? name : `${path}.${name}`, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * This module (named `prefix`, '' by default) and every submodule below it, depth first in registration
   * order, with dotted names; each module once (a module reachable twice, or a cycle, is not repeated).
   */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    const seen = new Set<Module>();
    const visit = (m: Module, path: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([path, m]);
      for (const [name, child] of m.#registry().modules) {
        if (child !== null) visit(child, path === '' ? name : `${path}.${name}`);
      }
    };
    visit(this, prefix.replace(/\.$/, ''));
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
    if (typeof mode !== 'boolean') {
      throw new TypeError(
        `${this.constructor.name}.train(mode): mode must be true or false, got ${describeArgument(mode)}`,
      );
    }
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

/** Rejects names PyTorch rejects: empty, or containing '.' (ambiguous in dotted parameter names). */
function checkRegisteredName(m: Module, method: string, name: unknown): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new TypeError(
      `${m.constructor.name}.${method}(name, …): name must be a non-empty string without '.', got ` +
        `${typeof name === 'string' ? `'${clip(name)}'` : describeValue(name)}`,
    );
  }
}

/** A property holding a Module or Parameter must have a name usable in dotted parameter names. */
function checkPropertyName(m: Module, key: string, what: string): void {
  if (key === '' || key.includes('.')) {
    throw new TypeError(
      `${m.constructor.name}: property '${clip(key)}' holds ${what}, but a name with '.' (or an empty one) ` +
        'cannot be registered: dotted parameter names would be ambiguous. Rename the property.',
    );
  }
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

// Constructor-argument checks shared by the layers (nn.RNN/LSTM/GRU, nn.Linear, nn.Dropout, nn.MSELoss).

/** True for `{ … }` literals (and `Object.create(null)`), the only values accepted as an options object. */
export function isOptionsObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** One argument for a message: `1`, `'a'`, `{ inputSize, … }` (an object's keys), `an array of 3`; bounded. */
export function describeArgument(x: unknown): string {
  if (typeof x === 'string') return `'${clip(x).slice(0, 40)}'`;
  if (isOptionsObject(x)) {
    const keys = Object.keys(x);
    const shown = keys.slice(0, 6).map((k) => clip(k).slice(0, 30));
    return keys.length === 0 ? '{}' : `{ ${shown.join(', ')}${keys.length > 6 ? ', …' : ''} }`;
  }
  if (x === null || x === undefined || typeof x !== 'object') return String(x).slice(0, 40);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return `a ${String(x.constructor?.name ?? 'object').slice(0, 40)}`;
}

/** A call's arguments for a "got …" message: `no arguments`, or `(1, 'a', { inputSize, … })`. */
export function describeArguments(args: readonly unknown[]): string {
  if (args.length === 0) return 'no arguments';
  const shown = args.slice(0, 6).map(describeArgument);
  return `(${shown.join(', ')}${args.length > 6 ? `, … ${args.length - 6} more` : ''})`;
}

/**
 * Throws if `options` has a key (with a defined value) outside `allowed`: a key in `positional` was already
 * given as an argument; any other is unknown, with a suggestion for PyTorch's snake_case names
 * (`batch_first` → `batchFirst`).
 */
export function checkOptionKeys(
  where: string,
  options: Record<string, unknown>,
  allowed: readonly string[],
  positional: readonly string[] = [],
): void {
  for (const key of Object.keys(options)) {
    if (options[key] === undefined || allowed.includes(key)) continue;
    if (positional.includes(key)) {
      throw new TypeError(
        `${where}: ${key} is given as an argument and again in the options object; give it once`,
      );
    }
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).toLowerCase();
    const near = [...allowed, ...positional].find((k) => k.toLowerCase() === camel);
    throw new TypeError(
      `${where}: unknown option '${clip(key).slice(0, 40)}'${near ? `; did you mean '${near}'?` : ''} ` +
        `(options: ${allowed.join(', ')})`,
    );
  }
}
