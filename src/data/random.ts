/**
 * A small seeded PRNG for shuffling: mulberry32 (32-bit state, period 2^32). The same seed gives the same
 * sequence on every platform, bit for bit (integer ops only, then one exact division by 2^32).
 */

/** Returns a generator of uint32 values from `seed` (any number; used as its low 32 bits). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform float in [0, 1) from a uint32 generator. */
export function uniform(next: () => number): number {
  return next() / 4294967296;
}

/** Mixes two 32-bit values into one seed (murmur3 fmix32 of seed + k·golden ratio), e.g. (seed, epoch). */
export function mixSeed(seed: number, k: number): number {
  let h = ((seed >>> 0) + Math.imul(k >>> 0, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fisher–Yates shuffle in place: for i = n-1..1 swap a[i] with a[j], j = ⌊u·(i+1)⌋. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
  a: T,
  next: () => number,
): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(uniform(next) * (i + 1));
    const tmp = a[i]!;
    a[i] = a[j]!;
    a[j] = tmp;
  }
  return a;
}
