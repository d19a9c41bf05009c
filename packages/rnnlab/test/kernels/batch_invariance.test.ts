import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellMode } from '../../src/kernels/recurrent.js';
import * as wasm from '../../src/kernels/recurrent.js';
import { type ModuleSpec, randomModuleSpec, runModule } from './layer_runner.js';

/**
 * The GEMMs sum every element over k in the same order whatever the number of rows (batch-1 steps run in the row-tail
 * kernels, larger batches in 4-row panels plus tails), and everything else is elementwise, so a sample's outputs and
 * its input / initial-state gradients must have exactly the same bits alone (B = 1) as inside a batch.
 */

const [T, B, I, H, L, D] = [9, 6, 5, 19, 2, 2 as const];

function spec(mode: CellMode, P: number, seed: number): ModuleSpec {
  return randomModuleSpec(mode, P, seed, { T, B, I, H, L, D });
}

/** Sample b of a (R, B, F) tensor (time-major data or stacked states) as (R, 1, F). */
function sample(data: ArrayLike<number>, R: number, F: number, b: number): Float32Array {
  const out = new Float32Array(R * F);
  for (let r = 0; r < R; r++) for (let f = 0; f < F; f++) out[r * F + f] = data[(r * B + b) * F + f];
  return out;
}

function assertSameBits(got: Float32Array, want: Float32Array, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) assert.fail(`${label}: element ${i} is ${got[i]}, in the batch ${want[i]}`);
  }
}

for (const [mode, P] of [
  ['lstm', 0],
  ['lstm', 4],
  ['gru', 0],
  ['rnn_tanh', 0],
] as [CellMode, number][]) {
  test(`${mode}${P ? ` proj ${P}` : ''}: each sample alone (B 1) gives the bits it gets in a batch of ${B}`, () => {
    const m = spec(mode, P, 77 + P);
    const Hout = P > 0 ? P : H;
    const LD = L * D;
    const whole = runModule(wasm, m);
    for (let b = 0; b < B; b++) {
      const one = runModule(wasm, {
        ...m,
        B: 1,
        input: sample(m.input, T, I, b),
        h0: sample(m.h0!, LD, Hout, b),
        c0: m.c0 && sample(m.c0, LD, H, b),
        rOut: sample(m.rOut, T, D * Hout, b),
        rHn: sample(m.rHn, LD, Hout, b),
        rCn: m.rCn && sample(m.rCn, LD, H, b),
      });
      const at = `sample ${b}`;
      assertSameBits(one.output, sample(whole.output, T, D * Hout, b), `${at} output`);
      assertSameBits(one.hN, sample(whole.hN, LD, Hout, b), `${at} h_n`);
      if (whole.cN) assertSameBits(one.cN!, sample(whole.cN, LD, H, b), `${at} c_n`);
      assertSameBits(one.grads.input, sample(whole.grads.input, T, I, b), `${at} grad input`);
      assertSameBits(one.grads.h0, sample(whole.grads.h0, LD, Hout, b), `${at} grad h0`);
      if (whole.grads.c0) assertSameBits(one.grads.c0, sample(whole.grads.c0, LD, H, b), `${at} grad c0`);
    }
  });
}
