#!/usr/bin/env node
// TF.js peer runner for the rnnlab benchmark suite (issue 4).
//
// Same workload as torch_runner.py: DJI daily Close 2019-03-25..2024-03-20, z-scored, 1241 windows of 16 steps,
// next-step target at every step, batch 16, shuffled, hidden 64, 2 layers, Adam 1e-3, loss = squared error summed
// over batch and time, models built from tf.layers. One thread: the wasm backend runs its non-threaded SIMD build
// (multithreading is forced off and setThreadsCount(1) is called); the cpu backend is pure JS.
// With --json it prints exactly one JSON line on stdout (progress goes to stderr); schema in README.md.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const MODELS = ['drnn', 'brnn', 'lstm', 'gru'];
const DATE_FROM = '2019-03-25';
const DATE_TO = '2024-03-20';
const EXIT_UNAVAILABLE = 3;

const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

function usage(code) {
  const text = `usage: node tfjs_runner.mjs [--backend wasm|cpu] [--model drnn|brnn|lstm|gru] [--epochs N] [--data path]
                         [--json] [--hidden H] [--layers L] [--seq T] [--batch B] [--steps S] [--seed N]
                         [--latency-calls N] [--inference-reps N] [--check]`;
  (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
  process.exit(code);
}

function parseCli(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        backend: { type: 'string', default: 'wasm' },
        model: { type: 'string', default: 'lstm' },
        epochs: { type: 'string', default: '20' },
        data: { type: 'string', default: resolve(HERE, '..', '..', 'data', 'dji.csv') },
        json: { type: 'boolean', default: false },
        hidden: { type: 'string', default: '64' },
        layers: { type: 'string', default: '2' },
        seq: { type: 'string', default: '16' },
        batch: { type: 'string', default: '16' },
        lr: { type: 'string', default: '0.001' },
        seed: { type: 'string', default: '0' },
        steps: { type: 'string', default: '0' },
        'latency-calls': { type: 'string', default: '300' },
        'inference-reps': { type: 'string', default: '5' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    log(String(e.message));
    usage(2);
  }
  if (parsed.help) usage(0);
  const int = (k) => {
    const v = Number(parsed[k]);
    if (!Number.isInteger(v) || v < 0) {
      log(`--${k} must be a non-negative integer`);
      usage(2);
    }
    return v;
  };
  const o = {
    backend: parsed.backend,
    model: parsed.model,
    epochs: int('epochs'),
    data: parsed.data,
    json: parsed.json,
    hidden: int('hidden'),
    layers: int('layers'),
    seq: int('seq'),
    batch: int('batch'),
    lr: Number(parsed.lr),
    seed: int('seed'),
    steps: int('steps'),
    latencyCalls: int('latency-calls'),
    inferenceReps: int('inference-reps'),
    check: parsed.check,
  };
  if (!['wasm', 'cpu'].includes(o.backend)) usage(2);
  if (!MODELS.includes(o.model)) usage(2);
  if (o.latencyCalls < 200) {
    log('--latency-calls must be >= 200');
    usage(2);
  }
  return o;
}

async function loadTf(backend) {
  let tf;
  try {
    tf = require('@tensorflow/tfjs');
  } catch (e) {
    log(`TF.js not found: run \`npm install\` (or \`npm ci\`) in ${HERE} [${e.message}]`);
    process.exit(EXIT_UNAVAILABLE);
  }
  let wasmInfo = null;
  if (backend === 'wasm') {
    let wasm;
    try {
      wasm = require('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      log(`@tensorflow/tfjs-backend-wasm not found: run \`npm install\` in ${HERE} [${e.message}]`);
      process.exit(EXIT_UNAVAILABLE);
    }
    // Load the .wasm binaries from node_modules on disk, never from a CDN; single thread.
    const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    const files = [
      'tfjs-backend-wasm.wasm',
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
    ];
    for (const f of files) {
      if (!existsSync(join(dir, f))) {
        log(`missing ${join(dir, f)}: reinstall @tensorflow/tfjs-backend-wasm`);
        process.exit(EXIT_UNAVAILABLE);
      }
    }
    wasm.setWasmPaths(Object.fromEntries(files.map((f) => [f, join(dir, f)])));
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (typeof wasm.setThreadsCount === 'function') wasm.setThreadsCount(1);
    wasmInfo = { wasm, dir };
  }
  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) {
    log(`TF.js backend '${backend}' failed to initialise`);
    process.exit(EXIT_UNAVAILABLE);
  }
  await tf.ready();
  const versions = {
    tfjs: tf.version.tfjs,
    tfjsCore: tf.version_core ?? tf.version['tfjs-core'],
    tfjsLayers: tf.version_layers ?? tf.version['tfjs-layers'],
    backend: tf.getBackend(),
    node: process.versions.node,
    v8: process.versions.v8,
  };
  if (wasmInfo) {
    versions.tfjsBackendWasm = wasmInfo.wasm.version_wasm;
    versions.wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    versions.wasmMultithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    versions.wasmThreads =
      typeof wasmInfo.wasm.getThreadsCount === 'function' ? wasmInfo.wasm.getThreadsCount() : null;
    versions.wasmBinary = versions.wasmSimd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
    versions.wasmDir = wasmInfo.dir;
  }
  return { tf, versions };
}

function loadClose(path) {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const iDate = header.indexOf('Date');
  const iClose = header.indexOf('Close');
  const rows = [];
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f[iDate] >= DATE_FROM && f[iDate] <= DATE_TO) rows.push([f[iDate], Number(f[iClose])]);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return rows.map((r) => r[1]);
}

/** z-score with mean and unbiased std; X[r][i] = x[r+i], Y[r][i] = x[r+i+1]; row-major (n, T, 1) float32. */
function makeWindows(series, T) {
  const m = series.length;
  const mean = series.reduce((a, b) => a + b, 0) / m;
  const std = Math.sqrt(series.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1));
  const x = series.map((v) => (v - mean) / std);
  const n = m - T;
  const X = new Float32Array(n * T);
  const Y = new Float32Array(n * T);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < T; i++) {
      X[r * T + i] = x[r + i];
      Y[r * T + i] = x[r + i + 1];
    }
  }
  return { X, Y, n };
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(n, rand) {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * The tutorial's models from tf.layers. Initialisers follow PyTorch (uniform +-1/sqrt(fan)) so that training
 * starts from the same distribution; LSTM unitForgetBias off (PyTorch has none). TF.js keeps one bias vector per
 * RNN/LSTM layer where PyTorch keeps two (b_ih + b_hh): same function class, same cost.
 * GRU: PyTorch applies the reset gate after the recurrent matmul, r * (W_hn h + b_hn) (Keras reset_after=true),
 * but TF.js GRUCell throws on resetAfter=true, so this is the reset_after=false variant, W_hn (r * h): the same
 * FLOPs per step, a slightly different function.
 */
function buildModel(tf, kind, H, L, T) {
  const D = kind === 'brnn' ? 2 : 1;
  const u = (fan) =>
    tf.initializers.randomUniform({ minval: -1 / Math.sqrt(fan), maxval: 1 / Math.sqrt(fan) });
  const model = tf.sequential();
  for (let l = 0; l < L; l++) {
    const cfg = {
      units: H,
      returnSequences: true,
      kernelInitializer: u(H),
      recurrentInitializer: u(H),
      biasInitializer: u(H),
    };
    const first = l === 0 ? { inputShape: [T, 1] } : {};
    let layer;
    if (kind === 'drnn' || kind === 'brnn') {
      const rnn = tf.layers.simpleRNN({ ...cfg, activation: 'tanh', ...(D === 1 ? first : {}) });
      layer = D === 2 ? tf.layers.bidirectional({ layer: rnn, mergeMode: 'concat', ...first }) : rnn;
    } else if (kind === 'lstm') {
      layer = tf.layers.lstm({ ...cfg, unitForgetBias: false, ...first });
    } else {
      layer = tf.layers.gru({ ...cfg, resetAfter: false, ...first });
    }
    model.add(layer);
  }
  // Dense on a 3-D input acts on the last axis: Linear(H*D -> 1) at every time step.
  model.add(tf.layers.dense({ units: 1, kernelInitializer: u(H * D), biasInitializer: u(H * D) }));
  return model;
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const now = () => performance.now();
const peakRssMb = () => process.resourceUsage().maxRSS / 1024; // maxRSS is KiB

function emit(result, asJson) {
  if (asJson) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  for (const [k, v] of Object.entries(result)) {
    const shown = Array.isArray(v) && v.length > 8 ? `[${v.length} values]` : JSON.stringify(v);
    process.stdout.write(`${k.padStart(16)}: ${shown}\n`);
  }
}

async function main() {
  // stdout carries only the result; TF.js's Node.js banner (console.log) and any other chatter go to stderr.
  console.log = (...a) => log(...a);
  const o = parseCli(process.argv.slice(2));
  const { tf, versions } = await loadTf(o.backend);
  const runnerName = `tfjs-${o.backend}`;
  if (o.check) {
    process.stdout.write(`${JSON.stringify({ runner: runnerName, ok: true, versions })}\n`);
    return;
  }

  const { X, Y, n } = makeWindows(loadClose(o.data), o.seq);
  const T = o.seq;
  const B = o.batch;
  const model = buildModel(tf, o.model, o.hidden, o.layers, T);
  const optimizer = tf.train.adam(o.lr, 0.9, 0.999, 1e-8); // PyTorch's Adam defaults
  const varList = model.trainableWeights.map((w) => w.read());
  const rand = mulberry32(o.seed + 1);

  const xBuf = new Float32Array(B * T);
  const yBuf = new Float32Array(B * T);
  const gatherBatch = (idx) => {
    const b = idx.length;
    for (let k = 0; k < b; k++) {
      xBuf.set(X.subarray(idx[k] * T, idx[k] * T + T), k * T);
      yBuf.set(Y.subarray(idx[k] * T, idx[k] * T + T), k * T);
    }
    return [tf.tensor3d(xBuf.subarray(0, b * T), [b, T, 1]), tf.tensor3d(yBuf.subarray(0, b * T), [b, T, 1])];
  };
  const trainStep = (idx) => {
    const [xb, yb] = gatherBatch(idx);
    // loss = sum over batch and time of (y_hat - y)^2 == MSELoss(reduction='none')(...).sum()
    const cost = optimizer.minimize(
      () => tf.sum(tf.squaredDifference(model.apply(xb, { training: true }), yb)),
      true,
      varList,
    );
    const v = cost.dataSync()[0];
    tf.dispose([cost, xb, yb]);
    return v;
  };
  function* batches() {
    const p = shuffled(n, rand);
    for (let i = 0; i < n; i += B) yield p.slice(i, i + B);
  }

  const common = {
    runner: runnerName,
    model: o.model,
    hidden: o.hidden,
    layers: o.layers,
    seq: T,
    batch: B,
    windows: n,
    threads: 1,
    seed: o.seed,
    params: model.countParams(),
  };

  if (o.steps > 0) {
    let it = batches();
    const times = [];
    for (let k = 0; k < 3 + o.steps; k++) {
      let r = it.next();
      if (r.done || r.value.length !== B) {
        it = batches();
        r = it.next();
      }
      const t0 = now();
      trainStep(r.value);
      if (k >= 3) times.push(now() - t0);
    }
    emit(
      {
        ...common,
        mode: 'steps',
        steps: o.steps,
        msPerStep: median(times),
        msPerStepMean: mean(times),
        peakRssMb: peakRssMb(),
        numTensors: tf.memory().numTensors,
        versions,
      },
      o.json,
    );
    return;
  }

  const epochMs = [];
  const mseByEpoch = [];
  for (let e = 0; e < o.epochs; e++) {
    const t0 = now();
    let total = 0;
    for (const idx of batches()) total += trainStep(idx);
    epochMs.push(now() - t0);
    mseByEpoch.push(total / (n * T));
    log(
      `[${runnerName} ${o.model}] epoch ${e + 1}/${o.epochs} ${epochMs.at(-1).toFixed(1)} ms mse ${mseByEpoch.at(-1).toFixed(5)}`,
    );
  }
  const timed = epochMs.length > 1 ? epochMs.slice(1) : epochMs;

  // Inference over all windows in order, batches of 16 (and all windows as one batch), output read to host.
  const predict = (x) => {
    const out = tf.tidy(() => model.apply(x, { training: false }));
    const values = out.dataSync().slice();
    out.dispose();
    return values;
  };
  const passes = [];
  for (let rep = 0; rep <= o.inferenceReps; rep++) {
    const t0 = now();
    for (let i = 0; i < n; i += B) {
      const b = Math.min(B, n - i);
      const x = tf.tensor3d(X.subarray(i * T, (i + b) * T), [b, T, 1]);
      const out = tf.tidy(() => model.apply(x, { training: false }));
      out.dataSync();
      tf.dispose([x, out]);
    }
    if (rep > 0) passes.push(now() - t0);
  }
  const passesAll = [];
  const xAll = tf.tensor3d(X, [n, T, 1]);
  for (let rep = 0; rep <= o.inferenceReps; rep++) {
    const t0 = now();
    const out = tf.tidy(() => model.apply(xAll, { training: false }));
    out.dataSync();
    out.dispose();
    if (rep > 0) passesAll.push(now() - t0);
  }
  xAll.dispose();

  // Batch-1 latency: one window from a Float32Array to the (1, T, 1) prediction back in JS memory.
  const window = X.slice((n - 1) * T, n * T);
  const call = () => {
    const x = tf.tensor3d(window, [1, T, 1]);
    const y = predict(x);
    x.dispose();
    return y;
  };
  for (let k = 0; k < 20; k++) call();
  const lat = [];
  for (let k = 0; k < o.latencyCalls; k++) {
    const t0 = now();
    call();
    lat.push(now() - t0);
  }

  emit(
    {
      ...common,
      mode: 'epochs',
      epochs: o.epochs,
      msPerEpoch: median(timed),
      msPerEpochAll: epochMs,
      msInference: median(passes),
      inferenceBatch: B,
      msInferenceAll: median(passesAll),
      msLatencyB1: median(lat),
      latencyCalls: lat.length,
      finalMse: mseByEpoch.at(-1),
      mseByEpoch,
      peakRssMb: peakRssMb(),
      numTensors: tf.memory().numTensors,
      gru: o.model === 'gru' ? 'reset_after=false (TF.js GRUCell rejects resetAfter=true)' : undefined,
      versions,
    },
    o.json,
  );
}

main().catch((e) => {
  log(e?.stack ?? String(e));
  process.exit(1);
});
