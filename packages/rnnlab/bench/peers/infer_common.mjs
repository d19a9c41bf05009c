// The inference-timing protocol of the harness's --inference mode, shared by rnnlab_infer.mjs and ort_infer.mjs
// (torch_infer.py does the same in Python). One process times one model on one runtime:
//   warm-up: the N windows as one batch, one pass in batches of 16, 20 single windows;
//   msAll: the N windows as one batch, median of --reps calls;
//   msB16: one pass over the N windows in batches of 16 (the last one smaller), median of --reps passes;
//   msB1Median / msB1Mean: one pass over the N windows one at a time, every call timed.
// Every call goes from a host Float32Array (N·T·1 input) to its output in a host Float32Array. The one-batch output
// is written to --out (float32) for the harness's cross-runtime check; selfMaxDiff = max |b16 − all|, |b1 − all|.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const EXIT_USAGE = 2;
export const EXIT_UNAVAILABLE = 3;

export function parseInferArgs(extra = {}) {
  const v = parseArgs({
    options: {
      dir: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      reps: { type: 'string', default: '5' },
      batch: { type: 'string', default: '16' },
      json: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      ...extra,
    },
  }).values;
  const reps = Number(v.reps);
  const batch = Number(v.batch);
  if (!Number.isInteger(reps) || reps < 1 || !Number.isInteger(batch) || batch < 1) {
    process.stderr.write('--reps and --batch must be integers >= 1\n');
    process.exit(EXIT_USAGE);
  }
  if (!v.check && !(v.dir && v.model && v.out)) {
    process.stderr.write('give --dir DIR --model M --out FILE (or --check)\n');
    process.exit(EXIT_USAGE);
  }
  return { ...v, reps, batch };
}

/** The export folder's manifest and input windows (float32, N·T·1). */
export function loadExport(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const buf = readFileSync(join(dir, 'windows.bin'));
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice();
  const n = manifest.windows;
  const T = manifest.seq;
  if (x.length !== n * T) throw new Error(`windows.bin has ${x.length} floats, expected ${n}·${T}`);
  return { manifest, x, n, T };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

/**
 * Times `run(x, b) -> Float32Array | Promise<Float32Array>` (b windows of T steps, output b·T) with the protocol
 * above. Returns the timing fields and writes the one-batch output to `outPath`.
 */
/** Untimed passes of each shape (one batch, batches of 16) before timing. */
const WARM_PASSES = 3;

export async function measure(run, { x, n, T }, { reps, batch: B, out: outPath }) {
  const now = () => performance.now();
  const slice = (i, b) => x.subarray(i * T, (i + b) * T);
  const b16Pass = async () => {
    const parts = [];
    for (let i = 0; i < n; i += B) parts.push(await run(slice(i, Math.min(B, n - i)), Math.min(B, n - i)));
    return parts;
  };
  // Warm-up: JIT tiers (V8 runs wasm and JS in a baseline tier first) reach their steady state over the first
  // passes, so each shape gets WARM_PASSES untimed passes; then one-batch and batches-of-16 passes alternate, so
  // that neither is timed while the other warms the shared code.
  for (let k = 0; k < WARM_PASSES; k++) {
    await run(x, n);
    await b16Pass();
  }
  for (let k = 0; k < 20; k++) await run(slice(0, 1), 1);

  const allMs = [];
  let outAll;
  const b16Ms = [];
  let partsB16;
  for (let r = 0; r < reps; r++) {
    let t0 = now();
    outAll = Float32Array.from(await run(x, n));
    allMs.push(now() - t0);
    t0 = now();
    partsB16 = await b16Pass();
    b16Ms.push(now() - t0);
  }
  const b1Ms = [];
  const partsB1 = [];
  const tPass = now();
  for (let i = 0; i < n; i++) {
    const w = x.slice(i * T, (i + 1) * T);
    const t0 = now();
    partsB1.push(await run(w, 1));
    b1Ms.push(now() - t0);
  }
  const b1Pass = now() - tPass;

  const concat = (parts) => {
    const o = new Float32Array(n * T);
    let at = 0;
    for (const p of parts) {
      o.set(p, at);
      at += p.length;
    }
    if (at !== n * T) throw new Error(`outputs hold ${at} values, expected ${n * T}`);
    return o;
  };
  const maxDiff = (a, b) => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };
  if (outAll.length !== n * T)
    throw new Error(`one-batch output has ${outAll.length} values, expected ${n * T}`);
  writeFileSync(outPath, new Uint8Array(outAll.buffer, outAll.byteOffset, outAll.byteLength));
  return {
    windows: n,
    seq: T,
    batch: B,
    reps,
    msAll: median(allMs),
    msB16: median(b16Ms),
    msB1Median: median(b1Ms),
    msB1Mean: b1Ms.reduce((p, q) => p + q, 0) / b1Ms.length,
    msB1Pass: b1Pass,
    selfMaxDiff: Math.max(maxDiff(concat(partsB16), outAll), maxDiff(concat(partsB1), outAll)),
    out: outPath,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

export function emit(result, json) {
  process.stdout.write(`${json ? JSON.stringify(result) : JSON.stringify(result, null, 2)}\n`);
}
