/**
 * Registration by assignment: modules and parameters stored in a Module's properties are its children and
 * parameters, in property order, as PyTorch's __setattr__ registers them. The tutorial's four classes, ported
 * line by line, must give PyTorch's `named_parameters` (seed_models.json) and its numbers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualSeed, nn, type Tensor, tensor, zeros } from '../../src/index.js';
import { assertClose, F32, torchFixture } from '../support/fixtures.js';

const fx = torchFixture('seed_models');

// The tutorial's classes (../shared/seed/tutorial.md), each written in a different declaration style.

/** Declared fields without initialiser (define semantics: created as undefined after super(), in this order). */
class DRNN extends nn.Module {
  rnn: nn.RNN;
  linear: nn.Linear;
  constructor(inputSize: number, hiddenSize: number, numLayers: number, outputSize: number) {
    super();
    this.rnn = new nn.RNN(inputSize, hiddenSize, numLayers, { batchFirst: true });
    this.linear = new nn.Linear(hiddenSize, outputSize);
  }
  forward(x: Tensor): Tensor {
    const [output] = this.rnn.forward(x);
    return this.linear.forward(output);
  }
}

/** Definite-assignment fields (`!`). */
class BRNN extends nn.Module {
  rnn!: nn.RNN;
  linear!: nn.Linear;
  constructor(inputSize: number, hiddenSize: number, numLayers: number, outputSize: number) {
    super();
    this.rnn = new nn.RNN(inputSize, hiddenSize, numLayers, { batchFirst: true, bidirectional: true });
    this.linear = new nn.Linear(hiddenSize * 2, outputSize);
  }
  forward(x: Tensor): Tensor {
    const [output] = this.rnn.forward(x);
    return this.linear.forward(output);
  }
}

/** `declare` fields: no property until the assignment creates it. */
class LSTM extends nn.Module {
  declare lstm: nn.LSTM;
  declare linear: nn.Linear;
  constructor(inputSize: number, hiddenSize: number, numLayers: number, outputSize: number) {
    super();
    this.lstm = new nn.LSTM(inputSize, hiddenSize, numLayers, { batchFirst: true });
    this.linear = new nn.Linear(hiddenSize, outputSize);
  }
  forward(x: Tensor): Tensor {
    const [output] = this.lstm.forward(x);
    return this.linear.forward(output);
  }
}

/** Readonly fields, as rnnlab's own modules declare them. */
class GRU extends nn.Module {
  readonly gru: nn.GRU;
  readonly linear: nn.Linear;
  constructor(inputSize: number, hiddenSize: number, numLayers: number, outputSize: number) {
    super();
    this.gru = new nn.GRU(inputSize, hiddenSize, numLayers, { batchFirst: true });
    this.linear = new nn.Linear(hiddenSize, outputSize);
  }
  forward(x: Tensor): Tensor {
    const [output] = this.gru.forward(x);
    return this.linear.forward(output);
  }
}

const TUTORIAL = { DRNN, BRNN, LSTM, GRU } as const;
/** The tutorial's attribute name of the recurrent submodule (the fixture calls it `rnn` in all four). */
const ATTRIBUTE: Record<string, string> = { DRNN: 'rnn', BRNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };

describe('the tutorial classes, ported with property assignment', () => {
  for (const m of fx.models) {
    const name = m.name as keyof typeof TUTORIAL;
    const rename = (n: string) => n.replace(/^rnn\./, `${ATTRIBUTE[name]}.`);
    const build = () => {
      const c = fx.config;
      return new TUTORIAL[name](c.input_size, c.hidden_size, c.num_layers, c.output_size);
    };

    test(`${name}: namedParameters = PyTorch's named_parameters (names, order, shapes)`, () => {
      const model = build();
      const expected = (m.param_names as string[]).map(rename);
      assert.deepEqual(
        model.namedParameters().map(([n]) => n),
        expected,
      );
      assert.deepEqual(
        model.namedParameters().map(([, p]) => p.shape),
        (m.param_names as string[]).map((n) => m.params[n].shape),
      );
      assert.deepEqual(Object.keys(model.stateDict()), expected);
      assert.deepEqual(
        model.namedModules().map(([n]) => n),
        ['', ATTRIBUTE[name], 'linear'],
      );
    });

    test(`${name}: loads PyTorch's state dict and computes PyTorch's output`, () => {
      const model = build();
      model.loadStateDict(
        Object.fromEntries(Object.entries(m.params).map(([n, v]) => [rename(n), v as Tensor])),
      );
      const X = fx.data.float64.X;
      const out = model.forward(tensor(X.data, X.shape));
      assertClose(out.data, m.float64.output.data, F32, `${name} output`);
    });
  }
});

/** A tiny two-child model for the semantics tests. */
class Tiny extends nn.Module {
  declare first: nn.Linear;
  declare second: nn.Linear;
  constructor() {
    super();
    this.first = new nn.Linear(2, 3);
    this.second = new nn.Linear(3, 1);
  }
}

const names = (m: nn.Module) => m.namedParameters().map(([n]) => n);

describe('registration order and updates', () => {
  test('declared fields are registered in declaration order, undeclared ones in assignment order', () => {
    class Declared extends nn.Module {
      b: nn.Linear;
      a: nn.Linear;
      constructor() {
        super();
        this.a = new nn.Linear(1, 1);
        this.b = new nn.Linear(1, 1);
      }
    }
    class Undeclared extends nn.Module {
      declare b: nn.Linear;
      declare a: nn.Linear;
      constructor() {
        super();
        this.a = new nn.Linear(1, 1);
        this.b = new nn.Linear(1, 1);
      }
    }
    // The documented caveat: a declared field exists (as undefined) from super() on, so it keeps its place.
    assert.deepEqual(names(new Declared()), ['b.weight', 'b.bias', 'a.weight', 'a.bias']);
    assert.deepEqual(names(new Undeclared()), ['a.weight', 'a.bias', 'b.weight', 'b.bias']);
  });

  test('field initialisers register before the constructor body', () => {
    class WithInitialiser extends nn.Module {
      head = new nn.Linear(4, 1);
      declare body: nn.Linear;
      constructor() {
        super();
        this.body = new nn.Linear(4, 4);
      }
    }
    assert.deepEqual(names(new WithInitialiser()), ['head.weight', 'head.bias', 'body.weight', 'body.bias']);
  });

  test("own parameters come before children's, whatever the assignment order (PyTorch's order)", () => {
    class Scaled extends nn.Module {
      declare inner: nn.Linear;
      declare scale: nn.Parameter;
      constructor() {
        super();
        this.inner = new nn.Linear(2, 2);
        this.scale = new nn.Parameter([1]);
      }
    }
    assert.deepEqual(names(new Scaled()), ['scale', 'inner.weight', 'inner.bias']);
  });

  test('reassigning keeps the place and uses the new module; null and delete unregister', () => {
    const m = new Tiny();
    const replacement = new nn.Linear(2, 3, { bias: false });
    m.first = replacement;
    assert.deepEqual(names(m), ['first.weight', 'second.weight', 'second.bias']);
    assert.equal(m.stateDict()['first.weight'], replacement.weight);
    (m as unknown as { first: null }).first = null;
    assert.deepEqual(names(m), ['second.weight', 'second.bias']);
    delete (m as unknown as { second?: unknown }).second;
    assert.deepEqual(names(m), []);
  });

  test('values other than Module and Parameter are not registered', () => {
    class Mixed extends nn.Module {
      declare plain: Tensor;
      declare list: nn.Linear[];
      declare dict: Record<string, nn.Linear>;
      declare size: number;
      declare missing: nn.Linear | undefined;
      declare head: nn.Linear;
      constructor() {
        super();
        this.plain = zeros([3]);
        this.list = [new nn.Linear(1, 1)];
        this.dict = { a: new nn.Linear(1, 1) };
        this.size = 3;
        this.missing = undefined;
        this.head = new nn.Linear(1, 1);
      }
    }
    const m = new Mixed();
    assert.deepEqual(names(m), ['head.weight', 'head.bias']);
    assert.deepEqual(
      m.namedModules().map(([n]) => n),
      ['', 'head'],
    );
  });

  test('a module or parameter reachable twice is listed once, under its first name; cycles end', () => {
    class Shared extends nn.Module {
      declare encoder: nn.Linear;
      declare alias: nn.Linear;
      declare tied: nn.Parameter;
      constructor() {
        super();
        this.encoder = new nn.Linear(2, 2);
        this.alias = this.encoder;
        this.tied = this.encoder.weight;
      }
    }
    const m = new Shared();
    const child = new Tiny();
    m.registerModule('child', child);
    (child as unknown as { parent: nn.Module }).parent = m; // a cycle
    // Explicit registrations come before properties (the documented rule when the two are mixed).
    assert.deepEqual(names(m), [
      'tied',
      'child.first.weight',
      'child.first.bias',
      'child.second.weight',
      'child.second.bias',
      'encoder.bias',
    ]);
    assert.deepEqual(
      m.namedModules().map(([n]) => n),
      ['', 'child', 'child.first', 'child.second', 'encoder'],
    );
    assert.equal(m.parameters().length, 6);
  });

  test('explicit registration under another name wins over an alias property (SequenceRegressor pattern)', () => {
    class Aliased extends nn.Module {
      readonly rnn: nn.LSTM;
      readonly linear: nn.Linear;
      constructor() {
        super();
        this.rnn = this.registerModule('lstm', new nn.LSTM(1, 2));
        this.linear = this.registerModule('linear', new nn.Linear(2, 1));
      }
    }
    assert.deepEqual(names(new Aliased()), [
      'lstm.weight_ih_l0',
      'lstm.weight_hh_l0',
      'lstm.bias_ih_l0',
      'lstm.bias_hh_l0',
      'linear.weight',
      'linear.bias',
    ]);
  });

  test("existing layers keep PyTorch's names: Linear, Linear without bias, LSTM bidirectional with projections", () => {
    assert.deepEqual(names(new nn.Linear(3, 2)), ['weight', 'bias']);
    assert.deepEqual(names(new nn.Linear(3, 2, { bias: false })), ['weight']);
    assert.deepEqual(names(new nn.LSTM(3, 4, 2, { bidirectional: true, projSize: 2 })), [
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_hr_l0',
      'weight_ih_l0_reverse',
      'weight_hh_l0_reverse',
      'bias_ih_l0_reverse',
      'bias_hh_l0_reverse',
      'weight_hr_l0_reverse',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
      'weight_hr_l1',
      'weight_ih_l1_reverse',
      'weight_hh_l1_reverse',
      'bias_ih_l1_reverse',
      'bias_hh_l1_reverse',
      'weight_hr_l1_reverse',
    ]);
  });
});

describe('stateDict, loadStateDict, train/eval and zeroGrad reach assigned children', () => {
  test('loadStateDict copies every value by name', () => {
    manualSeed(1);
    const a = new Tiny();
    manualSeed(2);
    const b = new Tiny();
    b.loadStateDict(a.stateDict());
    for (const [n, p] of b.namedParameters()) {
      assert.deepEqual(Array.from(p.data), Array.from(a.stateDict()[n].data), n);
    }
    assert.throws(() => b.loadStateDict({}), /missing keys: first\.weight, first\.bias, second\.weight/);
  });

  test('eval() and train() switch nested children, including a Dropout held in a property', () => {
    class WithDropout extends nn.Module {
      declare body: Tiny;
      declare drop: nn.Dropout;
      constructor() {
        super();
        this.body = new Tiny();
        this.drop = new nn.Dropout(0.5);
      }
    }
    const m = new WithDropout();
    m.eval();
    assert.deepEqual(
      m.namedModules().map(([n, c]) => [n, c.training]),
      [
        ['', false],
        ['body', false],
        ['body.first', false],
        ['body.second', false],
        ['drop', false],
      ],
    );
    const x = tensor([1, 2, 3, 4], [4]);
    assert.deepEqual(Array.from(m.drop.forward(x).data), [1, 2, 3, 4]);
    m.train();
    assert.ok(m.namedModules().every(([, c]) => c.training));
    assert.throws(
      () => m.train('no' as unknown as boolean),
      /train\(mode\): mode must be true or false, got 'no'/,
    );
  });

  test('zeroGrad zeroes the gradients of parameters held by children', () => {
    const m = new Tiny();
    const y = m.second.forward(m.first.forward(tensor([1, 2], [1, 2])));
    y.sum().backward();
    assert.ok(m.parameters().every((p) => p.grad !== null));
    assert.ok(m.first.weight.grad!.data.some((v) => v !== 0));
    m.zeroGrad();
    assert.ok(m.parameters().every((p) => p.grad!.data.every((v) => v === 0)));
    m.zeroGrad(true);
    assert.ok(m.parameters().every((p) => p.grad === null));
  });
});

describe('registration errors', () => {
  const m = new Tiny();
  test('registerParameter wants a Parameter or null', () => {
    assert.throws(
      () => m.registerParameter('w', zeros([2]) as unknown as nn.Parameter),
      /Tiny\.registerParameter\('w', …\): expected a Parameter or null, got a Tensor; wrap a tensor as new nn\.Parameter\(t\)/,
    );
  });
  test('registerModule wants a Module or null', () => {
    assert.throws(
      () => m.registerModule('x', {} as unknown as nn.Module),
      /Tiny\.registerModule\('x', …\): expected a Module or null, got an object/,
    );
  });
  test("names must be non-empty and free of '.'", () => {
    assert.throws(
      () => m.registerModule('a.b', new nn.Linear(1, 1)),
      /name must be a non-empty string without '\.', got 'a\.b'/,
    );
    assert.throws(() => m.registerParameter('', null), /got ''/);
  });
  test("a property named with '.' holding a module is refused when listing", () => {
    const bad = new Tiny();
    (bad as unknown as Record<string, unknown>)['head.x'] = new nn.Linear(1, 1);
    assert.throws(
      () => bad.namedParameters(),
      /Tiny: property 'head\.x' holds a Module, but a name with '\.'/,
    );
  });
});
