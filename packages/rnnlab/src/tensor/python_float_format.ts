/**
 * Python's float formatting, as PyTorch's tensor printout uses it: `'{:.Nf}'` and `'{:.Ne}'`.
 *
 * Python rounds the exact binary value of the double half-to-even; JavaScript's `toFixed`/`toExponential` round
 * exact ties away from zero (0.03125 → '0.0313' in JavaScript, '0.0312' in Python) and write exponents without
 * padding ('1e+5' against '1e+05'). Here a finite x = m·2^e is scaled by 10^digits exactly in BigInt arithmetic
 * and rounded half-to-even, so every output equals Python's.
 */

/** |x| = mantissa · 2^exponent exactly, for a finite double. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 }; // zero or subnormal
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** round_half_even(|x| · 10^digits) for a finite x (digits may be negative). */
function scaledRound(x: number, digits: number): bigint {
  const { mantissa, exponent } = decompose(x);
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (digits >= 0) num *= 10n ** BigInt(digits);
  else den *= 10n ** BigInt(-digits);
  const q = num / den;
  const twice = 2n * (num % den);
  if (twice > den || (twice === den && q % 2n === 1n)) return q + 1n;
  return q;
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/** The sign Python writes: '-' for negative values and for -0. */
function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `'{:.<digits>f}'.format(x)`: e.g. formatFixed(0.03125, 4) = '0.0312', formatFixed(-0, 0) = '-0'. */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const n = scaledRound(x, digits)
    .toString()
    .padStart(digits + 1, '0');
  const whole = n.slice(0, n.length - digits);
  return digits === 0 ? sign(x) + whole : `${sign(x)}${whole}.${n.slice(n.length - digits)}`;
}

/** Python's `'{:.<digits>e}'.format(x)`: e.g. formatScientific(12344.5, 4) = '1.2344e+04'. */
export function formatScientific(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  let e = 0;
  let n = 0n;
  if (x !== 0) {
    // n = round(|x| / 10^(e−digits)) must have digits+1 decimal digits; log10 can be off by one either way.
    e = Math.floor(Math.log10(Math.abs(x)));
    const low = 10n ** BigInt(digits);
    for (;;) {
      n = scaledRound(x, digits - e);
      if (n >= 10n * low) e++;
      else if (n < low) e--;
      else break;
    }
  }
  const s = n.toString().padStart(digits + 1, '0');
  const mantissa = digits === 0 ? s : `${s[0]}.${s.slice(1)}`;
  const exp = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return `${sign(x)}${mantissa}e${exp}`;
}
