/**
 * Dropout between stacked layers: the fused stack must equal layer-by-layer modules with the same dropout mask
 * applied by the ordinary dropout op (same generator stream), in outputs and in every gradient.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropout, manualSeed, nn, randn } from '../../src/index.js';
import { assertClose, F32 } from '../support/fixtures.js';

test('2-layer GRU with dropout 0.4 in training = layer 0 → dropout → layer 1', () => {
  manualSeed(11);
  const stack = new nn.GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, dropout: 0.4, bidirectional: true });
  const l0 = new nn.GRU({ inputSize: 3, hiddenSize: 5, bidirectional: true });
  const l1 = new nn.GRU({ inputSize: 10, hiddenSize: 5, bidirectional: true });
  const sd = stack.stateDict();
  l0.loadStateDict(
    Object.fromEntries(
      Object.entries(sd)
        .filter(([n]) => n.includes('_l0'))
        .map(([n, p]) => [n, p]),
    ),
  );
  l1.loadStateDict(
    Object.fromEntries(
      Object.entries(sd)
        .filter(([n]) => n.includes('_l1'))
        .map(([n, p]) => [n.replace('_l1', '_l0'), p]),
    ),
  );
  const x = randn([7, 4, 3], { requiresGrad: true });
  const x2 = randn([7, 4, 3], { requiresGrad: true });
  x2.detach().copy_(x);
  const r = randn([7, 4, 10]);

  manualSeed(99);
  const [a] = stack.forward(x);
  manualSeed(99);
  const [h] = l0.forward(x2);
  const [b] = l1.forward(dropout(h, 0.4, true));
  assertClose(a.data, b.data, F32, 'output');
  a.mul(r).sum().backward();
  b.mul(r).sum().backward();
  assertClose(x.grad!.data, x2.grad!.data, F32, 'grad input');
  for (const [n, p] of stack.namedParameters()) {
    const q = n.includes('_l0') ? l0.stateDict()[n] : l1.stateDict()[n.replace('_l1', '_l0')];
    assertClose(p.grad!.data, q.grad!.data, F32, `grad ${n}`);
  }
  // Eval mode: no dropout, deterministic.
  stack.eval();
  const [e1] = stack.forward(x);
  const [e2] = stack.forward(x);
  assert.deepEqual(Array.from(e1.data), Array.from(e2.data));
  assert.ok(
    e1.data.some((v, i) => v !== a.data[i]),
    'training output differs from eval output',
  );
});
