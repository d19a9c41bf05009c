/**
 * Every case of recurrent.json: nn.RNN / nn.LSTM / nn.GRU outputs, final states and the gradient of
 * L = Σ output·R + Σ h_n·R_h (+ Σ c_n·R_c) w.r.t. input, h0, c0 and every parameter, against PyTorch float64,
 * on both the WebAssembly kernels and the reference kernels.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nn, type Tensor, tensor } from '../../src/index.js';
import { setRecurrentBackend } from '../../src/nn/functional/recurrent.js';
import { assertClose, F32, type Fx, torchFixture } from '../support/fixtures.js';

const fx = torchFixture('recurrent');

function build(c: Fx): nn.RNN | nn.LSTM | nn.GRU {
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
  if (c.module === 'RNN') return new nn.RNN({ ...base, nonlinearity: cfg.nonlinearity });
  if (c.module === 'LSTM') return new nn.LSTM({ ...base, projSize: cfg.proj_size });
  return new nn.GRU(base);
}

const t = (x: { shape: number[]; data: number[] }, requiresGrad = false): Tensor =>
  tensor(x.data, x.shape, { requiresGrad });

for (const backend of ['wasm', 'reference'] as const) {
  describe(`recurrent.json (${backend} kernels)`, () => {
    for (const c of fx.cases) {
      test(c.name, () => {
        setRecurrentBackend(backend);
        try {
          const m = build(c);
          assert.deepEqual(
            m.namedParameters().map(([n]) => n),
            c.param_names,
            'parameter names and order',
          );
          for (const [n, p] of m.namedParameters())
            assert.deepEqual(p.shape, c.params[n].shape, `shape of ${n}`);
          m.loadStateDict(Object.fromEntries(c.param_names.map((n: string) => [n, c.params[n]])));
          const x = t(c.inputs.input, true);
          const h0 = c.inputs.h0 ? t(c.inputs.h0, true) : null;
          const c0 = c.inputs.c0 ? t(c.inputs.c0, true) : null;
          let out: Tensor;
          let hN: Tensor;
          let cN: Tensor | null = null;
          if (m instanceof nn.LSTM) {
            [out, [hN, cN]] = m.forward(x, h0 && c0 ? [h0, c0] : undefined);
          } else {
            [out, hN] = m.forward(x, h0);
          }
          const e = c.float64;
          assert.deepEqual(out.shape, e.outputs.output.shape, 'output shape');
          assert.deepEqual(hN.shape, e.outputs.h_n.shape, 'h_n shape');
          assertClose(out.data, e.outputs.output.data, F32, 'output');
          assertClose(hN.data, e.outputs.h_n.data, F32, 'h_n');
          let loss = out
            .mul(t(c.loss_weights.output))
            .sum()
            .add(hN.mul(t(c.loss_weights.h_n)).sum());
          if (cN) {
            assert.deepEqual(cN.shape, e.outputs.c_n.shape, 'c_n shape');
            assertClose(cN.data, e.outputs.c_n.data, F32, 'c_n');
            loss = loss.add(cN.mul(t(c.loss_weights.c_n)).sum());
          }
          assertClose([loss.item()], [e.loss], F32, 'loss');
          loss.backward();
          assertClose(x.grad!.data, e.grads.input.data, F32, 'grad input');
          if (h0) assertClose(h0.grad!.data, e.grads.h0.data, F32, 'grad h0');
          if (c0) assertClose(c0.grad!.data, e.grads.c0.data, F32, 'grad c0');
          for (const [n, p] of m.namedParameters()) {
            assert.ok(p.grad, `${n} has a gradient`);
            assertClose(p.grad.data, e.grads[n].data, F32, `grad ${n}`);
          }
        } finally {
          setRecurrentBackend('wasm');
        }
      });
    }
  });
}
