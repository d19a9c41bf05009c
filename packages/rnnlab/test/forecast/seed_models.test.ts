/**
 * seed_models.json: the tutorial's DRNN, BRNN, LSTM and GRU (recurrent stack + Linear at every step) — forward
 * output, loss and every gradient against PyTorch, then 10 Adam steps (loss before each step, loss after the
 * last, every parameter after the last step) against PyTorch's float32 training run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ModelKind, SequenceRegressor } from '../../src/forecast/models.js';
import { nn, optim, tensor } from '../../src/index.js';
import { assertClose, F32, torchFixture } from '../support/fixtures.js';

const fx = torchFixture('seed_models');
const KIND: Record<string, ModelKind> = { DRNN: 'drnn', BRNN: 'brnn', LSTM: 'lstm', GRU: 'gru' };

function load(m: {
  name: string;
  param_names: string[];
  params: Record<string, { shape: number[]; data: number[] }>;
}) {
  const model = new SequenceRegressor({
    kind: KIND[m.name],
    inputSize: fx.config.input_size,
    outputSize: fx.config.output_size,
    hiddenSize: fx.config.hidden_size,
    numLayers: fx.config.num_layers,
  });
  // The fixture names the recurrent submodule `rnn` for all four; rnnlab uses the tutorial's names (lstm, gru).
  const rename = (n: string) => n.replace(/^rnn\./, `${model.rnnName}.`);
  assert.deepEqual(
    model.namedParameters().map(([n]) => n),
    m.param_names.map(rename),
  );
  model.loadStateDict(Object.fromEntries(Object.entries(m.params).map(([n, v]) => [rename(n), v])));
  return { model, rename };
}

/** loss = Σ (ŷ.squeeze() − Y)², as the tutorial's MSELoss(reduction='none')(...).sum(). */
function lossOf(
  model: SequenceRegressor,
  X: { shape: number[]; data: number[] },
  Y: { shape: number[]; data: number[] },
) {
  const x = tensor(X.data, X.shape);
  const y = tensor(Y.data, Y.shape);
  const pred = model.forward(x);
  return { pred, elements: new nn.MSELoss({ reduction: 'none' }).forward(pred.squeeze(-1), y) };
}

describe('seed_models.json', () => {
  for (const m of fx.models) {
    test(`${m.name}: forward, loss and gradients`, () => {
      const { model, rename } = load(m);
      const { pred, elements } = lossOf(model, fx.data.float64.X, fx.data.float64.Y);
      assertClose(pred.data, m.float64.output.data, F32, 'output');
      assertClose(elements.data, m.float64.loss_elements.data, F32, 'loss elements');
      const loss = elements.sum();
      assertClose([loss.item()], [m.float64.loss_sum], F32, 'loss sum');
      loss.backward();
      for (const [name, p] of m.param_names.map((n: string) => [n, model.stateDict()[rename(n)]])) {
        const e = m.float64.grads[name].data as number[];
        const scale = e.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        assertClose(p.grad!.data, e, { rtol: 1e-3, atol: 1e-4 * scale }, `grad ${name}`);
      }
    });

    test(`${m.name}: 10 Adam steps match PyTorch's float32 training`, () => {
      const { model, rename } = load(m);
      const h = fx.training;
      const opt = new optim.Adam(model.parameters(), {
        lr: h.lr,
        betas: h.betas,
        eps: h.eps,
        weightDecay: h.weight_decay,
      });
      const losses: number[] = [];
      for (let s = 0; s < h.steps; s++) {
        opt.zeroGrad();
        const loss = lossOf(model, fx.data.float32.X, fx.data.float32.Y).elements.sum();
        losses.push(loss.item());
        loss.backward();
        opt.step();
      }
      const after = lossOf(model, fx.data.float32.X, fx.data.float32.Y).elements.sum().item();
      const tr = m.train_float32;
      assertClose(losses, tr.loss_before_step, { rtol: 1e-4, atol: 0 }, 'loss before each step');
      assertClose([after], [tr.loss_after_last_step], { rtol: 1e-4, atol: 0 }, 'loss after last step');
      for (const n of m.param_names as string[]) {
        const p = model.stateDict()[rename(n)];
        assertClose(
          p.data,
          tr.params_after_last_step[n].data,
          { rtol: 0, atol: 1e-4 },
          `${n} after 10 steps`,
        );
      }
    });
  }
});
