/**
 * `node packages/rnnlab/dist/bench/threads.js [tutorial|large|layers|both|all] [reps] [models] [--wait-idle]`: data-parallel
 * training of one model on 1 vs 2 threads, ms per epoch (training and the validation loss, as `fit` times them).
 *   tutorial: the shipped Dow Jones windows (T 16), hidden 64, 2 layers, batch 16 (the tutorial's run);
 *   large:    the same series with T 64, hidden 256, 2 layers, batch 64 (its first 512 training windows);
 *   layers:   the engine benchmark's large layers, B 64, T 64, 256 input features, hidden 256, 2 layers: 8 batches of
 *             synthetic data per epoch, no validation.
 * GFLOP/s counts the recurrent layers' matrix products as bench/engine.ts does (forward 2·T·G·H·(I + H) per layer,
 * direction and window; a training window three times that, a validation window once) over the epoch's wall time.
 * Runs alternate between thread counts (1, 2, 2, 1, …) so that load on a shared machine hits both alike; each run
 * trains a fresh model and contributes the median of its epochs after the first `warm` ones (while the JIT and
 * the kernels' optimizing tier warm up; the first also starts the threads, reported apart). Prints medians over
 * runs and the speed-up. --wait-idle (for a shared machine) starts each pair of runs once other programs leave the
 * cores idle, counts only the epochs during which other programs used less than 10% of the cores (from /proc/stat
 * minus this process's CPU time), and retries a pair whose runs have fewer than 2 such epochs (up to 4 × reps).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DataLoader } from '../src/data/loader.js';
import { type ModelKind, SequenceRegressor } from '../src/forecast/models.js';
import { prepareData } from '../src/forecast/prepare.js';
import { fit, type WindowBatch } from '../src/forecast/train.js';
import { kernelBuild } from '../src/kernels/wasm.js';
import { loadDataset } from '../src/node/dataset.js';
import { nodeReplicaThreads } from '../src/node/replicas.js';
import { manualSeed } from '../src/tensor/random.js';
import { GATES, windowForwardFlops } from './flops.js';

interface Case {
  name: string;
  T: number;
  H: number;
  B: number;
  epochs: number;
  /** Epochs left out of the median. */
  warm: number;
  windows?: number;
  /** Input features of synthetic data (instead of the series' one). */
  F?: number;
}
const CASES: Case[] = [
  { name: 'tutorial', T: 16, H: 64, B: 16, epochs: 10, warm: 3 },
  { name: 'large', T: 64, H: 256, B: 64, epochs: 3, warm: 1, windows: 512 },
  { name: 'layers', T: 64, H: 256, B: 64, epochs: 3, warm: 1, windows: 512, F: 256 },
];

/** Forward FLOPs of one window through the recurrent layers (matrix products only; 2 layers). */
function windowFlops(kind: ModelKind, c: Case): number {
  return windowForwardFlops({
    G: GATES[kind],
    D: kind === 'brnn' ? 2 : 1,
    T: c.T,
    I: c.F ?? 1,
    H: c.H,
    layers: 2,
  });
}

/** Synthetic batches for a case with F features: x ~ U(−1, 1) (B, T, F), y ~ U(−1, 1) (B, T), a fixed LCG. */
function syntheticBatches(c: Case): WindowBatch[] {
  let s = 12345;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
  const F = c.F ?? 1;
  return Array.from({ length: (c.windows ?? c.B) / c.B }, () => ({
    x: Float32Array.from({ length: c.B * c.T * F }, u),
    xShape: [c.B, c.T, F],
    y: Float32Array.from({ length: c.B * c.T }, u),
    yShape: [c.B, c.T],
  }));
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const which = args[0] ?? 'both';
const reps = Number(args[1] ?? 3);
const kinds = (args[2] ?? 'drnn,brnn,lstm,gru').split(',') as ModelKind[];
/** --wait-idle: start a pair of runs only when other programs leave the cores idle, and retry disturbed pairs. */
const idleOnly = process.argv.includes('--wait-idle');
/** A pair counts only if other programs used less than this share of the cores during both runs. */
const QUIET = 0.1;
const cores = availableParallelism();
const series = loadDataset();

/** "tutorial (B16 T16 H64)", "layers (B64 T64 I256 H256)". */
function caseLabel(c: Case): string {
  return `${c.name} (B${c.B} T${c.T}${c.F ? ` I${c.F}` : ''} H${c.H})`;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Busy CPU seconds of the whole machine so far (all cores, /proc/stat), or NaN where it cannot be read. */
function machineBusySeconds(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait, in USER_HZ (100) ticks.
    return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)) / 100;
  } catch {
    return Number.NaN;
  }
}

/** This process's CPU seconds so far (all its threads). */
function ownSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Waits until other programs used less than `share` of the cores for 2 s (up to 10 minutes; only with --wait-idle).
 */
function waitIdle(share: number): void {
  if (!idleOnly) return;
  const until = Date.now() + 600_000;
  while (Date.now() < until) {
    const [b0, o0] = [machineBusySeconds(), ownSeconds()];
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    const others = (machineBusySeconds() - b0 - (ownSeconds() - o0)) / (2 * cores);
    if (!(others >= share)) return;
  }
}

interface Run {
  /** Median ms of the quiet epochs after the warm ones (NaN if fewer than 2 were quiet), and ms of epoch 1. */
  ms: number;
  first: number;
  /** Largest share of the cores other programs used in an epoch after the warm ones. */
  others: number;
  /** GFLOP/s of the median epoch (see the file comment). */
  gflops: number;
}

function run(c: Case, kind: ModelKind, threads: number): Run {
  manualSeed(0);
  const model = new SequenceRegressor({ kind, hiddenSize: c.H, numLayers: 2, inputSize: c.F ?? 1 });
  let loader: Iterable<WindowBatch>;
  let val: WindowBatch[];
  let windows: number;
  if (c.F) {
    loader = syntheticBatches(c);
    val = [];
    windows = c.windows ?? c.B;
  } else {
    const d = prepareData(series, { seqLen: c.T });
    const ids = c.windows ? d.split.train.windows.slice(0, c.windows) : d.split.train.windows;
    loader = new DataLoader(d.windows, { batchSize: c.B, shuffle: true, indices: ids });
    val = [...new DataLoader(d.windows, { batchSize: 256, indices: d.split.val.windows })];
    windows = ids.length + d.split.val.windows.length / 3;
  }
  // Training windows count three forwards (forward + backward), validation windows one.
  const flops = windowFlops(kind, c) * 3 * windows;
  // Per epoch: the share of the cores that other programs used meanwhile (the machine's busy time minus ours).
  const others: number[] = [];
  let mark = [machineBusySeconds(), ownSeconds(), performance.now()];
  const r = fit(model, () => loader, val, {
    epochs: c.epochs,
    lr: 1e-3,
    target: kind === 'brnn' ? 'last-position' : 'all-positions',
    threads,
    replicas: nodeReplicaThreads,
    onEpoch: () => {
      const now = [machineBusySeconds(), ownSeconds(), performance.now()];
      const wall = (now[2] - mark[2]) / 1000;
      others.push(Math.max(0, (now[0] - mark[0] - (now[1] - mark[1])) / (wall * cores)));
      mark = now;
    },
  });
  const ms = r.history.map((h) => h.seconds * 1000);
  const quiet = ms.filter((_, e) => e >= c.warm && !(others[e] >= QUIET));
  const m = quiet.length >= 2 || !idleOnly ? median(quiet) : Number.NaN;
  return { ms: m, first: ms[0], others: Math.max(...others.slice(c.warm)), gflops: flops / m / 1e6 };
}

process.stdout.write(
  `rnnlab data-parallel training — node ${process.version}, ${kernelBuild} kernels, ${reps} runs per cell, ` +
    'medians of ms per epoch (after the warm-up epochs)\n\n',
);
const table: string[][] = [
  [
    'case',
    'model',
    '1 thread',
    '2 threads',
    'speed-up',
    'GFLOP/s (1 / 2 threads)',
    'epoch 1 (1 / 2 threads)',
    'pairs (disturbed)',
  ],
];
const chosen = CASES.filter(
  (c) => which === 'all' || which === c.name || (which === 'both' && c.name !== 'layers'),
);
if (chosen.length === 0) {
  process.stderr.write(
    `threads.js: unknown case ${which}; give tutorial, large, layers, both (tutorial and large) or all\n`,
  );
  process.exit(2);
}
for (const c of chosen) {
  for (const kind of kinds) {
    const t: Record<number, number[]> = { 1: [], 2: [] };
    const first: Record<number, number[]> = { 1: [], 2: [] };
    const gflops: Record<number, number[]> = { 1: [], 2: [] };
    let disturbed = 0;
    for (let i = 0; t[1].length < reps && i < 4 * reps; i++) {
      waitIdle(QUIET / 2);
      const pair = (i % 2 ? [2, 1] : [1, 2]).map((threads) => ({ threads, r: run(c, kind, threads) }));
      const worst = Math.max(...pair.map((p) => p.r.others));
      process.stderr.write(
        `  ${kind} ${pair.map((p) => `${p.threads}: ${p.r.ms.toFixed(1)} ms`).join(', ')}; other programs used up to ` +
          `${(worst * 100).toFixed(0)}% of the cores in an epoch\n`,
      );
      if (pair.some((p) => Number.isNaN(p.r.ms))) {
        disturbed++;
        continue;
      }
      for (const p of pair) {
        t[p.threads].push(p.r.ms);
        first[p.threads].push(p.r.first);
        gflops[p.threads].push(p.r.gflops);
      }
    }
    if (t[1].length === 0) {
      table.push([caseLabel(c), kind, '-', '-', 'never quiet', '-', '-', '-']);
      continue;
    }
    const [a, b] = [median(t[1]), median(t[2])];
    table.push([
      caseLabel(c),
      kind,
      a.toFixed(1),
      b.toFixed(1),
      `${(a / b).toFixed(2)}x`,
      `${median(gflops[1]).toFixed(1)} / ${median(gflops[2]).toFixed(1)}`,
      `${median(first[1]).toFixed(0)} / ${median(first[2]).toFixed(0)}`,
      `${t[1].length} (${disturbed})`,
    ]);
  }
}
const w = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table)
  process.stdout.write(`${r.map((v, c) => (c < 2 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  ')}\n`);
