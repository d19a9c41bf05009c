import { test } from 'node:test';
import type { CellMode } from '../../src/kernels/recurrent.js';
import * as wasm from '../../src/kernels/recurrent.js';
import * as reference from '../../src/kernels/reference/recurrent.js';
import { type ModuleSpec, randomModuleSpec, runModule } from './layer_runner.js';
import { assertClose } from './util.js';

/** A 2-layer bidirectional module with random parameters, input, initial state and loss weights. */
function randomSpec(mode: CellMode, projSize: number, seed: number): ModuleSpec {
  return randomModuleSpec(mode, projSize, seed, { T: 20, B: 5, I: 7, H: 33, L: 2, D: 2 });
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
