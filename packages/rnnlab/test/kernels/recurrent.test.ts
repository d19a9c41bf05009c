import { test } from 'node:test';
import type { CellMode } from '../../src/kernels/recurrent.js';
import * as wasm from '../../src/kernels/recurrent.js';
import * as reference from '../../src/kernels/reference/recurrent.js';
import { type Impl, type ModuleSpec, runModule } from './layer_runner.js';
import { assertClose, fixture, swap01 } from './util.js';

const impls: Record<string, Impl> = { wasm, reference };
const fx = fixture('recurrent');

// biome-ignore lint/suspicious/noExplicitAny: fixture case as documented in test/fixtures/torch/README.md
function spec(c: any): ModuleSpec {
  const cfg = c.config;
  const mode: CellMode =
    c.module === 'LSTM' ? 'lstm' : c.module === 'GRU' ? 'gru' : (`rnn_${cfg.nonlinearity}` as CellMode);
  const D = cfg.bidirectional ? 2 : 1;
  const Hout = cfg.proj_size > 0 ? cfg.proj_size : cfg.hidden_size;
  const T = c.seq_len;
  const B = c.batch;
  // Batch-first tensors become time-major for the layer API.
  const tm = (t: { data: number[] }, F: number): ArrayLike<number> =>
    cfg.batch_first ? swap01(t.data, B, T, F) : t.data;
  const params: Record<string, number[]> = {};
  for (const name of c.param_names) params[name] = c.params[name].data;
  return {
    mode,
    T,
    B,
    inputSize: cfg.input_size,
    hiddenSize: cfg.hidden_size,
    projSize: cfg.proj_size,
    numLayers: cfg.num_layers,
    directions: D,
    bias: cfg.bias,
    params,
    input: tm(c.inputs.input, cfg.input_size),
    h0: c.inputs.h0?.data ?? null,
    c0: c.inputs.c0?.data ?? null,
    rOut: tm(c.loss_weights.output, D * Hout),
    rHn: c.loss_weights.h_n.data,
    rCn: c.loss_weights.c_n?.data ?? null,
  };
}

for (const c of fx.cases) {
  for (const [implName, impl] of Object.entries(impls)) {
    test(`recurrent ${c.name} (${implName}) matches PyTorch float64: outputs and every gradient`, () => {
      const m = spec(c);
      const D = m.directions;
      const Hout = m.projSize > 0 ? m.projSize : m.hiddenSize;
      const r = runModule(impl, m);
      const want = c.float64;
      const bf = (a: Float32Array, F: number): ArrayLike<number> =>
        c.config.batch_first ? swap01(a, m.T, m.B, F) : a;
      assertClose(bf(r.output, D * Hout), want.outputs.output.data, `${c.name} output`);
      assertClose(r.hN, want.outputs.h_n.data, `${c.name} h_n`);
      if (want.outputs.c_n) assertClose(r.cN!, want.outputs.c_n.data, `${c.name} c_n`);
      assertClose(bf(r.grads.input, m.inputSize), want.grads.input.data, `${c.name} grad input`);
      for (const name of ['h0', 'c0']) {
        if (want.grads[name]) assertClose(r.grads[name], want.grads[name].data, `${c.name} grad ${name}`);
      }
      for (const name of c.param_names)
        assertClose(r.grads[name], want.grads[name].data, `${c.name} grad ${name}`);
    });
  }
}
