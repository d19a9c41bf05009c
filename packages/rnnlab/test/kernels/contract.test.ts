import assert from 'node:assert/strict';
import { test } from 'node:test';
import { f32view } from '../../src/kernels/memory.js';
import type { CellMode, DirectionParams, LayerShape } from '../../src/kernels/recurrent.js';
import * as wasm from '../../src/kernels/recurrent.js';
import * as reference from '../../src/kernels/reference/recurrent.js';
import { Arena, read, rng } from './util.js';

const impls = { wasm, reference };
const rand = rng(99);

/**
 * The layer contract: backward leaves x, params, dOut and the saved workspace intact, so calling it twice after one
 * forward gives the same dX/dh0/dc0 and adds the same gradients twice.
 */
for (const [implName, impl] of Object.entries(impls)) {
  for (const [mode, P] of [
    ['lstm', 3],
    ['gru', 0],
    ['rnn_relu', 0],
  ] as [CellMode, number][]) {
    test(`layer contract (${implName}, ${mode}${P ? ` proj ${P}` : ''}): backward twice after one forward`, () => {
      const s: LayerShape = {
        mode,
        T: 6,
        B: 3,
        inputSize: 5,
        hiddenSize: 7,
        projSize: P,
        directions: 2,
        bias: true,
      };
      const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
      const H = s.hiddenSize;
      const Hout = P > 0 ? P : H;
      const D = s.directions;
      const arena = new Arena();
      const vec = (n: number): number => arena.put(Float32Array.from({ length: n }, () => rand()));
      try {
        const sizes = { wIh: G * H * s.inputSize, wHh: G * H * Hout, bIh: G * H, bHh: G * H, wHr: P * H };
        const dir = (make: (n: number) => number): DirectionParams => ({
          wIh: make(sizes.wIh),
          wHh: make(sizes.wHh),
          bIh: make(sizes.bIh),
          bHh: make(sizes.bHh),
          wHr: P > 0 ? make(sizes.wHr) : 0,
        });
        const params = [dir(vec), dir(vec)];
        const grads = [dir((n) => arena.zeros(n)), dir((n) => arena.zeros(n))];
        const TB = s.T * s.B;
        const x = vec(TB * s.inputSize);
        const h0 = vec(D * s.B * Hout);
        const c0 = mode === 'lstm' ? vec(D * s.B * H) : 0;
        const out = arena.zeros(TB * D * Hout);
        const hN = arena.zeros(D * s.B * Hout);
        const cN = mode === 'lstm' ? arena.zeros(D * s.B * H) : 0;
        const ws = arena.zeros(impl.layerWorkspaceFloats(s));
        impl.layerForward(s, x, params, h0, c0, out, hN, cN, ws);
        const dOut = vec(TB * D * Hout);
        const dhN = vec(D * s.B * Hout);
        const dcN = mode === 'lstm' ? vec(D * s.B * H) : 0;
        const inputs = [x, dOut, ...params.flatMap((p) => [p.wIh, p.wHh, p.bIh, p.bHh])];
        const inputLens = [
          TB * s.inputSize,
          TB * D * Hout,
          ...params.flatMap(() => [sizes.wIh, sizes.wHh, G * H, G * H]),
        ];
        const before = inputs.map((p, i) => read(p, inputLens[i]));
        const runs: Float32Array[][] = [];
        for (let r = 0; r < 2; r++) {
          const dX = arena.zeros(TB * s.inputSize);
          const dh0 = arena.zeros(D * s.B * Hout);
          const dc0 = mode === 'lstm' ? arena.zeros(D * s.B * H) : 0;
          impl.layerBackward(s, x, params, h0, c0, ws, dOut, dhN, dcN, dX, dh0, dc0, grads);
          runs.push([
            read(dX, TB * s.inputSize),
            read(dh0, D * s.B * Hout),
            dc0 ? read(dc0, D * s.B * H) : new Float32Array(),
          ]);
          if (r === 0) runs[0].push(...grads.map((g) => read(g.wHh, sizes.wHh)));
        }
        assert.deepEqual(
          runs[1].slice(0, 3),
          runs[0].slice(0, 3),
          'dX, dh0, dc0 differ between the two backward calls',
        );
        grads.forEach((g, d) => {
          const once = runs[0][3 + d];
          const got = f32view(g.wHh, sizes.wHh);
          for (let i = 0; i < once.length; i++) {
            assert.ok(
              Math.abs(got[i] - 2 * once[i]) <= 1e-6 * (1 + Math.abs(once[i])),
              'gradients not added twice',
            );
          }
        });
        for (let i = 0; i < inputs.length; i++) {
          assert.deepEqual(read(inputs[i], inputLens[i]), before[i], `input ${i} was modified`);
        }
      } finally {
        arena.freeAll();
      }
    });
  }
}
