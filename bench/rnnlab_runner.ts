/**
 * rnnlab runner for the peer benchmark (bench/peers/run.mjs; contract in bench/peers/README.md).
 * The tutorial workload: DJI close 2019-03-25..2024-03-20 (1257 rows), z-score, 1241 windows of 16 steps,
 * next-step target at every step, batch 16 shuffled, hidden 64, 2 layers, Adam 1e-3, summed MSE.
 * Prints one JSON line on stdout.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/dataset.js';
import { DataLoader } from '../src/data/loader.js';
import { StandardScaler } from '../src/data/scalers.js';
import { makeWindows } from '../src/data/windows.js';
import { type ModelKind, SequenceRegressor } from '../src/forecast/models.js';
import { predictLast } from '../src/forecast/predict.js';
import { fit, type WindowBatch } from '../src/forecast/train.js';
import { manualSeed, optim, tensor } from '../src/index.js';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: 'lstm' },
    epochs: { type: 'string', default: '10' },
    hidden: { type: 'string', default: '64' },
    layers: { type: 'string', default: '2' },
    seq: { type: 'string', default: '16' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '0' },
    seed: { type: 'string', default: '0' },
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  .version as string;
const versions = { rnnlab: version, node: process.versions.node, v8: process.versions.v8 };
if (a.check) {
  process.stdout.write(`${JSON.stringify({ runner: 'rnnlab', ok: true, versions })}\n`);
  process.exit(0);
}
const kind = a.model as ModelKind;
const H = Number(a.hidden);
const L = Number(a.layers);
const T = Number(a.seq);
const B = Number(a.batch);
const seed = Number(a.seed);
const rssMb = () => process.memoryUsage().rss / 2 ** 20;
let peak = rssMb();
const median = (v: number[]) => {
  const s = [...v].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

manualSeed(seed);
const model = new SequenceRegressor({ kind, hiddenSize: H, numLayers: L });
const steps = Number(a.steps);
if (steps > 0) {
  // Scaling mode: S training steps on synthetic (B, T, 1) data.
  const x = tensor(
    Float32Array.from({ length: B * T }, (_, i) => Math.sin(i * 0.1)),
    [B, T, 1],
  );
  const y = tensor(
    Float32Array.from({ length: B * T }, (_, i) => Math.sin(i * 0.1 + 0.1)),
    [B, T],
  );
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const times: number[] = [];
  for (let s = 0; s < steps + 3; s++) {
    const t0 = performance.now();
    opt.zeroGrad();
    const d = model.forward(x).squeeze(-1).sub(y);
    d.mul(d).sum().backward();
    opt.step();
    if (s >= 3) times.push(performance.now() - t0);
    peak = Math.max(peak, rssMb());
  }
  const out = {
    runner: 'rnnlab',
    mode: 'steps',
    model: kind,
    hidden: H,
    seq: T,
    batch: B,
    steps,
    msPerStep: median(times),
    msPerStepMean: times.reduce((p, q) => p + q, 0) / times.length,
    peakRssMb: peak,
    versions,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

const series = loadDataset(a.data, '2019-03-25:2024-03-20');
const close = series.columns.close;
const z = new StandardScaler().fit(close).transform(close);
const windows = makeWindows({ inputs: z, seqLen: T });
const loader = new DataLoader(windows, { batchSize: B, shuffle: true, seed });
const epochs = Number(a.epochs);
const msPerEpochAll: number[] = [];
const mseByEpoch: number[] = [];
let last = performance.now();
fit(model, () => loader, [], {
  epochs,
  lr: 1e-3,
  target: 'all-positions',
  onEpoch: (r) => {
    const now = performance.now();
    msPerEpochAll.push(now - last);
    mseByEpoch.push(r.trainLoss);
    last = now;
    peak = Math.max(peak, rssMb());
    process.stderr.write(
      `epoch ${r.epoch}: mse ${r.trainLoss.toFixed(5)} ${msPerEpochAll.at(-1)!.toFixed(1)} ms\n`,
    );
  },
});
// Inference over all windows: batches of 16, and all at once.
const allX = new Float32Array(windows.x);
const N = windows.rows;
let t0 = performance.now();
const batches: WindowBatch[] = [...new DataLoader(windows, { batchSize: 16 })];
t0 = performance.now();
for (const b of batches) predictLast(model, b.x, b.xShape[0], T, 1);
const msInference = performance.now() - t0;
t0 = performance.now();
predictLast(model, allX, N, T, 1, N);
const msInferenceAll = performance.now() - t0;
// Batch-1 latency of one 16-step window.
const one = allX.subarray(0, T);
const lat: number[] = [];
for (let i = 0; i < 330; i++) {
  const s = performance.now();
  predictLast(model, one, 1, T, 1);
  if (i >= 30) lat.push(performance.now() - s);
}
peak = Math.max(peak, rssMb());
const out = {
  runner: 'rnnlab',
  model: kind,
  epochs,
  msPerEpoch: median(msPerEpochAll.slice(1)),
  msInference,
  msLatencyB1: median(lat),
  finalMse: mseByEpoch.at(-1),
  peakRssMb: peak,
  versions,
  mode: 'epochs',
  msPerEpochAll,
  mseByEpoch,
  inferenceBatch: 16,
  msInferenceAll,
  latencyCalls: lat.length,
  hidden: H,
  layers: L,
  seq: T,
  batch: B,
  windows: N,
  threads: 1,
  params: model.numParameters(),
  seed,
};
process.stdout.write(`${a.json ? JSON.stringify(out) : JSON.stringify(out, null, 2)}\n`);
