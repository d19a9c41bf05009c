/**
 * Forward-only runs of nn.RNN / nn.LSTM / nn.GRU (under noGrad, or with nothing requiring grad) take the inference
 * kernels: they keep nothing in WebAssembly memory for a backward, and return exactly the bits of the recorded
 * forward, for every cell and layout, in one tile (≤ 16 rows) or many. (test/kernels/builds.test.ts runs this file on
 * the plain-SIMD build too.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualSeed, nn, noGrad, randn, type Tensor } from '../../src/index.js';
import {
  allocatedBytes,
  blockBytes,
  peakAllocatedBytes,
  resetPeakAllocatedBytes,
} from '../../src/kernels/memory.js';
import {
  type CellMode,
  type LayerShape,
  layerInferenceFloats,
  layerWorkspaceFloats,
} from '../../src/kernels/recurrent.js';
import { setRecurrentBackend } from '../../src/nn/functional/recurrent.js';

type Module = nn.RNN | nn.LSTM | nn.GRU;

interface Case {
  name: string;
  make: (batchFirst: boolean) => Module;
}

const CASES: Case[] = [
  {
    name: 'RNN tanh',
    make: (batchFirst) => new nn.RNN({ inputSize: 3, hiddenSize: 10, numLayers: 3, batchFirst }),
  },
  {
    name: 'RNN relu, bidirectional',
    make: (batchFirst) =>
      new nn.RNN({
        inputSize: 3,
        hiddenSize: 6,
        numLayers: 2,
        nonlinearity: 'relu',
        bidirectional: true,
        batchFirst,
      }),
  },
  {
    name: 'LSTM',
    make: (batchFirst) => new nn.LSTM({ inputSize: 3, hiddenSize: 9, numLayers: 3, batchFirst }),
  },
  {
    name: 'LSTM proj, bidirectional',
    make: (batchFirst) =>
      new nn.LSTM({
        inputSize: 3,
        hiddenSize: 8,
        numLayers: 2,
        projSize: 5,
        bidirectional: true,
        batchFirst,
      }),
  },
  {
    name: 'GRU',
    make: (batchFirst) => new nn.GRU({ inputSize: 3, hiddenSize: 7, numLayers: 3, batchFirst }),
  },
  {
    name: 'GRU bidirectional',
    make: (batchFirst) =>
      new nn.GRU({ inputSize: 3, hiddenSize: 12, numLayers: 2, bidirectional: true, batchFirst }),
  },
];

/** [output, hN, cN?] of a forward with initial states (or without). */
function forward(m: Module, x: Tensor, h0: Tensor | null, c0: Tensor | null): Tensor[] {
  if (m instanceof nn.LSTM) {
    const [out, [hN, cN]] = m.forward(x, h0 && c0 ? [h0, c0] : null);
    return [out, hN, cN];
  }
  return m.forward(x, h0);
}

function initialStates(m: Module, B: number): [Tensor, Tensor | null] {
  const rows = m.numLayers * (m.bidirectional ? 2 : 1);
  const hOut = m instanceof nn.LSTM && m.projSize > 0 ? m.projSize : m.hiddenSize;
  return [randn([rows, B, hOut]), m instanceof nn.LSTM ? randn([rows, B, m.hiddenSize]) : null];
}

function assertSameBits(got: Tensor, want: Tensor, label: string): void {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  const g = new Uint32Array(Float32Array.from(got.data).buffer);
  const w = new Uint32Array(Float32Array.from(want.data).buffer);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i])
      assert.fail(`${label}: element ${i} is ${got.data[i]} under noGrad, ${want.data[i]} recorded`);
  }
}

describe('noGrad forward = recorded forward, bit for bit', () => {
  for (const c of CASES) {
    test(c.name, () => {
      for (const batchFirst of [true, false]) {
        for (const B of [1, 16, 37]) {
          for (const withStates of [false, true]) {
            manualSeed(B + (batchFirst ? 100 : 0));
            const m = c.make(batchFirst);
            const T = 6;
            const x = randn(batchFirst ? [B, T, 3] : [T, B, 3]);
            const [h0, c0] = withStates ? initialStates(m, B) : [null, null];
            const recorded = forward(m, x, h0, c0);
            assert.ok(recorded[0].requiresGrad, 'the grad-mode forward records a graph');
            const free = noGrad(() => forward(m, x, h0, c0));
            const at = `${batchFirst ? 'batch-first' : 'time-major'} B ${B}${withStates ? ' with h0' : ''}`;
            for (let i = 0; i < recorded.length; i++) {
              assert.equal(free[i].requiresGrad, false, `${at}: noGrad output ${i} has no graph`);
              assertSameBits(free[i], recorded[i], `${at} output ${i}`);
            }
          }
        }
      }
    });
  }

  test('eval mode and no input requiring grad also take the inference kernels (same bits)', () => {
    manualSeed(3);
    const m = new nn.LSTM({ inputSize: 3, hiddenSize: 9, numLayers: 2, batchFirst: true });
    const x = randn([5, 4, 3]);
    const [want] = forward(m, x, null, null);
    for (const p of m.parameters()) p.requiresGrad = false;
    m.eval();
    const before = allocatedBytes;
    const [got] = forward(m, x, null, null);
    assert.equal(got.requiresGrad, false);
    assert.equal(allocatedBytes, before, 'nothing kept in WebAssembly memory');
    assertSameBits(got, want, 'output');
  });

  test('the reference kernels too (their inference runs the reference forward in the scratch)', () => {
    setRecurrentBackend('reference');
    try {
      for (const c of CASES) {
        manualSeed(4);
        const m = c.make(true);
        const x = randn([3, 4, 3]);
        const recorded = forward(m, x, null, null);
        const free = noGrad(() => forward(m, x, null, null));
        for (let i = 0; i < recorded.length; i++)
          assertSameBits(free[i], recorded[i], `${c.name} output ${i}`);
      }
    } finally {
      setRecurrentBackend('wasm');
    }
  });

  test('dropout in training mode under noGrad draws the same masks and gives the same bits', () => {
    const run = (grad: boolean): Tensor => {
      manualSeed(8);
      const m = new nn.GRU({ inputSize: 3, hiddenSize: 7, numLayers: 3, dropout: 0.3, batchFirst: true });
      const x = randn([4, 5, 3]);
      return grad ? forward(m, x, null, null)[0] : noGrad(() => forward(m, x, null, null)[0]);
    };
    assertSameBits(run(false), run(true), 'output');
  });
});

describe('noGrad forward keeps nothing for a backward', () => {
  for (const [name, make] of [
    ['LSTM', () => new nn.LSTM({ inputSize: 2, hiddenSize: 32, numLayers: 2, batchFirst: true })],
    ['GRU', () => new nn.GRU({ inputSize: 2, hiddenSize: 32, numLayers: 2, batchFirst: true })],
    ['RNN', () => new nn.RNN({ inputSize: 2, hiddenSize: 32, numLayers: 2, batchFirst: true })],
  ] as const) {
    test(`${name}: WebAssembly memory peaks at the inputs, outputs and one scratch block, not the saved activations`, () => {
      manualSeed(5);
      const m = make();
      const [T, B, H] = [64, 8, 32];
      const x = randn([B, T, 2]);
      const mode: CellMode = m instanceof nn.LSTM ? 'lstm' : m instanceof nn.GRU ? 'gru' : 'rnn_tanh';
      const shape = (inputSize: number): LayerShape => ({
        mode,
        T,
        B,
        inputSize,
        hiddenSize: H,
        projSize: 0,
        directions: 1,
        bias: true,
      });
      const saved = blockBytes(layerWorkspaceFloats(shape(2))) + blockBytes(layerWorkspaceFloats(shape(H)));
      const outBytes = blockBytes(T * B * H);
      const stateBytes = blockBytes(2 * B * H * (m instanceof nn.LSTM ? 2 : 1));
      // Input (and its batch-first copy), states, one scratch, two layer outputs, the batch-first copy of the output.
      const scratch = blockBytes(Math.max(layerInferenceFloats(shape(2)), layerInferenceFloats(shape(H))));
      const bound = 2 * blockBytes(T * B * 2) + stateBytes + scratch + 3 * outBytes;

      const before = allocatedBytes;
      resetPeakAllocatedBytes();
      noGrad(() => m.forward(x));
      const inference = peakAllocatedBytes - before;
      assert.equal(allocatedBytes, before, 'every block freed');
      assert.ok(inference <= bound, `noGrad peak ${inference} bytes > ${bound}`);

      resetPeakAllocatedBytes();
      const [out] = m.forward(x);
      const recorded = peakAllocatedBytes - before;
      assert.ok(allocatedBytes - before >= saved, 'the recorded forward keeps its workspaces until backward');
      // The recorded forward holds both layers' workspaces where the inference holds one scratch block.
      assert.ok(
        recorded - inference >= saved - scratch,
        `noGrad peak ${inference} bytes, recorded ${recorded}`,
      );
      out.sum().backward();
      assert.equal(allocatedBytes - before > 0, true, 'parameter gradients now exist');
    });
  }
});
