/** noGrad / enableGrad nest like torch.no_grad / torch.enable_grad and restore the mode on exceptions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enableGrad, isGradEnabled, noGrad, tensor } from '../../src/index.js';

test('enableGrad records inside noGrad, and noGrad inside it turns recording off again', () => {
  const w = tensor([1, 2], [2], { requiresGrad: true });
  noGrad(() => {
    assert.equal(w.mul(2).requiresGrad, false);
    const y = enableGrad(() => {
      assert.equal(isGradEnabled(), true);
      assert.equal(
        noGrad(() => w.mul(3).requiresGrad),
        false,
      );
      return w.mul(3).sum();
    });
    assert.equal(isGradEnabled(), false);
    assert.equal(y.requiresGrad, true);
    y.backward();
  });
  assert.deepEqual(w.grad?.toArray(), [3, 3]);
});

test('enableGrad restores the previous mode when fn throws', () => {
  noGrad(() => {
    assert.throws(
      () =>
        enableGrad(() => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(isGradEnabled(), false);
  });
  assert.equal(isGradEnabled(), true);
});
