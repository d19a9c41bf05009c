import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernels } from '../../src/kernels/wasm.js';
import { Arena, read } from './util.js';

/** Runs a vectorized activation kernel (exp_f32 / sigmoid_f32 / tanh_f32) over xs. */
function run(kernel: string, xs: Float32Array): Float32Array {
  const arena = new Arena();
  try {
    const x = arena.put(xs);
    const y = arena.zeros(xs.length);
    kernels[kernel](x, y, xs.length);
    return read(y, xs.length);
  } finally {
    arena.freeAll();
  }
}

// Dense grid over [-30, 30] (step 1e-4, odd length so the scalar tail runs too) plus tiny magnitudes.
const grid = Float32Array.from({ length: 600_003 }, (_, i) => -30 + i * 1e-4);
const tiny = Float32Array.from([1e-30, -1e-30, 1e-7, -1e-7, 1e-3, -1e-3, 0]);
const xs = Float32Array.from([...grid, ...tiny]);

function maxRelError(got: Float32Array, want: (x: number) => number): number {
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = want(xs[i]);
    const r = e === 0 ? Math.abs(got[i]) : Math.abs(got[i] - e) / Math.abs(e);
    if (!(r <= worst)) worst = r;
  }
  return worst;
}

const fns: [string, (x: number) => number, number][] = [
  ['exp_f32', Math.exp, 2e-7],
  ['sigmoid_f32', (x) => 1 / (1 + Math.exp(-x)), 2e-7],
  ['tanh_f32', Math.tanh, 2e-7],
];

for (const [kernel, f, bound] of fns) {
  test(`${kernel}: max relative error over [-30, 30] below ${bound}`, () => {
    const rel = maxRelError(run(kernel, xs), f);
    assert.ok(rel < bound, `${kernel} max relative error ${rel}`);
  });
}

test('activations saturate without NaN or Inf for large |x|', () => {
  const big = Float32Array.from([1e4, -1e4, 88, -88, 100, -100, 3e38, -3e38]);
  const e = run('exp_f32', big);
  const s = run('sigmoid_f32', big);
  const t = run('tanh_f32', big);
  for (const v of [...e, ...s, ...t]) assert.ok(Number.isFinite(v), `non-finite ${v}`);
  assert.equal(s[0], 1);
  assert.ok(s[1] >= 0 && s[1] < 1e-37, `sigmoid(-1e4) = ${s[1]}`);
  assert.equal(t[0], 1);
  assert.equal(t[1], -1);
  assert.ok(e[1] >= 0 && e[1] < 1e-37, `exp(-1e4) = ${e[1]}`);
  assert.ok(e[0] > 1e38, `exp(1e4) saturates at a large finite value, got ${e[0]}`);
});
