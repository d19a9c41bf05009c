/**
 * Content hashes for plans and unit results, the same in Node and browsers: FNV-1a 64-bit over the UTF-8 bytes of a
 * canonical JSON text (object keys sorted, typed arrays as plain arrays, numbers in JavaScript's shortest
 * round-trip form), written as 16 hex digits.
 *
 *   h₀ = 0xcbf29ce484222325;  h ← (h ⊕ byte) · 0x100000001b3 mod 2⁶⁴ for every byte
 */

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** FNV-1a 64-bit of the UTF-8 bytes of `text`, as 16 lower-case hex digits. */
export function fnv1a64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let h = OFFSET;
  for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  return h.toString(16).padStart(16, '0');
}

/** JSON with object keys sorted at every level and typed arrays written as arrays; undefined fields are left out. */
export function canonicalJson(value: unknown): string {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return canonicalJson(Array.from(value as unknown as ArrayLike<number>));
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** fnv1a64 of the canonical JSON of `value`. */
export function hashOf(value: unknown): string {
  return fnv1a64(canonicalJson(value));
}
