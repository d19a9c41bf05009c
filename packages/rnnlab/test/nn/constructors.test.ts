/**
 * Layer constructors: PyTorch's positional form and the options object build the same layer (same options,
 * names, shapes and, for the same seed, the same initial values); a wrong call names the forms that exist.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualSeed, nn, tensor } from '../../src/index.js';

/** `new C(...args)` for calls the types forbid. */
function construct(C: unknown, ...args: unknown[]): unknown {
  return Reflect.construct(C as new (...a: unknown[]) => unknown, args);
}

/** Names, shapes and values of a module's parameters, after seeding the default generator with `seed`. */
function snapshot(seed: number, make: () => nn.Module) {
  manualSeed(seed);
  return make()
    .namedParameters()
    .map(([n, p]) => [n, p.shape, Array.from(p.data)]);
}

describe('recurrent layers: positional and options forms agree', () => {
  test('new nn.LSTM(1, 8, 2, { batchFirst: true }) = new nn.LSTM({ inputSize: 1, hiddenSize: 8, numLayers: 2, batchFirst: true })', () => {
    const positional = new nn.LSTM(1, 8, 2, { batchFirst: true });
    assert.equal(positional.inputSize, 1);
    assert.equal(positional.hiddenSize, 8);
    assert.equal(positional.numLayers, 2);
    assert.equal(positional.batchFirst, true);
    assert.deepEqual(
      snapshot(5, () => new nn.LSTM(1, 8, 2, { batchFirst: true })),
      snapshot(5, () => new nn.LSTM({ inputSize: 1, hiddenSize: 8, numLayers: 2, batchFirst: true })),
    );
    assert.equal(snapshot(5, () => new nn.LSTM(1, 8, 2)).length, 8);
  });

  test('new nn.RNN(1, 64): one layer, tanh, no batchFirst, as in PyTorch', () => {
    const rnn = new nn.RNN(1, 64);
    assert.deepEqual(
      [rnn.numLayers, rnn.nonlinearity, rnn.batchFirst, rnn.bidirectional, rnn.bias, rnn.dropout],
      [1, 'tanh', false, false, true, 0],
    );
    assert.deepEqual(
      rnn.namedParameters().map(([n, p]) => [n, p.shape]),
      [
        ['weight_ih_l0', [64, 1]],
        ['weight_hh_l0', [64, 64]],
        ['bias_ih_l0', [64]],
        ['bias_hh_l0', [64]],
      ],
    );
  });

  test('numLayers may be given in the options object when it is not positional, or skipped with undefined', () => {
    const a = new nn.RNN(2, 4, { numLayers: 3, nonlinearity: 'relu' });
    assert.deepEqual([a.numLayers, a.nonlinearity], [3, 'relu']);
    const b = new nn.GRU(3, 5, undefined, { bidirectional: true });
    assert.deepEqual([b.numLayers, b.bidirectional], [1, true]);
    assert.deepEqual(
      snapshot(9, () => new nn.GRU(3, 5, 2, { bidirectional: true })),
      snapshot(9, () => new nn.GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true })),
    );
  });

  test('the positional form runs like the options form', () => {
    const x = tensor(
      Array.from({ length: 2 * 3 }, (_, i) => Math.sin(i)),
      [2, 3, 1],
    );
    manualSeed(4);
    const a = new nn.GRU(1, 4, 2, { batchFirst: true });
    manualSeed(4);
    const b = new nn.GRU({ inputSize: 1, hiddenSize: 4, numLayers: 2, batchFirst: true });
    const [ya] = a.forward(x);
    const [yb] = b.forward(x);
    assert.deepEqual(ya.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(ya.data), Array.from(yb.data));
  });
});

describe('recurrent layers: wrong calls', () => {
  const FORMS =
    /expects \(inputSize, hiddenSize, numLayers\?, options\?\) or \(\{ inputSize, hiddenSize, \.\.\. \}\)/;
  test('no arguments', () => {
    assert.throws(
      () => construct(nn.LSTM),
      (e: Error) =>
        e instanceof TypeError &&
        e.message ===
          'nn.LSTM expects (inputSize, hiddenSize, numLayers?, options?) or ({ inputSize, hiddenSize, ... }); got no arguments',
    );
  });
  test('other shapes of call show what was given', () => {
    for (const [C, args, got] of [
      [nn.RNN, [1], 'got (1)'],
      [nn.RNN, ['1', 64], "got ('1', 64)"],
      [nn.RNN, [1, 64, 2, 'tanh', true], "got (1, 64, 2, 'tanh', true)"],
      [
        nn.GRU,
        [{ inputSize: 1, hiddenSize: 2 }, { batchFirst: true }],
        'got ({ inputSize, hiddenSize }, { batchFirst })',
      ],
      [nn.LSTM, [1, 64, [2]], 'got (1, 64, an array of 1)'],
      [
        nn.LSTM,
        [1, 64, { numLayers: 2 }, { batchFirst: true }],
        'got (1, 64, { numLayers }, { batchFirst })',
      ],
    ] as const) {
      assert.throws(
        () => construct(C, ...args),
        (e: Error) => e instanceof TypeError && FORMS.test(e.message) && e.message.endsWith(got),
        `${C.name}(${JSON.stringify(args)})`,
      );
    }
  });
  test("PyTorch's snake_case option names are refused with the camelCase name", () => {
    assert.throws(
      () => construct(nn.LSTM, 1, 64, 2, { batch_first: true }),
      /nn\.LSTM: unknown option 'batch_first'; did you mean 'batchFirst'\? \(options: bias, batchFirst, dropout, bidirectional, projSize\)/,
    );
    assert.throws(
      () => construct(nn.GRU, { input_size: 1, hiddenSize: 2 }),
      /nn\.GRU: unknown option 'input_size'; did you mean 'inputSize'\?/,
    );
    assert.throws(
      () => construct(nn.GRU, { inputSize: 1, hiddenSize: 2, nonlinearity: 'relu' }),
      /nn\.GRU: unknown option 'nonlinearity' \(options: inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional\)/,
    );
  });
  test('a size given positionally and again in the options is refused', () => {
    assert.throws(
      () => construct(nn.LSTM, 1, 64, 2, { numLayers: 3 }),
      /nn\.LSTM: numLayers is given as an argument and again in the options object; give it once/,
    );
    assert.throws(
      () => construct(nn.RNN, 1, 64, { hiddenSize: 64 }),
      /nn\.RNN: hiddenSize is given as an argument and again/,
    );
  });
  test('option values of the wrong type are refused, naming the option', () => {
    assert.throws(
      () => construct(nn.LSTM, 1, 4, { bias: 'false' }),
      /LSTM: bias must be true or false, got 'false'/,
    );
    assert.throws(
      () => construct(nn.GRU, 1, 4, { batchFirst: 1 }),
      /GRU: batchFirst must be true or false, got 1/,
    );
    assert.throws(
      () => construct(nn.RNN, 1, 4, 2, { dropout: '0.5' }),
      /RNN: dropout must be a number in \[0, 1\], got '0\.5'/,
    );
    assert.throws(
      () => construct(nn.LSTM, { inputSize: '1', hiddenSize: 4 }),
      /inputSize must be an integer >= 1, got '1'/,
    );
    assert.throws(() => new nn.LSTM(1, 4, 0), /numLayers must be an integer >= 1, got 0/);
  });
});

describe('Linear, Dropout, MSELoss', () => {
  test("Linear: (in, out), (in, out, { bias }), PyTorch's (in, out, bias) and ({ inFeatures, outFeatures, bias }) agree", () => {
    const expected = snapshot(3, () => new nn.Linear(4, 2, { bias: false }));
    assert.deepEqual(
      expected.map(([n, s]) => [n, s]),
      [['weight', [2, 4]]],
    );
    assert.deepEqual(
      snapshot(3, () => new nn.Linear(4, 2, false)),
      expected,
    );
    assert.deepEqual(
      snapshot(3, () => new nn.Linear({ inFeatures: 4, outFeatures: 2, bias: false })),
      expected,
    );
    assert.deepEqual(
      snapshot(3, () => new nn.Linear(4, 2)),
      snapshot(3, () => new nn.Linear({ inFeatures: 4, outFeatures: 2 })),
    );
    const lin = new nn.Linear(4, 2, true);
    assert.deepEqual([lin.inFeatures, lin.outFeatures, lin.bias?.shape], [4, 2, [2]]);
  });

  test('Linear: wrong calls name the forms or the option', () => {
    const FORMS =
      /^nn\.Linear expects \(inFeatures, outFeatures, options\?\) with options \{ bias\? \} or a boolean bias, or \(\{ inFeatures, outFeatures, bias\? \}\); got /;
    for (const [args, got] of [
      [[], 'no arguments'],
      [[64], '(64)'],
      [[64, 1, 'false'], "(64, 1, 'false')"],
      [[64, 1, {}, {}], '(64, 1, {}, {})'],
    ] as const) {
      assert.throws(
        () => construct(nn.Linear, ...args),
        (e: Error) => e instanceof TypeError && FORMS.test(e.message) && e.message.endsWith(got),
        JSON.stringify(args),
      );
    }
    assert.throws(
      () => construct(nn.Linear, 64, 1, { out_features: 1 }),
      /nn\.Linear: unknown option 'out_features'; did you mean 'outFeatures'\?/,
    );
    assert.throws(
      () => construct(nn.Linear, { inFeatures: 64, outFeatures: 1, bias: 0 }),
      /Linear: bias must be true or false, got 0/,
    );
    assert.throws(() => new nn.Linear(0, 1), /Linear: inFeatures must be a positive integer, got 0/);
  });

  test('Dropout: (), (p) and ({ p })', () => {
    assert.equal(new nn.Dropout().p, 0.5);
    assert.equal(new nn.Dropout(0.2).p, 0.2);
    assert.equal(new nn.Dropout({ p: 0.2 }).p, 0.2);
    assert.throws(
      () => construct(nn.Dropout, '0.5'),
      (e: Error) =>
        e instanceof TypeError && e.message === "nn.Dropout expects (p?) or ({ p? }); got ('0.5')",
    );
    assert.throws(() => new nn.Dropout({ p: 2 }), /Dropout: p must be a number in \[0, 1\], got 2/);
    assert.throws(
      () => construct(nn.Dropout, { prob: 0.1 }),
      /nn\.Dropout: unknown option 'prob' \(options: p\)/,
    );
  });

  test("MSELoss: () and ({ reduction }); a bare string is refused rather than read as 'mean'", () => {
    const x = tensor([1, 2], [2]);
    const y = tensor([0, 0], [2]);
    assert.equal(new nn.MSELoss().forward(x, y).item(), 2.5);
    assert.equal(new nn.MSELoss({ reduction: 'sum' }).forward(x, y).item(), 5);
    assert.throws(
      () => construct(nn.MSELoss, 'sum'),
      (e: Error) =>
        e instanceof TypeError &&
        e.message === "nn.MSELoss expects () or ({ reduction?: 'none' | 'mean' | 'sum' }); got ('sum')",
    );
    assert.throws(
      () => construct(nn.MSELoss, { size_average: false }),
      /nn\.MSELoss: unknown option 'size_average' \(options: reduction\)/,
    );
  });
});
