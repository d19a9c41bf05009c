/** Helpers for the kernel tests: fixtures, wasm buffers that are freed together, tolerance checks, a seeded RNG. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { alloc, f32view, free } from '../../src/kernels/memory.js';

/** Parses test/fixtures/torch/<name>.json (this file runs from dist/test/kernels/). */
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is indexed by the fields its README documents
export function fixture(name: string): any {
  return JSON.parse(
    readFileSync(new URL(`../../../test/fixtures/torch/${name}.json`, import.meta.url), 'utf8'),
  );
}

/** Wasm allocations made through one arena, freed at once. */
export class Arena {
  private ptrs: number[] = [];
  /** Zero-filled buffer of n floats. */
  zeros(n: number): number {
    const p = alloc(n);
    this.ptrs.push(p);
    return p;
  }
  /** Buffer holding a copy of data (as float32). */
  put(data: ArrayLike<number>): number {
    const p = this.zeros(data.length);
    f32view(p, data.length).set(data);
    return p;
  }
  freeAll(): void {
    for (const p of this.ptrs) free(p);
    this.ptrs = [];
  }
}

/** Copy of n floats at ptr. */
export function read(ptr: number, n: number): Float32Array {
  return Float32Array.from(f32view(ptr, n));
}

/** Largest (|a-e| - atol - rtol·|e|) over elements; ≤ 0 means within tolerance. */
export function excess(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
): number {
  let worst = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]) - atol - rtol * Math.abs(expected[i]);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

/** Asserts |a - e| <= atol + rtol·|e| elementwise; the message names the worst element. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  atol = 1e-5,
  rtol = 1e-4,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${label}: length ${actual.length}, expected ${expected.length}`,
  );
  let worst = -1;
  let worstD = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]) - atol - rtol * Math.abs(expected[i]);
    if (!(d <= worstD)) {
      worstD = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      worst = i;
    }
  }
  if (worst >= 0) {
    assert.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (atol ${atol}, rtol ${rtol})`,
    );
  }
}

/** Deterministic uniform [lo, hi) generator (mulberry32). */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  let a = seed >>> 0;
  return (lo = -1, hi = 1) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

/** (d0, d1, F) row-major → (d1, d0, F): batch-first ↔ time-major. */
export function swap01(data: ArrayLike<number>, d0: number, d1: number, F: number): Float64Array {
  const out = new Float64Array(d0 * d1 * F);
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      for (let f = 0; f < F; f++) out[(j * d0 + i) * F + f] = data[(i * d1 + j) * F + f];
    }
  }
  return out;
}

/** Overwrites the floats at ptr with data. */
export function write(ptr: number, data: ArrayLike<number>): void {
  f32view(ptr, data.length).set(data);
}
