/** Test support: loading the PyTorch fixtures and comparing numbers with tolerances. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** Repository root (this file runs from dist/test/support/). */
export const repoRoot = new URL('../../../', import.meta.url);

export interface FxTensor {
  shape: number[];
  data: number[];
}

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is loosely typed; tests index it by the README's fields
export type Fx = any;

const cache = new Map<string, Fx>();

/** Parses test/fixtures/torch/<name>.json (cached). */
export function torchFixture(name: string): Fx {
  let fx = cache.get(name);
  if (fx === undefined) {
    fx = JSON.parse(readFileSync(new URL(`test/fixtures/torch/${name}.json`, repoRoot), 'utf8'));
    cache.set(name, fx);
  }
  return fx;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Asserts |a − e| ≤ atol + rtol·|e| elementwise; the message names the worst element. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  label: string,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${label}: length ${actual.length} != expected ${expected.length}`,
  );
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    assert.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(|diff| ${Math.abs(actual[worst] - expected[worst]).toExponential(3)} > atol ${tol.atol} + rtol ${tol.rtol}·|e|)`,
    );
  }
}

/** Max |a − e| (for reporting). */
export function maxAbsDiff(a: ArrayLike<number>, e: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(a[i] - e[i]));
  return m;
}

export const F32: Tolerance = { rtol: 1e-4, atol: 1e-5 };
