import { test } from 'node:test';
import type { CellMode } from '../../src/kernels/recurrent.js';
import * as wasm from '../../src/kernels/recurrent.js';
import * as reference from '../../src/kernels/reference/recurrent.js';
import { type ModuleSpec, runModule } from './layer_runner.js';
import { assertClose, rng } from './util.js';

/** A 2-layer bidirectional module with random parameters, input, initial state and loss weights. */
function randomSpec(mode: CellMode, projSize: number, seed: number): ModuleSpec {
  const rand = rng(seed);
  const [T, B, I, H, L, D] = [20, 5, 7, 33, 2, 2 as const];
  const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
  const Hout = projSize > 0 ? projSize : H;
  const k = 1 / Math.sqrt(H);
  const vec = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => rand() * scale);
  const params: Record<string, Float32Array> = {};
  for (let l = 0; l < L; l++) {
    for (const sfx of ['', '_reverse']) {
      params[`weight_ih_l${l}${sfx}`] = vec(G * H * (l === 0 ? I : D * Hout), k);
      params[`weight_hh_l${l}${sfx}`] = vec(G * H * Hout, k);
      params[`bias_ih_l${l}${sfx}`] = vec(G * H, k);
      params[`bias_hh_l${l}${sfx}`] = vec(G * H, k);
      if (projSize > 0) params[`weight_hr_l${l}${sfx}`] = vec(projSize * H, k);
    }
  }
  return {
    mode,
    T,
    B,
    inputSize: I,
    hiddenSize: H,
    projSize,
    numLayers: L,
    directions: D,
    bias: true,
    params,
    input: vec(T * B * I),
    h0: vec(L * D * B * Hout),
    c0: mode === 'lstm' ? vec(L * D * B * H) : null,
    rOut: vec(T * B * D * Hout),
    rHn: vec(L * D * B * Hout),
    rCn: mode === 'lstm' ? vec(L * D * B * H) : null,
  };
}

const cases: [CellMode, number][] = [
  ['rnn_tanh', 0],
  ['rnn_relu', 0],
  ['lstm', 0],
  ['lstm', 5],
  ['gru', 0],
];

for (const [mode, P] of cases) {
  test(`recurrent ${mode}${P ? ` proj ${P}` : ''} T20 B5 I7 H33, 2 layers, bidirectional: wasm = reference`, () => {
    const m = randomSpec(mode, P, 1234 + P);
    const a = runModule(wasm, m);
    const e = runModule(reference, m);
    assertClose(a.output, e.output, 'output');
    assertClose(a.hN, e.hN, 'h_n');
    if (e.cN) assertClose(a.cN!, e.cN, 'c_n');
    for (const [name, g] of Object.entries(e.grads)) {
      // Gradients sum over T·B terms: scale atol with the tensor's magnitude.
      const scale = Math.max(1, ...Array.from(g, Math.abs));
      assertClose(a.grads[name], g, `grad ${name}`, 1e-5 * scale, 1e-4);
    }
  });
}
