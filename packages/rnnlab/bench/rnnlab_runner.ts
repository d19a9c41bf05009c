/**
 * rnnlab runner for the peer benchmark (bench/peers/run.mjs; the contract is in bench/peers/README.md).
 *
 * The tutorial workload, exactly as bench/peers/torch_runner.py trains it: DJI daily Close 2019-03-25..2024-03-20
 * (1257 rows), z-score (mean, unbiased std of the whole series), 1241 windows of 16 steps, next-step target at
 * every step, batches of 16 reshuffled every epoch (the last one 9), hidden 64, 2 layers, Adam 1e-3,
 * loss = squared error summed over batch and time. One thread (the main thread; no workers).
 *
 * Prints exactly one JSON line on stdout with --json (pretty JSON without); progress goes to stderr.
 *
 *   node dist/bench/rnnlab_runner.js --model lstm --epochs 10 --json            epoch mode
 *   node dist/bench/rnnlab_runner.js --model lstm --hidden 256 --steps 30 --json  scaling mode (ms per step)
 *   node --expose-gc dist/bench/rnnlab_runner.js --model lstm --epochs 200 --rss-epochs 10,200 --json
 *                                                                                 memory growth
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataLoader } from '../src/data/loader.js';
import { StandardScaler } from '../src/data/scalers.js';
import { makeWindows } from '../src/data/windows.js';
import { MODEL_KINDS, type ModelKind, SequenceRegressor } from '../src/forecast/models.js';
import { fit } from '../src/forecast/train.js';
import { manualSeed, noGrad, optim, tensor } from '../src/index.js';
import * as wasmMemory from '../src/kernels/memory.js';
import { kernelBuild, kernels } from '../src/kernels/wasm.js';
import { loadDataset } from '../src/node/dataset.js';
import { nodeReplicaThreads } from '../src/node/replicas.js';

const RANGE = '2019-03-25:2024-03-20';
const EXIT_USAGE = 2;

const USAGE = `usage: node dist/bench/rnnlab_runner.js [options]

  --model drnn|brnn|lstm|gru   model (default lstm)
  --epochs N                   training epochs; epoch 1 is warm-up (default 10)
  --json                       print exactly one JSON line on stdout
  --hidden H --layers L        model size (default 64, 2)
  --seq T --batch B            window length and batch size (default 16, 16)
  --lr RATE --seed N           Adam learning rate (default 1e-3), seed of weights and shuffling (default 0)
  --steps S                    scaling mode: time S training steps (after 3 warm-up steps) instead of epochs
  --data PATH                  price CSV (default: the repo's data/dji.csv)
  --latency-calls N            timed batch-1 calls (>= 200, default 300)
  --inference-reps N           timed inference passes, median (default 5, after 1 warm-up pass)
  --loop manual|fit            manual: a hand-written step loop like the PyTorch runner's (default);
                               fit: the library's fit() (what 'rnnlab compare' runs: it also computes the
                               global gradient norm every step)
  --threads N                  train one model on N threads (data parallel, rnnlab/node's replica threads;
                               implies --loop fit; default 1)
  --rss-epochs A,B[,...]       memory growth: sample RSS after these epochs (trains at least max(...) epochs)
                               and report the growth from the first to the last sample. Forced GC before each
                               sample when node runs with --expose-gc
  --check                      print versions as JSON and exit 0
  -h, --help                   this text`;

function usageError(message: string): never {
  process.stderr.write(`rnnlab_runner: ${message}\n${USAGE}\n`);
  process.exit(EXIT_USAGE);
}

interface Options {
  model: ModelKind;
  epochs: number;
  json: boolean;
  hidden: number;
  layers: number;
  seq: number;
  batch: number;
  lr: number;
  seed: number;
  steps: number;
  data: string | undefined;
  latencyCalls: number;
  inferenceReps: number;
  loop: 'manual' | 'fit';
  threads: number;
  rssEpochs: number[];
  check: boolean;
}

function parseCli(argv: string[]): Options {
  let v: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      options: {
        model: { type: 'string', default: 'lstm' },
        epochs: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        hidden: { type: 'string', default: '64' },
        layers: { type: 'string', default: '2' },
        seq: { type: 'string', default: '16' },
        batch: { type: 'string', default: '16' },
        lr: { type: 'string', default: '0.001' },
        seed: { type: 'string', default: '0' },
        steps: { type: 'string', default: '0' },
        data: { type: 'string' },
        'latency-calls': { type: 'string', default: '300' },
        'inference-reps': { type: 'string', default: '5' },
        loop: { type: 'string', default: 'manual' },
        threads: { type: 'string', default: '1' },
        'rss-epochs': { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  }
  try {
    v = parse();
  } catch (e) {
    usageError((e as Error).message);
  }
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (name: string, value: string, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) usageError(`--${name} must be an integer >= ${min}, got '${value}'`);
    return n;
  };
  if (!(MODEL_KINDS as readonly string[]).includes(v.model)) {
    usageError(`--model must be one of ${MODEL_KINDS.join(', ')}, got '${v.model}'`);
  }
  if (v.loop !== 'manual' && v.loop !== 'fit') usageError(`--loop must be manual or fit, got '${v.loop}'`);
  const lr = Number(v.lr);
  if (!(lr > 0)) usageError(`--lr must be a positive number, got '${v.lr}'`);
  const rssEpochs =
    v['rss-epochs'] === undefined
      ? []
      : v['rss-epochs'].split(',').map((s) => int('rss-epochs', s.trim(), 1));
  if (v['rss-epochs'] !== undefined) {
    const ascending = rssEpochs.every((e, i) => i === 0 || e > rssEpochs[i - 1]!);
    if (rssEpochs.length < 2 || !ascending) {
      usageError(`--rss-epochs needs at least two ascending epochs (e.g. 10,200), got '${v['rss-epochs']}'`);
    }
  }
  const latencyCalls = int('latency-calls', v['latency-calls'], 1);
  if (latencyCalls < 200) usageError(`--latency-calls must be >= 200, got ${latencyCalls}`);
  const epochs = int('epochs', v.epochs, 1);
  return {
    model: v.model as ModelKind,
    epochs: Math.max(epochs, rssEpochs.at(-1) ?? 0),
    json: v.json,
    hidden: int('hidden', v.hidden, 1),
    layers: int('layers', v.layers, 1),
    seq: int('seq', v.seq, 1),
    batch: int('batch', v.batch, 1),
    lr,
    seed: int('seed', v.seed, 0),
    steps: int('steps', v.steps, 0),
    data: v.data,
    latencyCalls,
    inferenceReps: int('inference-reps', v['inference-reps'], 1),
    threads: int('threads', v.threads, 1),
    loop: int('threads', v.threads, 1) > 1 ? ('fit' as const) : v.loop,
    rssEpochs,
    check: v.check,
  };
}

const o = parseCli(process.argv.slice(2));
const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  .version as string;
const versions = {
  rnnlab: version,
  node: process.versions.node,
  v8: process.versions.v8,
  kernels: kernelBuild,
  loop: o.loop,
};
if (o.check) {
  process.stdout.write(`${JSON.stringify({ runner: 'rnnlab', ok: true, versions })}\n`);
  process.exit(0);
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const now = () => performance.now();
const MiB = 2 ** 20;
/** Peak resident set of the process in MiB (maxRSS is KiB), like the peers' getrusage ru_maxrss. */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const median = (v: number[]) => {
  const s = [...v].sort((x, y) => x - y);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};
const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;

function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${o.json ? JSON.stringify(result) : JSON.stringify(result, null, 2)}\n`);
}

// The workload's data: z-scored close, windows of T steps with the next-step target at every step.
const K = o.model;
const T = o.seq;
const B = o.batch;
const series = loadDataset(o.data, RANGE);
const close = series.columns.close;
const z = new StandardScaler().fit(close).transform(close);
const windows = makeWindows({ inputs: z, seqLen: T });
const N = windows.rows;

manualSeed(o.seed);
const model = new SequenceRegressor({ kind: K, hiddenSize: o.hidden, numLayers: o.layers });
/** The workload's shape, shared by both modes' results. */
const common = {
  hidden: o.hidden,
  layers: o.layers,
  seq: T,
  batch: B,
  windows: N,
  threads: o.threads,
  seed: o.seed,
  params: model.numParameters(),
};

/** One training step on a batch: Σ (ŷ − y)² over batch and time, backward, Adam. Returns the loss. */
function makeStep(opt: InstanceType<typeof optim.Adam>) {
  return (x: Float32Array, xShape: readonly number[], y: Float32Array, yShape: readonly number[]): number => {
    opt.zeroGrad();
    const d = model.forward(tensor(x, xShape)).squeeze(-1).sub(tensor(y, yShape));
    const loss = d.mul(d).sum();
    const value = loss.item();
    loss.backward();
    opt.step();
    return value;
  };
}

if (o.steps > 0) {
  // Scaling mode: ms per training step at batch B, full batches of the real windows (1257 − T of them),
  // median of S steps after 3 warm-up steps; the batch is gathered outside the timed region (as in the peers).
  model.train();
  const step = makeStep(new optim.Adam(model.parameters(), { lr: o.lr }));
  const loader = new DataLoader(windows, { batchSize: B, shuffle: true, dropLast: true });
  let it = loader[Symbol.iterator]();
  const times: number[] = [];
  for (let k = 0; k < 3 + o.steps; k++) {
    let r = it.next();
    if (r.done) {
      it = loader[Symbol.iterator]();
      r = it.next();
    }
    const b = r.value!;
    const t0 = now();
    step(b.x, b.xShape, b.y, b.yShape);
    if (k >= 3) times.push(now() - t0);
  }
  emit({
    runner: 'rnnlab',
    model: K,
    ...common,
    mode: 'steps',
    steps: o.steps,
    msPerStep: median(times),
    msPerStepMean: mean(times),
    peakRssMb: peakRssMb(),
    versions,
  });
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Epoch mode

interface MemorySample {
  epoch: number;
  rssMb: number;
  /** V8 heap committed (includes the young generation's semi-spaces, which grow under allocation pressure). */
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  wasmMemoryMb: number;
  wasmAllocatedMb: number;
}
const gc = (globalThis as { gc?: () => void }).gc;
if (o.rssEpochs.length > 0 && !gc) {
  log('note: global.gc is not exposed (run node --expose-gc): RSS is sampled without a forced collection');
}
const memory: MemorySample[] = [];
function sampleMemory(epoch: number): void {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  memory.push({
    epoch,
    rssMb: m.rss / MiB,
    heapTotalMb: m.heapTotal / MiB,
    heapUsedMb: m.heapUsed / MiB,
    externalMb: m.external / MiB,
    arrayBuffersMb: m.arrayBuffers / MiB,
    wasmMemoryMb: kernels.memory.buffer.byteLength / MiB,
    wasmAllocatedMb: wasmMemory.allocatedBytes / MiB,
  });
}

const loader = new DataLoader(windows, { batchSize: B, shuffle: true });
const msPerEpochAll: number[] = [];
const mseByEpoch: number[] = [];
const afterEpoch = (epoch: number, ms: number, mse: number) => {
  msPerEpochAll.push(ms);
  mseByEpoch.push(mse);
  log(`[rnnlab ${K}] epoch ${epoch}/${o.epochs} ${ms.toFixed(1)} ms mse ${mse.toFixed(5)}`);
  if (o.rssEpochs.includes(epoch)) sampleMemory(epoch);
};
if (o.loop === 'fit') {
  // The library's training loop (no validation set): ms from its per-epoch clock, which stops before onEpoch.
  fit(model, () => loader, [], {
    epochs: o.epochs,
    lr: o.lr,
    target: 'all-positions',
    threads: o.threads,
    replicas: o.threads > 1 ? nodeReplicaThreads : undefined,
    onEpoch: (r) => afterEpoch(r.epoch, r.seconds * 1000, r.trainLoss),
  });
} else {
  model.train();
  const step = makeStep(new optim.Adam(model.parameters(), { lr: o.lr }));
  for (let e = 1; e <= o.epochs; e++) {
    const t0 = now();
    let total = 0;
    for (const b of loader) total += step(b.x, b.xShape, b.y, b.yShape);
    afterEpoch(e, now() - t0, total / (N * T));
  }
}
const timed = msPerEpochAll.length > 1 ? msPerEpochAll.slice(1) : msPerEpochAll;

// Inference: all N windows in order, in batches of B and as one batch; eval mode, no autograd, every output
// copied to a host Float32Array. Median of `inferenceReps` passes after one warm-up pass.
model.eval();
const X = Float32Array.from(windows.x);
const infer = (x: Float32Array, n: number): Float32Array =>
  noGrad(() => model.forward(tensor(x, [n, T, 1])).data.slice());
const timePasses = (pass: () => void): number => {
  const times: number[] = [];
  for (let rep = 0; rep <= o.inferenceReps; rep++) {
    const t0 = now();
    pass();
    if (rep > 0) times.push(now() - t0);
  }
  return median(times);
};
const msInference = timePasses(() => {
  for (let i = 0; i < N; i += B) {
    const b = Math.min(B, N - i);
    infer(X.subarray(i * T, (i + b) * T), b);
  }
});
const msInferenceAll = timePasses(() => infer(X, N));

// Batch-1 latency: the last window, from a host Float32Array to its (1, T, 1) prediction in a host array.
const one = X.slice((N - 1) * T, N * T);
for (let k = 0; k < 20; k++) infer(one, 1);
const lat: number[] = [];
for (let k = 0; k < o.latencyCalls; k++) {
  const t0 = now();
  infer(one, 1);
  lat.push(now() - t0);
}

const memoryFields =
  memory.length > 0
    ? {
        rssEpochs: memory.map((m) => m.epoch),
        rssMbAt: memory.map((m) => m.rssMb),
        rssGrowthPct: (100 * (memory.at(-1)!.rssMb - memory[0]!.rssMb)) / memory[0]!.rssMb,
        rssForcedGc: gc !== undefined,
        memoryAt: memory,
      }
    : {};
emit({
  runner: 'rnnlab',
  model: K,
  epochs: o.epochs,
  msPerEpoch: median(timed),
  msInference,
  msLatencyB1: median(lat),
  finalMse: mseByEpoch.at(-1),
  peakRssMb: peakRssMb(),
  versions,
  mode: 'epochs',
  msPerEpochAll,
  mseByEpoch,
  inferenceBatch: B,
  msInferenceAll,
  latencyCalls: lat.length,
  ...common,
  ...memoryFields,
});
