/**
 * The cell traces against the engine's own forward (hidden states of every layer, the LSTM cell state), every
 * gate against its cell equation, and the input gradient against central finite differences of the engine.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualSeed, nn, noGrad, randn, tensor } from 'rnnlab';
import {
  evalSet,
  MODEL_KINDS,
  type ModelKind,
  prepareData,
  runModelJob,
  SequenceRegressor,
  targetToPrice,
  windowInputs,
} from 'rnnlab/forecast';
import { loadDataset } from 'rnnlab/node';
import {
  type CellTrace,
  describeInputGradient,
  inputGradient,
  inputGradientOf,
  type RunWeights,
  regressorOf,
  stepLabel,
  traceCells,
} from '../src/cells.js';

const T = 16;
const H = 8;
const L = 2;

/** A run of `kind` with seeded random weights (hidden 8, 2 layers) and a random window (T, F). */
function randomRun(kind: ModelKind, F: number, seed: number): { run: RunWeights; x: Float32Array } {
  manualSeed(seed);
  const model = new SequenceRegressor({ kind, inputSize: F, hiddenSize: H, numLayers: L });
  const state = Object.fromEntries(
    model.namedParameters().map(([n, p]) => [n, { shape: [...p.shape], data: Float32Array.from(p.data) }]),
  );
  return { run: { config: model.config, state }, x: Float32Array.from(randn([T, F]).data) };
}

/** The engine's recurrent output (T, D·H) for a stack of the run's first `layers` layers. */
function engineStack(
  run: RunWeights,
  x: Float32Array,
  layers: number,
): { out: Float32Array; cN: Float32Array | null } {
  const model = new SequenceRegressor({ ...run.config, numLayers: layers });
  const keep = new Set(model.namedParameters().map(([n]) => n));
  model.loadStateDict(Object.fromEntries(Object.entries(run.state).filter(([n]) => keep.has(n))));
  model.eval();
  return noGrad(() => {
    const xt = tensor(x, [1, T, run.config.inputSize]);
    if (model.rnn instanceof nn.LSTM) {
      const [out, [, cN]] = model.rnn.forward(xt);
      return { out: Float32Array.from(out.data), cN: Float32Array.from(cN.data) };
    }
    const [out] = model.rnn.forward(xt);
    return { out: Float32Array.from(out.data), cN: null };
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

const gate = (tr: CellTrace, name: string) => {
  const g = tr.gates.find((e) => e.name === name);
  assert.ok(g, `gate ${name}`);
  return g.values;
};

/** For GRU layer l: n = tanh(W_in x + b_in + r∘(W_hn h_{t−1} + b_hn)) with the trace's r. */
function checkGruReset(run: RunWeights, tr: CellTrace, input: ArrayLike<number>, I: number): void {
  const s = (n: string) => run.state[`gru.${n}_l${tr.layer}`].data;
  const [wIh, wHh, bIh, bHh] = [s('weight_ih'), s('weight_hh'), s('bias_ih'), s('bias_hh')];
  const r = gate(tr, 'r');
  const n = gate(tr, 'n');
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < H; j++) {
      const row = 2 * H + j;
      let a = bIh[row];
      for (let k = 0; k < I; k++) a += wIh[row * I + k] * input[t * I + k];
      let b = bHh[row];
      for (let k = 0; k < H && t > 0; k++) b += wHh[row * H + k] * tr.hidden[(t - 1) * H + k];
      assert.ok(Math.abs(Math.tanh(a + r[t * H + j] * b) - n[t * H + j]) < 1e-6, `n at t=${t}, unit ${j}`);
    }
  }
}

describe('traceCells', () => {
  for (const kind of MODEL_KINDS) {
    for (const F of [1, 2]) {
      test(`${kind}, ${F} feature(s): hidden states of every layer equal the engine's forward`, () => {
        const { run, x } = randomRun(kind, F, 11 + F);
        const D = kind === 'brnn' ? 2 : 1;
        for (let l = 0; l < L; l++) {
          const tr = traceCells(run, x, l);
          assert.equal(tr.T, T);
          assert.equal(tr.H, H);
          assert.equal(tr.layer, l);
          const { out, cN } = engineStack(run, x, l + 1);
          const forward = new Float32Array(T * H);
          for (let t = 0; t < T; t++) forward.set(out.subarray(t * D * H, t * D * H + H), t * H);
          const diff = maxAbsDiff(tr.hidden, forward);
          assert.ok(diff < 1e-5, `layer ${l}: max |hidden − engine| = ${diff}`);
          if (kind === 'lstm') {
            assert.ok(tr.cell && cN);
            const last = tr.cell.subarray((T - 1) * H);
            const d = maxAbsDiff(last, cN.subarray(l * H, (l + 1) * H));
            assert.ok(d < 1e-5, `layer ${l}: max |c_T − engine cN| = ${d}`);
          } else assert.equal(tr.cell, undefined);
          if (kind === 'brnn') assert.match(tr.note ?? '', /forward direction only/i);
          else assert.equal(tr.note, undefined);
        }
        assert.equal(traceCells(run, x).layer, L - 1, 'the last layer by default');
      });
    }
  }

  test('LSTM gates: i, f, o in (0, 1), g in (−1, 1) with both signs; c = f∘c + i∘g and h = o∘tanh(c) at every step', () => {
    const { run, x } = randomRun('lstm', 2, 5);
    for (let l = 0; l < L; l++) {
      const tr = traceCells(run, x, l);
      assert.deepEqual(
        tr.gates.map((g) => [g.name, g.activation]),
        [
          ['i', 'sigmoid'],
          ['f', 'sigmoid'],
          ['g', 'tanh'],
          ['o', 'sigmoid'],
        ],
      );
      const [i, f, g, o] = ['i', 'f', 'g', 'o'].map((n) => gate(tr, n));
      for (const s of [i, f, o]) assert.ok(s.every((v) => v > 0 && v < 1));
      assert.ok(g.some((v) => v < 0) && g.some((v) => v > 0) && g.every((v) => v > -1 && v < 1));
      const c = tr.cell as Float32Array;
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) {
          const k = t * H + j;
          const prev = t === 0 ? 0 : c[k - H];
          assert.ok(Math.abs(f[k] * prev + i[k] * g[k] - c[k]) < 1e-6, `c at t=${t}, unit ${j}`);
          assert.ok(Math.abs(o[k] * Math.tanh(c[k]) - tr.hidden[k]) < 1e-6, `h at t=${t}, unit ${j}`);
        }
      }
    }
  });

  test('GRU gates: r, z in (0, 1), n in (−1, 1); h = (1−z)∘n + z∘h_prev and n uses r', () => {
    const { run, x } = randomRun('gru', 2, 6);
    for (let l = 0; l < L; l++) {
      const tr = traceCells(run, x, l);
      assert.deepEqual(
        tr.gates.map((g) => [g.name, g.activation]),
        [
          ['r', 'sigmoid'],
          ['z', 'sigmoid'],
          ['n', 'tanh'],
        ],
      );
      const [r, z, n] = ['r', 'z', 'n'].map((name) => gate(tr, name));
      for (const s of [r, z]) assert.ok(s.every((v) => v > 0 && v < 1));
      assert.ok(n.some((v) => v < 0) && n.some((v) => v > 0));
      for (let k = 0; k < T * H; k++) {
        const prev = k < H ? 0 : tr.hidden[k - H];
        assert.ok(Math.abs((1 - z[k]) * n[k] + z[k] * prev - tr.hidden[k]) < 1e-6, `h at ${k}`);
      }
      const input = l === 0 ? x : traceCells(run, x, l - 1).hidden;
      checkGruReset(run, tr, input, l === 0 ? 2 : H);
    }
  });

  test('plain RNNs have no gates; a relu RNN has non-negative hidden states', () => {
    const { run, x } = randomRun('drnn', 1, 7);
    assert.deepEqual(traceCells(run, x).gates, []);
    const relu = { ...run, config: { ...run.config, nonlinearity: 'relu' as const } };
    const tr = traceCells(relu, x);
    assert.ok(tr.hidden.every((v) => v >= 0));
    const { out } = engineStack(relu, x, L);
    assert.ok(maxAbsDiff(tr.hidden, out) < 1e-5);
  });

  test('rejects a layer out of range, a window of the wrong size and missing weights', () => {
    const { run, x } = randomRun('gru', 2, 8);
    assert.throws(() => traceCells(run, x, 2), /layer must be an integer in \[0, 1\], got 2/);
    assert.throws(() => traceCells(run, x.subarray(1)), /F = inputSize = 2, got 31 values/);
    const { 'gru.bias_hh_l1': _, ...rest } = run.state;
    assert.throws(() => traceCells({ ...run, state: rest }, x), /no gru\.bias_hh_l1 \(expected \[24\]\)/);
  });
});

describe('inputGradient', () => {
  for (const kind of MODEL_KINDS) {
    test(`${kind}: equals central finite differences of the engine's forecast`, () => {
      const F = 2;
      const { run, x } = randomRun(kind, F, 21);
      const { grad, output } = inputGradient(run, x);
      assert.equal(grad.length, T * F);
      const model = regressorOf(run);
      const forecast = (w: Float32Array) =>
        noGrad(() => model.forward(tensor(w, [1, T, F])).data[(T - 1) * run.config.outputSize]);
      assert.ok(Math.abs(forecast(x) - output) < 1e-6, 'the output is the last position’s forecast');
      const eps = 1e-2;
      const fd = new Float64Array(T * F);
      for (let k = 0; k < T * F; k++) {
        const up = Float32Array.from(x);
        const down = Float32Array.from(x);
        up[k] += eps;
        down[k] -= eps;
        fd[k] = (forecast(up) - forecast(down)) / (2 * eps);
      }
      const scale = Math.max(...Array.from(fd, Math.abs));
      assert.ok(scale > 0);
      const diff = maxAbsDiff(grad, fd);
      assert.ok(diff <= 1e-2 * scale, `max |autograd − finite differences| = ${diff}, max |fd| = ${scale}`);
    });
  }

  test('works inside noGrad and leaves the model’s parameters without gradients', () => {
    const { run, x } = randomRun('lstm', 1, 22);
    const model = regressorOf(run);
    const a = inputGradientOf(model, x);
    const b = noGrad(() => inputGradientOf(model, x));
    assert.deepEqual(a, b);
    assert.deepEqual(a.grad, inputGradient(run, x).grad);
    assert.ok(model.parameters().every((p) => p.grad === null));
  });
});

describe('a trained run', () => {
  test('the output for a test window, priced, is the run’s own forecast for it', () => {
    const d = prepareData(loadDataset(undefined, '2019-03-25:2020-06-30'), { seqLen: 8 });
    const run = runModelJob(d, {
      kind: 'lstm',
      seed: 1,
      model: { hiddenSize: 8, numLayers: 2 },
      train: { epochs: 1, lr: 1e-3, batchSize: 32 },
    });
    const s = evalSet(d, 'test');
    const model = regressorOf(run);
    for (const i of [0, s.ids.length - 1]) {
      const x = windowInputs(d, [s.ids[i]]);
      const { output } = inputGradientOf(model, x);
      const price = targetToPrice(d, [output], [s.previous[i]])[0];
      assert.ok(Math.abs(price - run.forecast[i]) <= 1e-6 * Math.abs(run.forecast[i]), `window ${i}`);
      assert.equal(traceCells(run, x).T, 8);
    }
  });
});

describe('describeInputGradient', () => {
  test('names the three heaviest days with their share and the sign of the heaviest', () => {
    const grad = new Float32Array(T);
    grad[T - 1] = 0.5;
    grad[T - 2] = -0.3;
    grad[3] = 0.15;
    grad[0] = 0.05;
    const dates = Array.from({ length: T }, (_, t) => `2024-01-${String(t + 1).padStart(2, '0')}`);
    assert.equal(
      describeInputGradient(grad, T, 1, dates),
      'The forecast leans most on 2024-01-16 (t, 50% of the total |∂forecast/∂input|), 2024-01-15 (t−1, 30%) ' +
        'and 2024-01-04 (t−12, 15%); a slightly higher input on 2024-01-16 raises it.',
    );
    assert.match(describeInputGradient(new Float32Array(T), T, 1), /zero on every day/);
    assert.match(describeInputGradient(Float32Array.of(Number.NaN, 1), 2, 1), /not finite/);
    assert.equal(stepLabel(T - 1, T), 't');
    assert.equal(stepLabel(0, T), 't−15');
  });
});
