/**
 * `npm run bench`: speed of the fused recurrent layers on one core.
 *   1. nn.RNN / nn.LSTM / nn.GRU forward + backward (dL/d(out) = R) at the tutorial size (B 16, T 16, I 1,
 *      H 64, 2 layers) and a larger size (B 64, T 64, I 256, H 256, 2 layers): ms and GFLOP/s.
 *   2. A full training step of the tutorial's four models (forward + Linear + MSE + backward + Adam): ms.
 *   3. The same layer with the plain-TypeScript reference kernels, for the speed-up of the WebAssembly path.
 *   4. Inference: the tutorial's four models forward only (eval mode, under noGrad: the inference kernels, which
 *      save nothing) over 1241 windows of 16 steps — the tutorial's window count — in batches of 1, 16 and 1241;
 *      ms per pass over all windows (input from and output to host arrays, as a forecaster runs it) and GFLOP/s.
 * FLOPs count the matrix products only: forward 2·T·B·G·H·(I + H) per layer and direction; backward twice that.
 * Medians over repetitions; the machine is shared, so compare ratios measured in one run.
 */

import { type ModelKind, SequenceRegressor } from '../src/forecast/models.js';
import { manualSeed, nn, noGrad, optim, randn, tensor } from '../src/index.js';
import { kernelBuild } from '../src/kernels/wasm.js';
import { setRecurrentBackend } from '../src/nn/functional/recurrent.js';
import { GATES, windowForwardFlops } from './flops.js';

type Kind = 'rnn' | 'lstm' | 'gru';

interface Size {
  name: string;
  B: number;
  T: number;
  I: number;
  H: number;
  L: number;
}
const SIZES: Size[] = [
  { name: 'tutorial', B: 16, T: 16, I: 1, H: 64, L: 2 },
  { name: 'large', B: 64, T: 64, I: 256, H: 256, L: 2 },
];

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median ms of fn over `reps` runs after `warm` warm-up runs, stopping early once `budgetMs` is spent. */
function time(fn: () => void, reps: number, warm = 3, budgetMs = 4000): number {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  const start = performance.now();
  for (let i = 0; i < reps && (i < 5 || performance.now() - start < budgetMs); i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

function flops(kind: Kind, s: Size): number {
  // forward + backward (≈ 2× forward)
  return 3 * s.B * windowForwardFlops({ G: GATES[kind], D: 1, T: s.T, I: s.I, H: s.H, layers: s.L });
}

function layerStep(kind: Kind, s: Size): () => void {
  manualSeed(0);
  const opts = { inputSize: s.I, hiddenSize: s.H, numLayers: s.L, batchFirst: true };
  const m = kind === 'lstm' ? new nn.LSTM(opts) : kind === 'gru' ? new nn.GRU(opts) : new nn.RNN(opts);
  const x = randn([s.B, s.T, s.I]);
  const r = randn([s.B, s.T, s.H]);
  return () => {
    m.zeroGrad();
    const out = m instanceof nn.LSTM ? m.forward(x)[0] : m.forward(x)[0];
    out.backward(r); // dL/d(out) = r, i.e. L = Σ out·r, without extra elementwise ops
  };
}

function trainStep(kind: ModelKind): () => void {
  manualSeed(0);
  const m = new SequenceRegressor({ kind, hiddenSize: 64, numLayers: 2 });
  const opt = new optim.Adam(m.parameters(), { lr: 1e-3 });
  const x = randn([16, 16, 1]);
  const y = randn([16, 16]);
  return () => {
    opt.zeroGrad();
    const d = m.forward(x).squeeze(-1).sub(y);
    d.mul(d).sum().backward();
    opt.step();
  };
}

const WINDOWS = 1241;

/** Forward FLOPs of one window (T 16, input 1, hidden 64, 2 layers) of a tutorial model: its recurrent layers. */
function windowFlops(kind: ModelKind): number {
  return windowForwardFlops({ G: GATES[kind], D: kind === 'brnn' ? 2 : 1, T: 16, I: 1, H: 64, layers: 2 });
}

/** One pass of a tutorial model over WINDOWS windows (16 steps, 1 feature) in batches of `batch`, forward only. */
function inferencePass(kind: ModelKind, batch: number): () => void {
  manualSeed(0);
  const m = new SequenceRegressor({ kind, hiddenSize: 64, numLayers: 2 });
  m.eval();
  const T = 16;
  const x = Float32Array.from({ length: WINDOWS * T }, (_, i) => Math.sin(i / 7));
  return () =>
    noGrad(() => {
      for (let i = 0; i < WINDOWS; i += batch) {
        const n = Math.min(batch, WINDOWS - i);
        m.forward(tensor(x.subarray(i * T, (i + n) * T), [n, T, 1])).data.slice();
      }
    });
}

const rows: string[][] = [['layer', 'size', 'ms fwd+bwd', 'GFLOP/s']];
for (const s of SIZES) {
  for (const kind of ['rnn', 'lstm', 'gru'] as Kind[]) {
    const ms = time(layerStep(kind, s), s.name === 'tutorial' ? 400 : 20);
    rows.push([
      kind.toUpperCase(),
      `${s.name} (B${s.B} T${s.T} I${s.I} H${s.H} L${s.L})`,
      ms.toFixed(3),
      (flops(kind, s) / ms / 1e6).toFixed(1),
    ]);
  }
}
const steps: string[][] = [['model', 'ms per training step (fwd+bwd+Adam), B16 T16 H64 L2']];
for (const kind of ['drnn', 'brnn', 'lstm', 'gru'] as ModelKind[]) {
  steps.push([kind.toUpperCase(), time(trainStep(kind), 400).toFixed(3)]);
}
const inference: string[][] = [['model', `batch`, `ms (${WINDOWS} windows)`, 'µs/window', 'GFLOP/s']];
for (const kind of ['drnn', 'brnn', 'lstm', 'gru'] as ModelKind[]) {
  for (const batch of [1, 16, WINDOWS]) {
    const ms = time(inferencePass(kind, batch), 30, 2);
    inference.push([
      kind.toUpperCase(),
      String(batch),
      ms.toFixed(2),
      ((ms * 1e3) / WINDOWS).toFixed(1),
      ((WINDOWS * windowFlops(kind)) / ms / 1e6).toFixed(1),
    ]);
  }
}
const tut = SIZES[0];
const wasmMs = time(layerStep('lstm', tut), 300);
setRecurrentBackend('reference');
const refMs = time(layerStep('lstm', tut), 50);
setRecurrentBackend('wasm');

const print = (t: string[][]) => {
  const w = t[0].map((_, c) => Math.max(...t.map((r) => r[c].length)));
  for (const r of t)
    process.stdout.write(`${r.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  ')}\n`);
  process.stdout.write('\n');
};
process.stdout.write(
  `rnnlab engine benchmark — node ${process.version}, one thread, ${kernelBuild} kernels (RNNLAB_KERNELS)\n\n`,
);
print(rows);
print(steps);
process.stdout.write(
  'Inference: forward only (eval, noGrad), T16 I1 H64 L2, input and output in host arrays\n',
);
print(inference);
print([
  ['tutorial LSTM layer fwd+bwd', 'ms'],
  ['WebAssembly SIMD kernels', wasmMs.toFixed(3)],
  ['TypeScript reference kernels', refMs.toFixed(3)],
  ['speed-up', `${(refMs / wasmMs).toFixed(1)}x`],
]);
