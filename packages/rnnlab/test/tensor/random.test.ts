/** Generator's integer draws: `randint(n)` exactly uniform on [0, n), `randperm(n)` a uniform permutation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../src/tensor/random.js';

test('randint(2^32) is the raw 32-bit stream; randint(1) is always 0', () => {
  const g = new Generator(4);
  const raw = new Generator(4);
  for (let k = 0; k < 100; k++) assert.equal(g.randint(2 ** 32), raw.nextUint32());
  for (let k = 0; k < 100; k++) assert.equal(g.randint(1), 0);
});

test('randint(n) rejects 32-bit draws r ≥ 2^32 − (2^32 mod n), so no value is favoured', () => {
  // n = 2^31 + 1: 2^32 mod n = 2^31 − 1, so draws ≥ 2^31 + 1 (about half) are rejected and the rest returned as is.
  const n = 2 ** 31 + 1;
  const g = new Generator(8);
  const raw = new Generator(8);
  let rejected = 0;
  for (let k = 0; k < 200; k++) {
    let r = raw.nextUint32();
    while (r >= n) {
      r = raw.nextUint32();
      rejected++;
    }
    assert.equal(g.randint(n), r);
  }
  assert.ok(rejected > 50, `expected about 200 rejections, got ${rejected}`);
});

test('randint(6): each face within 3% of 1/6 over 60000 draws', () => {
  const g = new Generator(1);
  const counts = new Array<number>(6).fill(0);
  for (let k = 0; k < 60000; k++) counts[g.randint(6)]!++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 300, `counts ${counts}`);
});

test('randint refuses n outside [1, 2^32] or not an integer', () => {
  const g = new Generator(0);
  for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) {
    assert.throws(() => g.randint(n), /randint: n must be an integer in \[1, 2\^32\], got/);
  }
});

test('randperm(n) is a permutation of 0..n−1, the same for the same seed', () => {
  for (const n of [0, 1, 2, 10, 1000]) {
    const p = new Generator(n).randperm(n);
    assert.deepEqual(
      Array.from(p).sort((a, b) => a - b),
      Array.from({ length: n }, (_, k) => k),
    );
  }
  assert.deepEqual(new Generator(3).randperm(50), new Generator(3).randperm(50));
  assert.notDeepEqual(new Generator(3).randperm(50), new Generator(4).randperm(50));
  assert.throws(
    () => new Generator(0).randperm(-1),
    /randperm: n must be an integer in \[0, 2\^31\), got -1/,
  );
});

test('randperm(3): all 6 orders, each within 3% of 1/6 over 60000 draws', () => {
  const g = new Generator(2);
  const counts = new Map<string, number>();
  for (let k = 0; k < 60000; k++) {
    const key = g.randperm(3).join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), ['012', '021', '102', '120', '201', '210']);
  for (const c of counts.values()) assert.ok(Math.abs(c - 10000) < 300, `counts ${[...counts]}`);
});
