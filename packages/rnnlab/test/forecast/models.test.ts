/**
 * SequenceRegressor.forward without autograd runs a large batch in chunks of NO_GRAD_CHUNK_ROWS rows: the result is
 * the unchunked forward's, bit for bit, for every model kind and for batches that end in a partial chunk.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL_KINDS, NO_GRAD_CHUNK_ROWS, SequenceRegressor } from '../../src/forecast/models.js';
import { tensor } from '../../src/tensor/creation.js';
import { noGrad } from '../../src/tensor/grad_mode.js';
import { manualSeed } from '../../src/tensor/random.js';

test('a forward without autograd over 2.5 chunks gives the bits of the whole-batch forward with autograd', () => {
  const B = 2 * NO_GRAD_CHUNK_ROWS + NO_GRAD_CHUNK_ROWS / 2;
  const [T, F] = [6, 2];
  const x = Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(i * 0.37) * 2);
  for (const kind of MODEL_KINDS) {
    manualSeed(3);
    const model = new SequenceRegressor({ kind, hiddenSize: 8, numLayers: 2, inputSize: F, outputSize: 2 });
    model.eval();
    // With autograd on (x requires grad), the forward runs the training kernels over all B rows at once.
    const whole = model.forward(tensor(x, [B, T, F], { requiresGrad: true }));
    const chunked = noGrad(() => model.forward(tensor(x, [B, T, F])));
    assert.deepEqual(chunked.shape, [B, T, 2]);
    assert.ok(whole.requiresGrad && !chunked.requiresGrad, kind);
    assert.deepEqual(Array.from(chunked.data), Array.from(whole.data), kind);
  }
});
