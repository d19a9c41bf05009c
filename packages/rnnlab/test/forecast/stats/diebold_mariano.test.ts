import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DmLoss, dieboldMariano } from '../../../src/forecast/stats/diebold_mariano.js';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual}`);
}

test('dieboldMariano by hand: n = 4, h = 1, absolute loss', () => {
  // |eA| = [2, 1, 3, 1], |eB| = [1, 1, 1, 0] → d = [1, 0, 2, 1], d̄ = 1, γ₀ = (0 + 1 + 1 + 0)/4 = ½.
  // DM = 1/√(½/4) = 2√2; HLN factor √((4 + 1 − 2 + 0)/4) = √3/2 → DM* = √6.
  // p = 2·P(T₃ > √6); with the closed form of the t₃ distribution function (u = t/√3 = √2):
  // p = 1 − (2/π)·(u/(1 + u²) + atan u) = 1 − (2/π)·(√2/3 + atan √2) = 0.0917211133115…
  const r = dieboldMariano([2, -1, 3, 1], [1, 1, -1, 0], { loss: 'abs' });
  close(r.statistic, Math.sqrt(6), 1e-14);
  close(r.p, 1 - (2 / Math.PI) * (Math.SQRT2 / 3 + Math.atan(Math.SQRT2)), 1e-14);
  assert.equal(r.meanDiff, 1);
  assert.deepEqual([r.n, r.horizon, r.lags], [4, 1, 0]);
  // Squared loss: d = [3, 0, 8, 1], d̄ = 3, γ₀ = (0 + 9 + 25 + 4)/4 = 9.5 → DM* = 3/√(9.5/4)·√3/2.
  const sq = dieboldMariano([2, -1, 3, 1], [1, 1, -1, 0], { loss: 'sq' });
  close(sq.statistic, (3 / Math.sqrt(9.5 / 4)) * (Math.sqrt(3) / 2), 1e-14);
  close(sq.p, 0.1904104089998691, 1e-14); // 2·scipy.stats.t.sf(1.6858544608470492, 3)
});

/** Park–Miller integers in −10..10, exact in float64 (as Python computes them). */
function parkMiller(seed: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    seed = (seed * 16807) % 2147483647;
    out.push((seed % 21) - 10);
  }
  return out;
}

/** 3-step-ahead-like errors: MA(2) sums of the draws, n = 40; B's are scaled by 0.8. */
function errors(seedA: number, seedB: number): [number[], number[]] {
  const u = parkMiller(seedA, 42);
  const v = parkMiller(seedB, 42);
  const eA = Array.from({ length: 40 }, (_, t) => u[t]! + u[t + 1]! + u[t + 2]!);
  const eB = Array.from({ length: 40 }, (_, t) => 0.8 * (v[t]! + v[t + 1]! + v[t + 2]!));
  return [eA, eB];
}

test('dieboldMariano matches an independent numpy/scipy implementation (h = 1 and 3, abs and sq)', () => {
  // Reference: a separate Python implementation of forecast::dm.test's rules — d = |eA| − |eB| or eA² − eB²,
  // γ_k = np.dot(dc[k:], dc[:n−k])/n on the centred d, V = γ₀ + 2Σγ_k (if V ≤ 0: redo with h = 1),
  // DM* = d̄/√(V/n)·√((n + 1 − 2h + h(h − 1)/n)/n), p = 2·scipy.stats.t.sf(|DM*|, n − 1) — on the same
  // Park–Miller errors (scipy 1.17.1, numpy 2.4.6).
  type Case = [seedA: number, seedB: number, loss: DmLoss, h: number, statistic: number, p: number];
  const reference: Case[] = [
    [3, 4, 'abs', 1, 0.8928272484427023, 0.3774259429482398],
    [3, 4, 'abs', 3, 0.6616213479824017, 0.5121042936060589],
    [3, 4, 'sq', 1, 1.259809952382299, 0.21522489587883042],
    [3, 4, 'sq', 3, 1.0036605310709628, 0.32172913392581626],
    [1, 2, 'abs', 1, 3.109139124892734, 0.0034972747139186203],
    [1, 2, 'sq', 3, 5.015256430127816, 1.1935346582125516e-5],
  ];
  for (const [seedA, seedB, loss, h, stat, p] of reference) {
    const [eA, eB] = errors(seedA, seedB);
    const r = dieboldMariano(eA, eB, { loss, horizon: h });
    const what = `seeds ${seedA},${seedB} ${loss} h=${h}`;
    close(r.statistic, stat, 1e-12 * Math.abs(stat), what);
    close(r.p, p, 1e-11 * p, what);
    assert.deepEqual([r.n, r.horizon, r.lags], [40, h, h - 1], what);
  }
  const [eA, eB] = errors(3, 4);
  close(dieboldMariano(eA, eB, { loss: 'abs' }).meanDiff, 1.37, 1e-13); // mean |eA| − mean |eB|
  close(dieboldMariano(Float64Array.from(eA), eB, { loss: 'sq' }).meanDiff, 43.776, 1e-11);
});

test('dieboldMariano: swapping A and B flips the sign and keeps p', () => {
  const [eA, eB] = errors(1, 2);
  for (const loss of ['abs', 'sq'] as const) {
    const ab = dieboldMariano(eA, eB, { loss, horizon: 3 });
    const ba = dieboldMariano(eB, eA, { loss, horizon: 3 });
    assert.equal(ba.statistic, -ab.statistic);
    assert.equal(ba.meanDiff, -ab.meanDiff);
    close(ba.p, ab.p, 1e-15);
    assert.ok(ba.statistic < 0, 'B has the lower loss: negative statistic');
  }
});

test('dieboldMariano falls back to h = 1 when V ≤ 0', () => {
  // d = |eA| alternates high/low: γ₀ = 0.3129, γ₁ = −0.27101 → V(h = 2) = γ₀ + 2γ₁ = −0.22912 < 0.
  // numpy/scipy reference (same script): DM* = 3.7005609691096555, p = 0.004916289698016148.
  const alternating = [1.2, 0.1, 1.3, 0.2, 1.1, 0.0, 1.4, 0.3, 1.2, 0.1];
  const zeros = new Float64Array(10);
  const r = dieboldMariano(alternating, zeros, { loss: 'abs', horizon: 2 });
  assert.equal(r.horizon, 2);
  assert.equal(r.lags, 0);
  close(r.statistic, 3.7005609691096555, 1e-12);
  close(r.p, 0.004916289698016148, 1e-14);
  const h1 = dieboldMariano(alternating, zeros, { loss: 'abs', horizon: 1 });
  assert.deepEqual([r.statistic, r.p], [h1.statistic, h1.p]);
});

test('dieboldMariano: equal losses give statistic 0, p 1; a constant loss gap gives ±Infinity, p 0', () => {
  const e = [1.5, -2, 0.25, 3, -1];
  assert.deepEqual(dieboldMariano(e, e, { loss: 'sq', horizon: 2 }), {
    statistic: 0,
    p: 1,
    meanDiff: 0,
    n: 5,
    horizon: 2,
    lags: 1,
  });
  // Mirrored errors: different forecasts, identical absolute and squared losses.
  const mirrored = e.map((v) => -v);
  for (const loss of ['abs', 'sq'] as const) {
    const r = dieboldMariano(e, mirrored, { loss });
    assert.deepEqual([r.statistic, r.p], [0, 1]);
  }
  // |eA| − |eB| = 1 at every target: V = 0 with d̄ = 1.
  const worse = dieboldMariano([2, -3, 4], [1, 2, -3], { loss: 'abs' });
  assert.deepEqual([worse.statistic, worse.p, worse.meanDiff], [Number.POSITIVE_INFINITY, 0, 1]);
  const better = dieboldMariano([1, 2, -3], [2, -3, 4], { loss: 'abs', horizon: 2 });
  assert.deepEqual([better.statistic, better.p, better.meanDiff], [Number.NEGATIVE_INFINITY, 0, -1]);
});

test('dieboldMariano: a non-finite error (diverged model) gives statistic NaN, p NaN', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    for (const loss of ['abs', 'sq'] as const) {
      const r = dieboldMariano([1, bad, 2, 0.5], [1, 1, 1, 1], { loss });
      assert.ok(Number.isNaN(r.statistic) && Number.isNaN(r.p), `errorsA ${bad} ${loss}`);
      const rb = dieboldMariano([1, 1, 1, 1], [1, 2, bad, 0.5], { loss, horizon: 2 });
      assert.ok(Number.isNaN(rb.statistic) && Number.isNaN(rb.p), `errorsB ${bad} ${loss}`);
    }
  }
  // A finite error whose squared loss overflows: 1e200² = Infinity.
  const overflow = dieboldMariano([1, 1e200, 2, 0.5], [1, 1, 1, 1], { loss: 'sq' });
  assert.ok(Number.isNaN(overflow.statistic) && Number.isNaN(overflow.p));
  assert.equal(overflow.meanDiff, Number.POSITIVE_INFINITY);
});

test('dieboldMariano rejects mismatched lengths, n < 3, a bad horizon and an unknown loss', () => {
  assert.throws(
    () => dieboldMariano([1, 2, 3], [1, 2], { loss: 'abs' }),
    /errorsA has 3 values but errorsB has 2; pass the errors of both forecasters on the same targets/,
  );
  assert.throws(
    () => dieboldMariano([1, 2], [2, 1], { loss: 'abs' }),
    /2 paired error\(s\); the test needs at least 3/,
  );
  for (const horizon of [0, 1.5, 4]) {
    assert.throws(
      () => dieboldMariano([1, 2, 3, 4], [4, 3, 2, 1], { loss: 'sq', horizon }),
      new RegExp(`horizon must be an integer from 1 to n − 1 = 3 .*got ${horizon}`),
    );
  }
  assert.throws(
    () => dieboldMariano([1, 2, 3], [3, 2, 1], { loss: 'mse' as 'sq' }),
    /loss must be 'abs' or 'sq', got "mse"/,
  );
});
