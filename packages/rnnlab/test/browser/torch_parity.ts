/**
 * The PyTorch parity fixtures of test/fixtures/torch (recurrent, linear, mse, adam) checked through the public API
 * only and without any Node built-in, so the same code runs in Node, in a browser page and in a Web Worker.
 *
 * Every compared quantity gives one row { fixture, case, field, maxAbsErr, ok }: ok when the shapes agree and
 * |a − e| ≤ atol + rtol·|e| for every element, against PyTorch's float64 results, with the float32 tolerance of the
 * fixtures' README and of the Node suites (`F32` of test/support/fixtures.ts). A case that throws gives a row with
 * field 'error' (and ok false) after the rows it reached. What each case compares is what the Node suites compare:
 *   recurrent.json — nn.RNN / nn.LSTM / nn.GRU: parameter names and shapes, output, h_n, c_n, the loss
 *     L = Σ output·R + Σ h_n·R_h (+ Σ c_n·R_c), and dL/d input, h0, c0 and every parameter
 *     (test/nn/recurrent_parity.test.ts);
 *   linear.json — nn.Linear output, loss, gradients of input, weight, bias; mse.json — nn.MSELoss output and the
 *     gradients of input and target for each reduction (test/nn/linear_mse.test.ts);
 *   adam.json — optim.Adam: every parameter after every step, then step count, exp_avg, exp_avg_sq and
 *     max_exp_avg_sq (test/optim/adam.test.ts).
 */
import { nn, optim, type Tensor, tensor } from 'rnnlab';

/** A fixture tensor: shape and row-major data (exact doubles, representable in float32). */
export interface FxTensor {
  shape: number[];
  data: number[];
}
type Named = Record<string, FxTensor>;

interface RecurrentCase {
  name: string;
  module: 'RNN' | 'LSTM' | 'GRU';
  config: {
    input_size: number;
    hidden_size: number;
    num_layers: number;
    nonlinearity: 'tanh' | 'relu' | null;
    bias: boolean;
    batch_first: boolean;
    bidirectional: boolean;
    proj_size: number;
    dropout: number;
  };
  param_names: string[];
  params: Named;
  inputs: { input: FxTensor; h0: FxTensor | null; c0: FxTensor | null };
  loss_weights: { output: FxTensor; h_n: FxTensor; c_n: FxTensor | null };
  float64: {
    outputs: { output: FxTensor; h_n: FxTensor; c_n: FxTensor | null };
    loss: number;
    grads: Record<string, FxTensor | null>;
  };
}

interface LinearCase {
  name: string;
  config: { in_features: number; out_features: number; bias: boolean };
  params: { weight: FxTensor; bias: FxTensor | null };
  inputs: { input: FxTensor };
  loss_weights: { output: FxTensor };
  float64: {
    output: FxTensor;
    loss: number;
    grads: { input: FxTensor; weight: FxTensor; bias: FxTensor | null };
  };
}

const REDUCTIONS = ['none', 'mean', 'sum'] as const;

interface MseCase {
  name: string;
  shape: number[];
  inputs: { input: FxTensor; target: FxTensor };
  loss_weights: { none: FxTensor };
  float64: Record<
    (typeof REDUCTIONS)[number],
    { output: FxTensor; grad_input: FxTensor; grad_target: FxTensor }
  >;
}

interface AdamCase {
  name: string;
  hyperparameters: {
    lr: number;
    betas: [number, number];
    eps: number;
    weight_decay: number;
    amsgrad: boolean;
  };
  steps: number;
  param_names: string[];
  params_initial: Named;
  grads_per_step: Named[];
  float64: {
    params_after_step: Named[];
    state_after_last_step: Record<
      string,
      { step: number; exp_avg: FxTensor; exp_avg_sq: FxTensor; max_exp_avg_sq: FxTensor | null }
    >;
  };
}

/** The parsed fixture files, by name (test/fixtures/torch/<name>.json). */
export interface TorchFixtures {
  recurrent: { cases: RecurrentCase[] };
  linear: { cases: LinearCase[] };
  mse: { cases: MseCase[] };
  adam: { cases: AdamCase[] };
}
export type FixtureName = keyof TorchFixtures;
export const FIXTURE_NAMES: readonly FixtureName[] = ['recurrent', 'linear', 'mse', 'adam'];

/** One compared quantity of one case. */
export interface FieldCheck {
  fixture: FixtureName;
  case: string;
  field: string;
  /** max |a − e| over the elements (NaN when the shapes differ or the case threw). */
  maxAbsErr: number;
  ok: boolean;
  /** Why it is not ok: the worst element, the shapes or the error. */
  detail?: string;
}

/** float32 implementation vs PyTorch float64 (fixtures README; `F32` of test/support/fixtures.ts). */
export const FIXTURE_TOLERANCE = { rtol: 1e-4, atol: 1e-5 } as const;

/** The rows of one case. */
class CaseChecks {
  readonly rows: FieldCheck[] = [];
  constructor(
    readonly fixture: FixtureName,
    readonly name: string,
  ) {}

  /** Compares `actual` (with its shape, when it has one) with `expected` elementwise, within FIXTURE_TOLERANCE. */
  close(field: string, actual: ArrayLike<number>, expected: FxTensor, actualShape?: readonly number[]): void {
    if (actualShape && actualShape.join() !== expected.shape.join()) {
      this.fact(field, false, `shape [${actualShape}], expected [${expected.shape}]`);
      return;
    }
    if (actual.length !== expected.data.length) {
      this.fact(field, false, `${actual.length} values, expected ${expected.data.length}`);
      return;
    }
    const { rtol, atol } = FIXTURE_TOLERANCE;
    let maxAbsErr = 0;
    let worst = -1;
    let worstExcess = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i];
      const e = expected.data[i];
      const err = Math.abs(a - e);
      maxAbsErr = Number.isNaN(err) || err > maxAbsErr ? err : maxAbsErr;
      const excess = err - (atol + rtol * Math.abs(e));
      if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
        worst = i;
        worstExcess = excess;
      }
    }
    const row: FieldCheck = { fixture: this.fixture, case: this.name, field, maxAbsErr, ok: worst < 0 };
    if (worst >= 0) {
      row.detail =
        `element ${worst} is ${actual[worst]}, expected ${expected.data[worst]} ` +
        `(> atol ${atol} + rtol ${rtol}·|e|)`;
    }
    this.rows.push(row);
  }

  /** A yes/no comparison (names, shapes, counts). */
  fact(field: string, ok: boolean, detail: string): void {
    this.rows.push({
      fixture: this.fixture,
      case: this.name,
      field,
      maxAbsErr: ok ? 0 : Number.NaN,
      ok,
      ...(ok ? {} : { detail }),
    });
  }

  /** Runs `body`; an exception becomes an 'error' row. */
  run(body: (c: CaseChecks) => void): FieldCheck[] {
    try {
      body(this);
    } catch (e) {
      this.fact('error', false, String((e as Error)?.message ?? e).slice(0, 400));
    }
    return this.rows;
  }
}

const fromFx = (x: FxTensor, requiresGrad = false): Tensor => tensor(x.data, x.shape, { requiresGrad });
const scalar = (x: number): FxTensor => ({ shape: [], data: [x] });

function buildRecurrent(c: RecurrentCase): nn.RNN | nn.LSTM | nn.GRU {
  const cfg = c.config;
  const base = {
    inputSize: cfg.input_size,
    hiddenSize: cfg.hidden_size,
    numLayers: cfg.num_layers,
    bias: cfg.bias,
    batchFirst: cfg.batch_first,
    bidirectional: cfg.bidirectional,
    dropout: cfg.dropout,
  };
  if (c.module === 'RNN') return new nn.RNN({ ...base, nonlinearity: cfg.nonlinearity ?? 'tanh' });
  if (c.module === 'LSTM') return new nn.LSTM({ ...base, projSize: cfg.proj_size });
  return new nn.GRU(base);
}

function checkRecurrentCase(c: RecurrentCase, k: CaseChecks): void {
  const m = buildRecurrent(c);
  const names = m.namedParameters().map(([n]) => n);
  k.fact('parameter names', names.join() === c.param_names.join(), `got ${names}, expected ${c.param_names}`);
  m.loadStateDict(Object.fromEntries(c.param_names.map((n) => [n, c.params[n]])));
  const x = fromFx(c.inputs.input, true);
  const h0 = c.inputs.h0 ? fromFx(c.inputs.h0, true) : null;
  const c0 = c.inputs.c0 ? fromFx(c.inputs.c0, true) : null;
  let out: Tensor;
  let hN: Tensor;
  let cN: Tensor | null = null;
  if (m instanceof nn.LSTM) {
    [out, [hN, cN]] = m.forward(x, h0 && c0 ? [h0, c0] : undefined);
  } else {
    [out, hN] = m.forward(x, h0);
  }
  const e = c.float64;
  k.close('output', out.data, e.outputs.output, out.shape);
  k.close('h_n', hN.data, e.outputs.h_n, hN.shape);
  let loss = out
    .mul(fromFx(c.loss_weights.output))
    .sum()
    .add(hN.mul(fromFx(c.loss_weights.h_n)).sum());
  if (cN && e.outputs.c_n && c.loss_weights.c_n) {
    k.close('c_n', cN.data, e.outputs.c_n, cN.shape);
    loss = loss.add(cN.mul(fromFx(c.loss_weights.c_n)).sum());
  }
  k.close('loss', [loss.item()], scalar(e.loss));
  loss.backward();
  const grad = (field: string, t: Tensor, expected: FxTensor | null | undefined) => {
    if (!expected) return k.fact(field, false, 'no expected gradient in the fixture');
    if (!t.grad) return k.fact(field, false, 'no gradient after backward()');
    k.close(field, t.grad.data, expected, t.grad.shape);
  };
  grad('grad input', x, e.grads.input);
  if (h0) grad('grad h0', h0, e.grads.h0);
  if (c0) grad('grad c0', c0, e.grads.c0);
  for (const [n, p] of m.namedParameters()) grad(`grad ${n}`, p, e.grads[n]);
}

function checkLinearCase(c: LinearCase, k: CaseChecks): void {
  const lin = new nn.Linear(c.config.in_features, c.config.out_features, { bias: c.config.bias });
  lin.loadStateDict(
    c.params.bias ? { weight: c.params.weight, bias: c.params.bias } : { weight: c.params.weight },
  );
  const x = fromFx(c.inputs.input, true);
  const y = lin.forward(x);
  const e = c.float64;
  k.close('output', y.data, e.output, y.shape);
  const loss = y.mul(fromFx(c.loss_weights.output)).sum();
  k.close('loss', [loss.item()], scalar(e.loss));
  loss.backward();
  k.close('grad input', x.grad!.data, e.grads.input, x.grad!.shape);
  k.close('grad weight', lin.weight.grad!.data, e.grads.weight, lin.weight.grad!.shape);
  if (lin.bias && e.grads.bias) k.close('grad bias', lin.bias.grad!.data, e.grads.bias, lin.bias.grad!.shape);
}

function checkMseCase(c: MseCase, k: CaseChecks): void {
  for (const reduction of REDUCTIONS) {
    const x = tensor(c.inputs.input.data, c.shape, { requiresGrad: true });
    const y = tensor(c.inputs.target.data, c.shape, { requiresGrad: true });
    const out = new nn.MSELoss({ reduction }).forward(x, y);
    const e = c.float64[reduction];
    k.close(`${reduction}: output`, out.data, e.output, out.shape);
    const loss = reduction === 'none' ? out.mul(tensor(c.loss_weights.none.data, c.shape)).sum() : out;
    loss.backward();
    k.close(`${reduction}: grad input`, x.grad!.data, e.grad_input, x.grad!.shape);
    k.close(`${reduction}: grad target`, y.grad!.data, e.grad_target, y.grad!.shape);
  }
}

function checkAdamCase(c: AdamCase, k: CaseChecks): void {
  const h = c.hyperparameters;
  const params = c.param_names.map((n) => fromFx(c.params_initial[n], true));
  const opt = new optim.Adam(params, {
    lr: h.lr,
    betas: h.betas,
    eps: h.eps,
    weightDecay: h.weight_decay,
    amsgrad: h.amsgrad,
  });
  for (let s = 0; s < c.steps; s++) {
    c.param_names.forEach((n, i) => {
      params[i].grad = fromFx(c.grads_per_step[s][n]);
    });
    opt.step();
    c.param_names.forEach((n, i) => {
      k.close(`${n} after step ${s + 1}`, params[i].data, c.float64.params_after_step[s][n], params[i].shape);
    });
  }
  c.param_names.forEach((n, i) => {
    const st = opt.stateOf(params[i]);
    const e = c.float64.state_after_last_step[n];
    if (!st) {
      k.fact(`${n} state`, false, 'optim.Adam has no state for it');
      return;
    }
    k.fact(`${n} step`, st.step === e.step, `step ${st.step}, expected ${e.step}`);
    k.close(`${n} exp_avg`, st.expAvg, e.exp_avg);
    k.close(`${n} exp_avg_sq`, st.expAvgSq, e.exp_avg_sq);
    if (h.amsgrad) {
      if (!st.maxExpAvgSq || !e.max_exp_avg_sq) k.fact(`${n} max_exp_avg_sq`, false, 'missing with amsgrad');
      else k.close(`${n} max_exp_avg_sq`, st.maxExpAvgSq, e.max_exp_avg_sq);
    }
  });
}

/** Every case of every fixture file, in file order. */
export function checkTorchFixtures(fx: TorchFixtures): FieldCheck[] {
  const each = <C extends { name: string }>(
    fixture: FixtureName,
    cases: C[],
    check: (c: C, k: CaseChecks) => void,
  ) => cases.flatMap((c) => new CaseChecks(fixture, c.name).run((k) => check(c, k)));
  return [
    ...each('recurrent', fx.recurrent.cases, checkRecurrentCase),
    ...each('linear', fx.linear.cases, checkLinearCase),
    ...each('mse', fx.mse.cases, checkMseCase),
    ...each('adam', fx.adam.cases, checkAdamCase),
  ];
}
