/**
 * The inference kernels (`inferLayer`, the forward that saves nothing for a backward) against the training forward
 * (`forwardLayer`): the same output and final states bit for bit, for every cell, with and without initial states,
 * projections, reverse directions, odd sizes, and batches of one tile (≤ 16 rows) and of several. Their scratch
 * does not grow with the sequence length, a sample gets the same bits alone as inside a tiled batch, and a
 * batch-first output holds the same bits in the other order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellMode, DirectionParams, LayerShape } from '../../src/kernels/recurrent.js';
import * as wasm from '../../src/kernels/recurrent.js';
import { Arena, read, rng } from './util.js';

function assertSameBits(got: Float32Array, want: Float32Array, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i])
      assert.fail(`${label}: element ${i} is ${got[i]}, the training forward wrote ${want[i]}`);
  }
}

interface Layer {
  s: LayerShape;
  x: Float32Array;
  params: Float32Array[][];
  h0: Float32Array | null;
  c0: Float32Array | null;
}

const GATES: Record<CellMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

function randomLayer(s: LayerShape, seed: number, initial: boolean): Layer {
  const rand = rng(seed);
  const vec = (n: number, scale = 1) => Float32Array.from({ length: n }, () => rand() * scale);
  const G = GATES[s.mode] * s.hiddenSize;
  const Hout = s.projSize || s.hiddenSize;
  const k = 1 / Math.sqrt(s.hiddenSize);
  const params = Array.from({ length: s.directions }, () => [
    vec(G * s.inputSize, k),
    vec(G * Hout, k),
    vec(G, k),
    vec(G, k),
    vec(s.projSize * s.hiddenSize, k),
  ]);
  const lstm = s.mode === 'lstm';
  return {
    s,
    x: vec(s.T * s.B * s.inputSize, 2),
    params,
    h0: initial ? vec(s.directions * s.B * Hout) : null,
    c0: initial && lstm ? vec(s.directions * s.B * s.hiddenSize) : null,
  };
}

/** out, hN, cN of one layer through forwardLayer (save) or inferLayer (out batch-first with `bf`). */
function run(
  l: Layer,
  infer: boolean,
  bf = false,
): { out: Float32Array; hN: Float32Array; cN: Float32Array | null } {
  const { s } = l;
  const Hout = s.projSize || s.hiddenSize;
  const lstm = s.mode === 'lstm';
  const arena = new Arena();
  try {
    const params: DirectionParams[] = l.params.map((p) => ({
      wIh: arena.put(p[0]),
      wHh: arena.put(p[1]),
      bIh: arena.put(p[2]),
      bHh: arena.put(p[3]),
      wHr: s.projSize > 0 ? arena.put(p[4]) : 0,
    }));
    const outFloats = s.T * s.B * s.directions * Hout;
    const buffers = {
      input: arena.put(l.x),
      params,
      h0: l.h0 ? arena.put(l.h0) : 0,
      c0: l.c0 ? arena.put(l.c0) : 0,
      out: arena.zeros(outFloats),
      hN: arena.zeros(s.directions * s.B * Hout),
      cN: lstm ? arena.zeros(s.directions * s.B * s.hiddenSize) : 0,
      workspace: arena.zeros(infer ? wasm.layerInferenceFloats(s) : wasm.layerWorkspaceFloats(s)),
    };
    if (infer) wasm.inferLayer(s, buffers, bf);
    else wasm.forwardLayer(s, buffers);
    return {
      out: read(buffers.out, outFloats),
      hN: read(buffers.hN, s.directions * s.B * Hout),
      cN: lstm ? read(buffers.cN, s.directions * s.B * s.hiddenSize) : null,
    };
  } finally {
    arena.freeAll();
  }
}

const CELLS: [CellMode, number][] = [
  ['rnn_tanh', 0],
  ['rnn_relu', 0],
  ['lstm', 0],
  ['lstm', 3],
  ['gru', 0],
];

for (const [mode, P] of CELLS) {
  test(`${mode}${P ? ` proj ${P}` : ''}: inferLayer writes the bits forwardLayer writes (batches 1 to 37)`, () => {
    let seed = 1;
    for (const B of [1, 3, 16, 17, 37]) {
      for (const [T, I, H] of [
        [1, 1, 5],
        [9, 3, 6],
        [5, 1, 16],
      ]) {
        for (const directions of [1, 2] as const) {
          for (const initial of [false, true]) {
            const s: LayerShape = {
              mode,
              T,
              B,
              inputSize: I,
              hiddenSize: H,
              projSize: P,
              directions,
              bias: true,
            };
            const l = randomLayer(s, seed++, initial);
            const want = run(l, false);
            const got = run(l, true);
            const at = `B ${B} T ${T} I ${I} H ${H} D ${directions}${initial ? ' h0' : ''}`;
            assertSameBits(got.out, want.out, `${at} out`);
            assertSameBits(got.hN, want.hN, `${at} h_n`);
            if (want.cN) assertSameBits(got.cN!, want.cN, `${at} c_n`);
          }
        }
      }
    }
  });
}

test('inferLayer saves nothing per step: its scratch is the same for 1 step and 1000', () => {
  for (const [mode, P] of CELLS) {
    const s = (T: number, B: number): LayerShape => ({
      mode,
      T,
      B,
      inputSize: 7,
      hiddenSize: 12,
      projSize: P,
      directions: 2,
      bias: true,
    });
    assert.equal(wasm.layerInferenceFloats(s(1, 5)), wasm.layerInferenceFloats(s(1000, 5)), mode);
    // Tiles of 16 rows: a batch of 16 or of 10000 needs the same scratch.
    assert.equal(wasm.layerInferenceFloats(s(3, 16)), wasm.layerInferenceFloats(s(3, 10000)), mode);
    assert.ok(wasm.layerInferenceFloats(s(1000, 5)) < wasm.layerWorkspaceFloats(s(1000, 5)) / 10, mode);
  }
});

test('a tiled batch (53 rows: tiles of 16, 16, 16, 5) gives each sample the bits it gets alone', () => {
  for (const [mode, P] of CELLS) {
    const s: LayerShape = {
      mode,
      T: 6,
      B: 53,
      inputSize: 2,
      hiddenSize: 9,
      projSize: P,
      directions: 2,
      bias: true,
    };
    const l = randomLayer(s, 99, true);
    const whole = run(l, true);
    const Hout = P || s.hiddenSize;
    for (const b of [0, 15, 16, 47, 52]) {
      const rows = (a: Float32Array, R: number, F: number) => {
        const o = new Float32Array(R * F);
        for (let r = 0; r < R; r++) o.set(a.subarray((r * s.B + b) * F, (r * s.B + b + 1) * F), r * F);
        return o;
      };
      const one = run(
        {
          s: { ...s, B: 1 },
          x: rows(l.x, s.T, s.inputSize),
          params: l.params,
          h0: rows(l.h0!, 2, Hout),
          c0: l.c0 && rows(l.c0, 2, s.hiddenSize),
        },
        true,
      );
      assertSameBits(one.out, rows(whole.out, s.T, 2 * Hout), `${mode} sample ${b} out`);
      assertSameBits(one.hN, rows(whole.hN, 2, Hout), `${mode} sample ${b} h_n`);
      if (one.cN) assertSameBits(one.cN, rows(whole.cN!, 2, s.hiddenSize), `${mode} sample ${b} c_n`);
    }
  }
});

test('inferLayer writes a batch-first output: the same bits, (B,T,·) instead of (T,B,·)', () => {
  for (const [mode, P] of CELLS) {
    for (const B of [1, 5, 21]) {
      const s: LayerShape = {
        mode,
        T: 7,
        B,
        inputSize: 3,
        hiddenSize: 6,
        projSize: P,
        directions: 2,
        bias: true,
      };
      const l = randomLayer(s, 7 + B, true);
      const timeMajor = run(l, false).out;
      const F = 2 * (P || s.hiddenSize);
      const want = new Float32Array(timeMajor.length);
      for (let t = 0; t < s.T; t++) {
        for (let b = 0; b < B; b++)
          want.set(timeMajor.subarray((t * B + b) * F, (t * B + b + 1) * F), (b * s.T + t) * F);
      }
      assertSameBits(run(l, true, true).out, want, `${mode}${P ? ` proj ${P}` : ''} B ${B} batch-first out`);
    }
  }
});
