/**
 * Tensor printouts equal PyTorch's. Each expected string is `repr(t)` from PyTorch 2.13 (default print options),
 * e.g. python3 -c "import torch; print(repr(torch.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)))".
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { arange, type Tensor, tensor, zeros } from '../../src/index.js';

const cases: Array<[string, () => Tensor, string]> = [
  [
    'torch.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)',
    () =>
      tensor(
        [
          [0.1, 0.2],
          [0.3, 0.4],
        ],
        undefined,
        { requiresGrad: true },
      ),
    'tensor([[0.1000, 0.2000],\n        [0.3000, 0.4000]], requires_grad=True)',
  ],
  ['torch.tensor([0., 1., 10.])', () => tensor([0, 1, 10]), 'tensor([ 0.,  1., 10.])'],
  ['torch.tensor([-0.0, 1.5])', () => tensor([-0, 1.5]), 'tensor([-0.0000, 1.5000])'],
  ['torch.tensor([-0.0, 1.0])', () => tensor([-0, 1]), 'tensor([-0., 1.])'],
  ['torch.zeros(2)', () => zeros([2]), 'tensor([0., 0.])'],
  ["torch.tensor([float('nan'), 0.])", () => tensor([Number.NaN, 0]), 'tensor([nan, 0.])'],
  [
    "torch.tensor([float('nan'), float('-inf'), 1.25])",
    () => tensor([Number.NaN, Number.NEGATIVE_INFINITY, 1.25]),
    'tensor([   nan,   -inf, 1.2500])',
  ],
  ['torch.tensor([1e-5, 1.0])', () => tensor([1e-5, 1]), 'tensor([1.0000e-05, 1.0000e+00])'],
  ['torch.tensor([1., 1e10])', () => tensor([1, 1e10]), 'tensor([1.0000e+00, 1.0000e+10])'],
  ['torch.tensor([1e8, 1.0])', () => tensor([1e8, 1]), 'tensor([1.0000e+08, 1.0000e+00])'],
  [
    'torch.tensor([0.03125, 1.0]) (a tie, rounded to even)',
    () => tensor([0.03125, 1]),
    'tensor([0.0312, 1.0000])',
  ],
  ['torch.tensor([12344.5, 0.001])', () => tensor([12344.5, 0.001]), 'tensor([1.2344e+04, 1.0000e-03])'],
  ['torch.tensor(3.5)', () => tensor(3.5), 'tensor(3.5000)'],
  ['torch.tensor(3.)', () => tensor(3), 'tensor(3.)'],
  ['torch.zeros(0, 3)', () => zeros([0, 3]), 'tensor([], size=(0, 3))'],
  ['torch.zeros(0)', () => zeros([0]), 'tensor([])'],
  ['torch.zeros(2, 0, 1)', () => zeros([2, 0, 1]), 'tensor([], size=(2, 0, 1))'],
  [
    'torch.arange(30.) / 7 (wraps at 80 columns)',
    () => arange(30).div(7),
    'tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n' +
      '        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n' +
      '        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n' +
      '        3.8571, 4.0000, 4.1429])',
  ],
  [
    'torch.arange(24.).reshape(2, 3, 4) / 5',
    () => arange(24).reshape(2, 3, 4).div(5),
    'tensor([[[0.0000, 0.2000, 0.4000, 0.6000],\n' +
      '         [0.8000, 1.0000, 1.2000, 1.4000],\n' +
      '         [1.6000, 1.8000, 2.0000, 2.2000]],\n\n' +
      '        [[2.4000, 2.6000, 2.8000, 3.0000],\n' +
      '         [3.2000, 3.4000, 3.6000, 3.8000],\n' +
      '         [4.0000, 4.2000, 4.4000, 4.6000]]])',
  ],
  [
    'torch.arange(16.).reshape(2, 2, 2, 2) - 5',
    () => arange(16).reshape(2, 2, 2, 2).sub(5),
    'tensor([[[[-5., -4.],\n          [-3., -2.]],\n\n         [[-1.,  0.],\n          [ 1.,  2.]]],\n\n\n' +
      '        [[[ 3.,  4.],\n          [ 5.,  6.]],\n\n         [[ 7.,  8.],\n          [ 9., 10.]]]])',
  ],
  [
    'torch.arange(1001.) (summarised)',
    () => arange(1001),
    'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])',
  ],
  [
    'torch.arange(2000.).reshape(40, 50) / 3 (summarised; the formatter sees only the shown elements)',
    () => arange(2000).reshape(40, 50).div(3),
    'tensor([[0.0000e+00, 3.3333e-01, 6.6667e-01,  ..., 1.5667e+01, 1.6000e+01,\n' +
      '         1.6333e+01],\n' +
      '        [1.6667e+01, 1.7000e+01, 1.7333e+01,  ..., 3.2333e+01, 3.2667e+01,\n' +
      '         3.3000e+01],\n' +
      '        [3.3333e+01, 3.3667e+01, 3.4000e+01,  ..., 4.9000e+01, 4.9333e+01,\n' +
      '         4.9667e+01],\n' +
      '        ...,\n' +
      '        [6.1667e+02, 6.1700e+02, 6.1733e+02,  ..., 6.3233e+02, 6.3267e+02,\n' +
      '         6.3300e+02],\n' +
      '        [6.3333e+02, 6.3367e+02, 6.3400e+02,  ..., 6.4900e+02, 6.4933e+02,\n' +
      '         6.4967e+02],\n' +
      '        [6.5000e+02, 6.5033e+02, 6.5067e+02,  ..., 6.6567e+02, 6.6600e+02,\n' +
      '         6.6633e+02]])',
  ],
  [
    '(torch.arange(10.) * 1.37 - 3).reshape(1, 10).requires_grad_() (suffix on a new line)',
    () => tensor(arange(10).mul(1.37).sub(3).data, [1, 10], { requiresGrad: true }),
    'tensor([[-3.0000, -1.6300, -0.2600,  1.1100,  2.4800,  3.8500,  5.2200,  6.5900,\n' +
      '          7.9600,  9.3300]], requires_grad=True)',
  ],
  [
    'torch.arange(10.).reshape(1, 10).requires_grad_() * 1.37 - 3',
    () => tensor(arange(10).data, [1, 10], { requiresGrad: true }).mul(1.37).sub(3),
    'tensor([[-3.0000, -1.6300, -0.2600,  1.1100,  2.4800,  3.8500,  5.2200,  6.5900,\n' +
      '          7.9600,  9.3300]], grad_fn=<SubBackward0>)',
  ],
];

describe('toString equals PyTorch repr', () => {
  for (const [torchExpr, make, expected] of cases) {
    test(torchExpr, () => assert.equal(make().toString(), expected));
  }
});

describe('grad_fn names', () => {
  const x = tensor(
    [
      [1, 2, 4],
      [3, 5, 9],
    ],
    undefined,
    { requiresGrad: true },
  );
  const suffix = (t: Tensor) => /grad_fn=<(\w+)>\)$/.exec(t.toString())?.[1];
  test('elementwise, reductions, std, indexSelect, view and slice use PyTorch class names', () => {
    assert.equal(suffix(x.mul(2)), 'MulBackward0');
    assert.equal(suffix(x.sum()), 'SumBackward0');
    assert.equal(suffix(x.std(1)), 'StdBackward0');
    assert.equal(suffix(x.indexSelect(1, [0])), 'IndexSelectBackward0');
    assert.equal(suffix(x.reshape(3, 2)), 'ViewBackward0');
    assert.equal(suffix(x.narrow(1, 0, 1)), 'SliceBackward0');
  });
});

describe('Node inspection', () => {
  const t = tensor([
    [0.1, 0.2],
    [0.3, 0.4],
  ]);
  test('console.log / util.inspect print toString(), also nested in objects and arrays', () => {
    assert.equal(inspect(t), t.toString());
    assert.equal(inspect({ w: [tensor([1.5, 2])] }), '{ w: [ tensor([1.5000, 2.0000]) ] }');
  });
  test('the engine path does not import node:util (it uses Symbol.for)', () => {
    const dir = new URL('../../src/tensor/', import.meta.url);
    const files = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.js'));
    assert.ok(files.length > 5, `found the compiled tensor layer in ${dir.pathname}`);
    for (const f of files) {
      const src = readFileSync(new URL(String(f), dir), 'utf8');
      assert.doesNotMatch(src, /from ['"]node:/, `${f} imports a node: module`);
    }
  });
});

test('nn.Parameter prints with PyTorch\'s "Parameter containing:" line', async () => {
  const { Parameter } = await import('../../src/nn/parameter.js');
  const p = new Parameter(tensor([1, 2], [2]));
  // python3 -c "import torch; print(repr(torch.nn.Parameter(torch.tensor([1., 2.]))))"
  assert.equal(p.toString(), 'Parameter containing:\ntensor([1., 2.], requires_grad=True)');
});
