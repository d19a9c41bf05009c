/** Initialisation statistics and reproducibility; bad-input errors that name expected and actual shapes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualSeed, nn, tensor, zeros } from '../../src/index.js';

describe('initialisation', () => {
  test('every recurrent parameter ~ U(−1/√H, 1/√H): range, mean 0, variance bound²/3', () => {
    manualSeed(1);
    const H = 64;
    const lstm = new nn.LSTM({ inputSize: 16, hiddenSize: H, numLayers: 2, bidirectional: true });
    const bound = 1 / Math.sqrt(H);
    const all: number[] = [];
    for (const [name, p] of lstm.namedParameters()) {
      for (const v of p.data) {
        assert.ok(v >= -bound && v <= bound, `${name} value ${v} outside ±${bound}`);
        all.push(v);
      }
    }
    const n = all.length; // 4·64·(16+64+2) + 4·64·(128+64+2) … ≈ 1e5 draws
    const mean = all.reduce((a, v) => a + v, 0) / n;
    const variance = all.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
    // U(−b, b): mean 0 (sd b/√(3n)), variance b²/3.
    assert.ok(Math.abs(mean) < (4 * bound) / Math.sqrt(3 * n), `mean ${mean}`);
    assert.ok(
      Math.abs(variance / ((bound * bound) / 3) - 1) < 0.02,
      `variance ${variance} vs ${(bound * bound) / 3}`,
    );
    const hi = all.reduce((a, v) => Math.max(a, v), -1);
    const lo = all.reduce((a, v) => Math.min(a, v), 1);
    assert.ok(hi > bound * 0.999 && lo < -bound * 0.999, 'fills the whole range');
  });

  test('Linear ~ U(±1/√in)', () => {
    manualSeed(2);
    const lin = new nn.Linear(400, 50);
    const b = 1 / Math.sqrt(400);
    const w = Array.from(lin.weight.data);
    assert.ok(w.every((v) => Math.abs(v) <= b));
    const variance = w.reduce((a, v) => a + v * v, 0) / w.length;
    assert.ok(Math.abs(variance / ((b * b) / 3) - 1) < 0.03, `variance ${variance}`);
  });

  test('same seed → same weights; different seed → different weights', () => {
    const make = (seed: number) => {
      manualSeed(seed);
      return new nn.GRU({ inputSize: 3, hiddenSize: 8, numLayers: 2 })
        .parameters()
        .flatMap((p) => Array.from(p.data));
    };
    assert.deepEqual(make(7), make(7));
    const a = make(7);
    const b = make(8);
    assert.ok(a.some((v, i) => v !== b[i]));
  });
});

describe('bad input', () => {
  const lstm = new nn.LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, batchFirst: true });
  const gru = new nn.GRU({ inputSize: 3, hiddenSize: 5, bidirectional: true });

  test('wrong input rank', () => {
    assert.throws(
      () => lstm.forward(zeros([2, 4, 3, 1])),
      /expected input of rank 3 \(B, T, I\) or 2 \(T, I\).*got shape \[2, 4, 3, 1\]/,
    );
  });
  test('wrong feature size', () => {
    assert.throws(
      () => gru.forward(zeros([4, 2, 7])),
      /input.size\(-1\) must equal inputSize: expected 3, got 7/,
    );
  });
  test('h0 of the wrong shape', () => {
    assert.throws(
      () => gru.forward(zeros([4, 2, 3]), zeros([1, 2, 5])),
      /expected hidden state h0 of shape \[2, 2, 5\], got \[1, 2, 5\]/,
    );
  });
  test('c0 of the wrong shape', () => {
    assert.throws(
      () => lstm.forward(zeros([2, 4, 3]), [zeros([2, 2, 5]), zeros([2, 5])]),
      /expected cell state c0 of shape \[2, 2, 5\], got \[2, 5\]/,
    );
  });
  test('state dict: missing and unexpected names', () => {
    const sd = Object.fromEntries(
      Object.entries(lstm.stateDict())
        .filter(([n]) => n !== 'bias_hh_l1')
        .map(([n, p]) => [n, p]),
    );
    const bad = { ...sd, weight_ih_l2: zeros([20, 5]) };
    assert.throws(
      () => lstm.loadStateDict(bad),
      (e: Error) =>
        /missing keys: bias_hh_l1/.test(e.message) && /unexpected keys: weight_ih_l2/.test(e.message),
    );
  });
  test('state dict: mis-shaped entry names expected and actual shape', () => {
    const sd = { ...lstm.stateDict(), weight_hh_l0: zeros([20, 4]) };
    assert.throws(
      () => lstm.loadStateDict(sd),
      /size mismatch for weight_hh_l0: expected \[20, 5\], got \[20, 4\]/,
    );
  });
  test('non-strict loading skips missing names but still checks shapes', () => {
    const before = Array.from(lstm.stateDict().weight_ih_l0.data);
    const r = lstm.loadStateDict(
      { bias_ih_l0: tensor(new Float32Array(20).fill(0.5), [20]) },
      { strict: false },
    );
    assert.equal(r.missing.length, 7); // 2 layers × 4 tensors, one given
    assert.deepEqual(Array.from(lstm.stateDict().weight_ih_l0.data), before);
    assert.ok(Array.from(lstm.stateDict().bias_ih_l0.data).every((v) => v === 0.5));
  });
  test('invalid options', () => {
    assert.throws(
      () => new nn.RNN({ inputSize: 0, hiddenSize: 4 }),
      /inputSize must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => new nn.RNN({ inputSize: 1, hiddenSize: 4, nonlinearity: 'gelu' as 'tanh' }),
      /nonlinearity must be 'tanh' or 'relu'/,
    );
    assert.throws(
      () => new nn.LSTM({ inputSize: 1, hiddenSize: 4, projSize: 4 }),
      /projSize \(4\) must be smaller than hiddenSize \(4\)/,
    );
  });
});
