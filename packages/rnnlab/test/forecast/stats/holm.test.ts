import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holmAdjust } from '../../../src/forecast/stats/holm.js';

function closeAll(actual: number[], expected: number[], tol = 1e-15): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    const ok = Number.isNaN(expected[i]!)
      ? Number.isNaN(actual[i]!)
      : Math.abs(actual[i]! - expected[i]!) <= tol;
    assert.ok(ok, `[${i}]: expected ${expected[i]}, got ${actual[i]}`);
  }
}

test('holmAdjust: textbook example, returned in input order', () => {
  // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
  closeAll(holmAdjust([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02]);
});

test('holmAdjust caps at 1, keeps ties equal, and handles m = 0 and 1', () => {
  // 0.02·3 = 0.06, 0.5·2 = 1, 0.6·1 = 0.6 → max 1.
  closeAll(holmAdjust([0.5, 0.6, 0.02]), [1, 1, 0.06]);
  closeAll(holmAdjust([0.02, 0.02]), [0.04, 0.04]);
  closeAll(holmAdjust([0.2]), [0.2]);
  assert.deepEqual(holmAdjust([]), []);
});

test('holmAdjust: NaN entries stay NaN and do not count in m', () => {
  // m = 2: 0.01·2 = 0.02, 0.04·1 = 0.04.
  closeAll(holmAdjust([0.01, Number.NaN, 0.04]), [0.02, Number.NaN, 0.04]);
  closeAll(holmAdjust([Number.NaN, Number.NaN]), [Number.NaN, Number.NaN]);
});

test('holmAdjust equals the definition max_{j ≤ i} min(1, (m − j + 1)·p_(j)), is monotone and ≥ p', () => {
  // 25 p-values from a fixed linear congruential sequence, some tiny, some large, with a tie.
  const p: number[] = [];
  let s = 12345;
  for (let i = 0; i < 25; i++) {
    s = (s * 16807) % 2147483647;
    p.push((s / 2147483647) ** 3);
  }
  p.push(p[3]!);
  const adjusted = holmAdjust(p);
  const sorted = [...p].sort((a, b) => a - b);
  const m = p.length;
  for (let i = 0; i < m; i++) {
    // Tied values share the value at the first tie's rank (later ranks add smaller multiples of the same p).
    const rank = sorted.indexOf(p[i]!);
    let expected = 0;
    for (let j = 0; j <= rank; j++) expected = Math.max(expected, Math.min(1, (m - j) * sorted[j]!));
    assert.ok(Math.abs(adjusted[i]! - expected) <= 1e-15, `[${i}] expected ${expected}, got ${adjusted[i]}`);
    assert.ok(adjusted[i]! >= p[i]! && adjusted[i]! <= 1);
    for (let j = 0; j < m; j++) {
      if (p[i]! <= p[j]!) assert.ok(adjusted[i]! <= adjusted[j]!, `monotone: p[${i}] ≤ p[${j}]`);
    }
  }
});

test('holmAdjust rejects values that are not probabilities', () => {
  assert.throws(() => holmAdjust([0.1, 1.5]), /holmAdjust: p\[1\] = 1.5 is not a probability/);
  assert.throws(() => holmAdjust([-0.01]), /p\[0\] = -0.01 is not a probability; pass p-values in \[0, 1\]/);
  assert.throws(() => holmAdjust([Number.POSITIVE_INFINITY]), /p\[0\] = Infinity/);
});
