/**
 * The reduction kernels: sum_squares follows its documented order (four f64 partial sums over i mod 4, then the
 * tail) and stays within f64 rounding of an exact sum; add_f32 gives the bits of a scalar float32 add, tails
 * included, and touches nothing past n.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addF32, sumSquares } from '../../src/kernels/reduce.js';
import { Arena, read } from './util.js';

/** Deterministic values over many magnitudes, with signs, as float32. */
function values(n: number, seed: number): Float32Array {
  const v = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = ((s / 2 ** 32 - 0.5) * 2 ** ((s % 13) - 6)) as number;
  }
  return v;
}

const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 17, 1000, 50497];

test('sum_squares: the documented order of partial sums, and within f64 rounding of the exact sum', () => {
  const arena = new Arena();
  try {
    for (const n of LENGTHS) {
      const x = values(n, n + 1);
      const got = sumSquares(arena.put(x), n);
      const m = n - (n % 4);
      const part = [0, 0, 0, 0];
      for (let i = 0; i < m; i++) part[i % 4] += x[i] * x[i];
      let want = part[0] + part[1] + (part[2] + part[3]);
      for (let i = m; i < n; i++) want += x[i] * x[i];
      assert.equal(got, want, `n = ${n}`);
      // Against a compensated (Kahan) sum: n·2⁻⁵³ relative at worst.
      let sum = 0;
      let c = 0;
      for (const v of x) {
        const y = v * v - c;
        const t = sum + y;
        c = t - sum - y;
        sum = t;
      }
      assert.ok(Math.abs(got - sum) <= n * 2 ** -53 * sum, `n = ${n}: ${got} vs ${sum}`);
    }
  } finally {
    arena.freeAll();
  }
});

test('add_f32: the bits of float32 dst + src, for every length and tail, and nothing written past n', () => {
  const arena = new Arena();
  try {
    for (const n of LENGTHS) {
      const a = values(n, 7 * n + 3);
      const b = values(n, 11 * n + 5);
      const dst = arena.put([...a, 12345]);
      addF32(dst, arena.put(b), n);
      const got = read(dst, n + 1);
      for (let i = 0; i < n; i++) assert.equal(got[i], Math.fround(a[i] + b[i]), `n = ${n}, i = ${i}`);
      assert.equal(got[n], 12345, `n = ${n}: the float after the buffer`);
    }
  } finally {
    arena.freeAll();
  }
});
