import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalCdf, studentTCdf, studentTTwoSidedP } from '../../../src/forecast/stats/student_t.js';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);
}

const ts = [-40, -12.706, -3, -1, -0.2, 1e-8, 0.5, 1.5, 4, 300];

test('studentTCdf matches the closed forms for 1, 2 and 3 degrees of freedom', () => {
  for (const t of ts) {
    // ν = 1 (Cauchy): F = ½ + atan(t)/π.
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-14, `ν=1 t=${t}`);
    // ν = 2: F = ½ + t / (2·√(2 + t²)).
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-14, `ν=2 t=${t}`);
    // ν = 3: F = ½ + (1/π)·(u/(1 + u²) + atan(u)), u = t/√3.
    const u = t / Math.sqrt(3);
    close(studentTCdf(t, 3), 0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI, 1e-14, `ν=3 t=${t}`);
  }
});

test('studentTCdf matches scipy.stats.t.cdf, including non-integer and very large ν', () => {
  // python3 -c "from scipy.stats import t; print(repr(float(t.cdf(T, DF))))" (scipy 1.17.1); each value was also
  // checked against a 40-digit mpmath quadrature of the t density (agreement ≤ 7e-27 absolute).
  const reference: [t: number, df: number, cdf: number][] = [
    [-3.7, 4.5, 0.008452171812415284],
    [0.25, 7, 0.5951172070760741],
    [1.96, 189, 0.9742670788685502],
    [-2.5, 30, 0.009057824534033344],
    [6, 12, 0.9999689163056757],
    [-9, 50, 2.460922890733386e-12],
    [2.5, 1000, 0.9937107160994546],
    [-1.3, 1e5, 0.09680198277159006],
    [2, 5e6, 0.977249841056335], // above 10⁶: Fisher's expansion
    [-4, 2e7, 3.1671355588957024e-5],
  ];
  for (const [t, df, cdf] of reference) close(studentTCdf(t, df), cdf, 1e-12, `t=${t} ν=${df}`);
  // Far tail: relative accuracy of the two-sided p (2·P(T < −9), ν = 50).
  const p = studentTTwoSidedP(-9, 50);
  assert.ok(Math.abs(p / (2 * 2.460922890733386e-12) - 1) < 1e-9, `p = ${p}`);
});

test('studentTCdf at the 97.5% quantiles is 0.975 (scipy.stats.t.ppf) and 1.96 ≈ normal at ν = ∞', () => {
  // python3 -c "from scipy.stats import t; print(repr(float(t.ppf(0.975, DF))))"; the printed t tables round these
  // to 12.706, 4.303, 2.571, 2.228, 2.042.
  const quantiles: [df: number, t: number][] = [
    [1, 12.706204736174694],
    [2, 4.302652729749462],
    [5, 2.5705818356363146],
    [10, 2.228138851986274],
    [30, 2.0422724563012378],
    [189, 1.9725950790996682],
  ];
  for (const [df, t] of quantiles) {
    close(studentTCdf(t, df), 0.975, 1e-12, `ν=${df}`);
    close(studentTCdf(-t, df), 0.025, 1e-12, `ν=${df}`);
    close(studentTTwoSidedP(t, df), 0.05, 1e-12, `ν=${df}`);
  }
  close(studentTCdf(1.959963984540054, Number.POSITIVE_INFINITY), 0.975, 1e-15);
});

test('studentTCdf is symmetric and the two-sided p is 2·min(F, 1 − F)', () => {
  for (const df of [1, 2.5, 7, 40, 600, 3e4, 2e6]) {
    for (const t of [0.1, 0.9, 2, 3.5, 7]) {
      close(studentTCdf(-t, df) + studentTCdf(t, df), 1, 1e-15, `ν=${df} t=${t}`);
      close(studentTTwoSidedP(t, df), 2 * studentTCdf(-t, df), 1e-15, `ν=${df} t=${t}`);
      assert.equal(studentTTwoSidedP(-t, df), studentTTwoSidedP(t, df));
    }
  }
});

test('studentTCdf is continuous where it switches to Fisher’s expansion (ν = 10⁶)', () => {
  for (const t of [-5, -2.2, -0.7, 0.3, 1, 3]) {
    close(studentTCdf(t, 1e6), studentTCdf(t, 1e6 + 1e-3), 1e-12, `t=${t}`);
  }
});

test('studentTCdf special values and bad degrees of freedom', () => {
  assert.equal(studentTCdf(0, 3), 0.5);
  assert.equal(studentTTwoSidedP(0, 3), 1);
  assert.equal(studentTCdf(Number.POSITIVE_INFINITY, 4), 1);
  assert.equal(studentTCdf(Number.NEGATIVE_INFINITY, 4), 0);
  assert.equal(studentTTwoSidedP(Number.NEGATIVE_INFINITY, 4), 0);
  assert.ok(Number.isNaN(studentTCdf(Number.NaN, 4)));
  assert.ok(Number.isNaN(studentTTwoSidedP(Number.NaN, 4)));
  assert.ok(Number.isNaN(studentTCdf(1, Number.NaN)));
  assert.throws(() => studentTCdf(1, 0), /studentTCdf: degrees of freedom must be > 0 .*got 0/);
  assert.throws(() => studentTTwoSidedP(1, -2), /studentTTwoSidedP: degrees of freedom must be > 0/);
});

test('normalCdf matches scipy.stats.norm.cdf', () => {
  // python3 -c "from scipy.stats import norm; print(repr(float(norm.cdf(Z))))" (scipy 1.17.1)
  const reference: [z: number, cdf: number][] = [
    [-8, 6.22096057427174e-16],
    [-3, 0.0013498980316300933],
    [-1.2, 0.11506967022170822],
    [0.4, 0.6554217416103242],
    [1.959963984540054, 0.975],
    [5, 0.9999997133484281],
  ];
  for (const [z, cdf] of reference) close(normalCdf(z), cdf, 1e-15, `z=${z}`);
  assert.ok(Math.abs(normalCdf(-8) / 6.22096057427174e-16 - 1) < 1e-12, 'relative accuracy in the tail');
  assert.equal(normalCdf(0), 0.5);
  assert.equal(normalCdf(Number.NEGATIVE_INFINITY), 0);
  assert.equal(normalCdf(Number.POSITIVE_INFINITY), 1);
  assert.ok(Number.isNaN(normalCdf(Number.NaN)));
});
