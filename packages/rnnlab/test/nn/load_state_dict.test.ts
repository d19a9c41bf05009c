/** `Module.loadStateDict` on bad input: every problem named (with the data length), no raw TypeError, short messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, tensor } from '../../src/index.js';
import type { StateDict } from '../../src/nn/module.js';

const linear = () => new nn.Linear(2, 16);
const weight = (length = 32) => ({ shape: [16, 2], data: new Float32Array(length) });
const bias = () => ({ shape: [16], data: new Float32Array(16) });

function loadError(state: unknown, strict = true): string {
  try {
    linear().loadStateDict(state as StateDict, { strict });
  } catch (e) {
    assert.equal(
      (e as Error).constructor,
      Error,
      `raw ${(e as Error).constructor.name}: ${(e as Error).message}`,
    );
    return (e as Error).message;
  }
  assert.fail('loadStateDict accepted a bad state dict');
}

test('data whose length does not match its shape: the message says the data length', () => {
  assert.match(
    loadError({ weight: weight(5), bias: bias() }),
    /data length mismatch for weight: shape \[16, 2\] needs 32 values, but data has 5/,
  );
  // Also when not strict.
  assert.match(loadError({ weight: weight(5) }, false), /needs 32 values, but data has 5/);
});

test('null, an array or a number instead of a state dict is an Error that says what to pass', () => {
  for (const [state, what] of [
    [null, 'null'],
    [[1, 2], 'an array'],
    [7, 'number'],
  ] as const) {
    assert.match(
      loadError(state),
      new RegExp(
        `^loadStateDict into Linear: expected an object of parameter name → tensor .*, got ${what}\\. Pass`,
      ),
    );
  }
});

test('entries that are not tensors: null value, bad shape, missing data', () => {
  assert.match(
    loadError({ weight: null, bias: bias() }),
    /bad value for weight: null; expected a Tensor or \{ shape, data \}/,
  );
  assert.match(
    loadError({ weight: { shape: [16, -2], data: new Float32Array(32) }, bias: bias() }),
    /bad shape for weight: \[16, -2\]; expected an array of non-negative integers like \[16, 2\]/,
  );
  assert.match(
    loadError({ weight: { shape: [16, 2] }, bias: bias() }),
    /bad data for weight: undefined; expected an array or typed array of 32 numbers/,
  );
  assert.match(
    loadError({ weight: tensor(new Float32Array(32), [2, 16]), bias: bias() }),
    /size mismatch for weight: expected \[16, 2\], got \[2, 16\]/,
  );
});

test('300 000 unexpected names and a 10 000-character name give a message under 2 KB', () => {
  const state: Record<string, unknown> = { weight: weight(), bias: bias(), ['y'.repeat(10_000)]: bias() };
  for (let i = 0; i < 300_000; i++) state[`x${i}`] = { shape: [0], data: new Float32Array(0) };
  const message = loadError(state);
  assert.ok(message.length < 2000, `${message.length} characters`);
  assert.match(message, /unexpected keys: y{100}…, x0, x1, [^\n]*, x18, … and 299981 more\n/);
});

test('a good state dict still loads, from Tensors or { shape, data }', () => {
  const m = linear();
  const w = Float32Array.from({ length: 32 }, (_, i) => i);
  m.loadStateDict({ weight: { shape: [16, 2], data: w }, bias: tensor(new Float32Array(16).fill(3), [16]) });
  assert.deepEqual(Array.from(m.weight.data), Array.from(w));
  assert.equal(m.bias!.data[15], 3);
});
