/**
 * `std` values and gradients: by hand, by central differences, and against PyTorch 2.13. PyTorch numbers from
 * (x = X below reshaped (2, 3, 4), y = the std, w_k = 0.3 + 0.1·((7k) mod 5)):
 *   python3 -c "import torch; x = torch.tensor(X).reshape(2,3,4).requires_grad_(); y = x.std(1);
 *     (y * W).sum().backward(); print(y, x.grad)"
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noGrad, type Tensor, tensor } from '../../src/index.js';
import { assertClose } from '../support/fixtures.js';

const X = [
  0.5, -1.25, 2.0, 3.5, 0.0, -0.75, 1.5, 2.25, -2.0, 0.25, 4.0, 1.0, -0.5, 0.75, 3.0, -1.5, 2.5, 0.125, -3.0,
  1.75, 0.625, -0.25, 2.75, 1.25,
];
const weights = (n: number) => Array.from({ length: n }, (_, k) => 0.3 + 0.1 * ((k * 7) % 5));

/** y = f(x) and d(Σ y·w)/dx for x = X shaped (2, 3, 4). */
function run(f: (x: Tensor) => Tensor): { y: Tensor; grad: Float32Array } {
  const x = tensor(X, [2, 3, 4], { requiresGrad: true });
  const y = f(x);
  y.mul(tensor(weights(y.numel()), y.shape))
    .sum()
    .backward();
  return { y, grad: Float32Array.from(x.grad?.data ?? []) };
}

/** Central differences of Σ f(x)·w in float64 over f's float32 results. */
function numericGrad(f: (x: Tensor) => Tensor): number[] {
  const h = 1e-2;
  const at = (j: number, delta: number) =>
    noGrad(() => {
      const d = [...X];
      d[j] += delta;
      const y = f(tensor(d, [2, 3, 4]));
      const w = weights(y.numel());
      return y.toArray().reduce((s, v, k) => s + v * w[k], 0);
    });
  return X.map((_, j) => (at(j, h) - at(j, -h)) / (2 * h));
}

const TOL = { rtol: 1e-5, atol: 1e-6 };

describe('std against PyTorch', () => {
  const torchCases: Array<[string, (x: Tensor) => Tensor, number[], number[], number[]]> = [
    [
      'x.std()',
      (x) => x.std(),
      [],
      [1.777985],
      [
        -0.001987, -0.014825, 0.009017, 0.020021, -0.005655, -0.011157, 0.005349, 0.010851, -0.020327,
        -0.003821, 0.023689, 0.001681, -0.009323, -0.000153, 0.016353, -0.016659, 0.012685, -0.004738,
        -0.027663, 0.007183, -0.00107, -0.007489, 0.014519, 0.003515,
      ],
    ],
    [
      'x.std(unbiased=False)',
      (x) => x.std(false),
      [],
      [1.74055],
      [
        -0.001945, -0.014513, 0.008827, 0.0196, -0.005536, -0.010922, 0.005237, 0.010623, -0.019899, -0.00374,
        0.023191, 0.001646, -0.009127, -0.00015, 0.016009, -0.016308, 0.012418, -0.004638, -0.027081,
        0.007032, -0.001047, -0.007331, 0.014214, 0.003441,
      ],
    ],
    [
      'x.std(1)',
      (x) => x.std(1),
      [2, 4],
      [1.322876, 0.763763, 1.322876, 1.25, 1.515544, 0.505181, 3.394235, 1.75],
      [
        0.113389, -0.218218, -0.132288, 0.2, 0.056695, -0.054554, -0.264575, 0.0, -0.170084, 0.272772,
        0.396863, -0.2, -0.272179, 0.160833, 0.153446, -0.4, 0.321667, -0.024744, -0.288479, 0.25, -0.049487,
        -0.13609, 0.135033, 0.15,
      ],
    ],
    [
      'x.std(-1, unbiased=False, keepdim=True)',
      (x) => x.std(-1, false, true),
      [2, 3, 1],
      [1.762234, 1.185854, 2.146036, 1.680541, 2.112787, 1.094643],
      [
        -0.02926, -0.103739, 0.03458, 0.098419, -0.079057, -0.158114, 0.079057, 0.158114, -0.229347,
        -0.045869, 0.259927, 0.01529, -0.055786, 0.018595, 0.152481, -0.11529, 0.153086, -0.01553, -0.237394,
        0.099839, -0.032117, -0.092068, 0.113479, 0.010706,
      ],
    ],
    [
      'x.std([0, 2])',
      (x) => x.std([0, 2]),
      [3],
      [1.883907, 1.844317, 1.827295],
      [
        -0.007109, -0.04692, 0.027015, 0.061138, -0.02118, -0.050227, 0.036914, 0.06596, -0.161612, -0.038479,
        0.166742, 0.002565, -0.029858, -0.001422, 0.049764, -0.052607, 0.075643, -0.016339, -0.137367,
        0.046596, -0.017957, -0.065842, 0.098335, 0.016247,
      ],
    ],
  ];
  for (const [label, f, shape, value, grad] of torchCases) {
    test(label, () => {
      const r = run(f);
      assert.deepEqual(r.y.shape, shape);
      assertClose(r.y.data, value, TOL, `${label} value`);
      assertClose(r.grad, grad, TOL, `${label} grad`);
      assertClose(r.grad, numericGrad(f), { rtol: 2e-2, atol: 2e-3 }, `${label} grad vs central differences`);
    });
  }
});

describe('std by hand', () => {
  test('x = [1, 2, 4]: σ = sqrt(((4/3)² + (1/3)² + (5/3)²) / 2) = sqrt(7/3), dσ/dx = (x − 7/3) / (2σ)', () => {
    const x = tensor([1, 2, 4], [3], { requiresGrad: true });
    const y = x.std();
    y.backward();
    const sigma = Math.sqrt(7 / 3);
    assertClose(y.data, [sigma], TOL, 'σ');
    assertClose(
      x.grad?.data ?? [],
      [-4 / 3 / (2 * sigma), -1 / 3 / (2 * sigma), 5 / 3 / (2 * sigma)],
      TOL,
      'dσ/dx',
    );
    assertClose(tensor([1, 2, 4]).std(false).data, [Math.sqrt(14 / 9)], TOL, 'biased σ = sqrt((14/3) / 3)');
  });
  test('dim [] reduces all dims, as in PyTorch', () => {
    assertClose(tensor([1, 2, 4], [3, 1]).std([]).data, [Math.sqrt(7 / 3)], TOL, 'std([])');
  });
  test('a constant row has σ = 0 and gradient 0 (not NaN), as in PyTorch', () => {
    const x = tensor([1, 1], [2], { requiresGrad: true });
    x.std().backward();
    assert.deepEqual(x.grad?.toArray(), [0, 0]);
  });
  test('one element with the unbiased estimator gives NaN (N − 1 = 0), as in PyTorch', () => {
    const x = tensor([2], [1], { requiresGrad: true });
    const y = x.std();
    assert.ok(Number.isNaN(y.item()));
    y.backward();
    assert.ok(Number.isNaN(x.grad?.data[0] ?? 0));
  });
  test('a bad dim names the op, the dim and the valid range', () => {
    assert.throws(
      () => tensor([1, 2]).std(1),
      /std: dimension 1 is out of range for a tensor of rank 1 \(expected -1\.\.0\)/,
    );
  });
});
