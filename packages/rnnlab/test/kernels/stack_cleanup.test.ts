/**
 * The recurrent stack frees its WebAssembly blocks when a kernel call fails: the forward's saved buffers at
 * once, the backward's temporaries before the error reaches the caller.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, nn, randn, tensor } from '../../src/index.js';
import { allocatedBytes } from '../../src/kernels/memory.js';
import { type LayerParams, recurrentStack } from '../../src/nn/functional/recurrent.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** A 2-layer GRU's parameters as the stack takes them, and the matching layer shapes (T 5, B 3, I 2, H 4). */
function gruStack() {
  manualSeed(0);
  const gru = new nn.GRU({ inputSize: 2, hiddenSize: 4, numLayers: 2 });
  const p = new Map<string, Tensor>(gru.namedParameters());
  const layer = (l: number): LayerParams => ({
    wIh: p.get(`weight_ih_l${l}`)!,
    wHh: p.get(`weight_hh_l${l}`)!,
    bIh: p.get(`bias_ih_l${l}`)!,
    bHh: p.get(`bias_hh_l${l}`)!,
    wHr: null,
  });
  const shape = (inputSize: number) => ({
    mode: 'gru' as const,
    T: 5,
    B: 3,
    inputSize,
    hiddenSize: 4,
    projSize: 0,
    directions: 1 as const,
    bias: true,
  });
  return { params: [[layer(0)], [layer(1)]], shapes: [shape(2), shape(4)] };
}

test('a forward that fails in its second layer frees the first layer’s buffers', () => {
  const { params, shapes } = gruStack();
  params[1][0] = { ...params[1][0], bIh: null }; // layer 1 says bias=true but has no b_ih: its kernel call throws
  const x = randn([5, 3, 2]);
  const before = allocatedBytes;
  assert.throws(() => recurrentStack(shapes, params, x, null, null), /missing biases/);
  assert.equal(allocatedBytes, before, 'WebAssembly blocks leaked by the failed forward');
});

test('a backward that fails in its first layer frees its temporaries', () => {
  const { params, shapes } = gruStack();
  const x = randn([5, 3, 2]);
  x.requiresGrad = true;
  recurrentStack(shapes, params, x, null, null)[0].sum().backward(); // creates every parameter's .grad
  const weight = params[0][0].wIh;
  weight.grad = tensor(new Float32Array(weight.numel()), [...weight.shape]); // not in WebAssembly memory: layer 0 fails
  const [out] = recurrentStack(shapes, params, x, null, null);
  const afterForward = allocatedBytes;
  assert.throws(() => out.sum().backward(), /not stored in WebAssembly memory/);
  assert.equal(allocatedBytes, afterForward, 'temporaries of the failed backward leaked');
});
