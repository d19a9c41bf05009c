/**
 * Micro-benchmark of the numeric kernels (single thread): GEMM GFLOP/s, one recurrent layer forward+backward
 * (wasm vs the readable reference), batch-1 inference (2-layer inference forward on one window), and the tutorial's
 * 2-layer LSTM training step. Prints medians.
 *
 *   node dist/bench/kernels.js      (--quick skips the reference at the large shape, about 40 s of plain loops)
 *   --only=gemm,layers,batch1,tutorial runs just the named sections.
 *
 * FLOPs: 2·M·N·K per GEMM; a layer's forward counts its input GEMM and recurrent (and projection) GEMMs, and its
 * backward is counted as 2× the forward.
 */
import { gemmNN, gemmTN } from '../src/kernels/gemm.js';
import { alloc, f32view, free } from '../src/kernels/memory.js';
import { adamStep } from '../src/kernels/optim.js';
import type { CellMode, DirectionParams, LayerShape } from '../src/kernels/recurrent.js';
import * as wasm from '../src/kernels/recurrent.js';
import * as reference from '../src/kernels/reference/recurrent.js';
import { kernels } from '../src/kernels/wasm.js';

type Impl = Pick<typeof wasm, 'layerWorkspaceFloats' | 'layerForward' | 'layerBackward'>;

const ptrs: number[] = [];
function buffer(n: number, scale = 0): number {
  const p = alloc(n);
  ptrs.push(p);
  if (scale !== 0) {
    const v = f32view(p, n);
    for (let i = 0; i < n; i++) v[i] = (Math.random() * 2 - 1) * scale;
  }
  return p;
}
function freeAll(): void {
  for (const p of ptrs.splice(0)) free(p);
}

/** Median milliseconds of fn over `reps` runs, after warming up (V8 tiers wasm up to TurboFan while it runs). */
function median(fn: () => void, reps: number, warmup = 2): number {
  const t0 = performance.now();
  for (let i = 0; i < warmup || (warmup > 0 && performance.now() - t0 < 300); i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[reps >> 1];
}

const row = (cells: (string | number)[]): void => {
  console.log(
    cells
      .map((c, i) =>
        String(c)
          .padStart(i === 0 ? 0 : 10)
          .padEnd(i === 0 ? 34 : 0),
      )
      .join(''),
  );
};
const gf = (flops: number, ms: number): string => (flops / ms / 1e6).toFixed(1);

function benchGemm(): void {
  console.log('\nGEMM (GFLOP/s, median; "packed": B packed once beforehand, as a recurrence step uses it)');
  row(['kind M,N,K', 'ms', 'GFLOP/s']);
  const shapes: ['nn' | 'tn' | 'packed', number, number, number, string][] = [
    ['nn', 1024, 1024, 256, ''],
    ['nn', 16, 256, 64, 'tutorial LSTM step h·W_hhᵀ'],
    ['packed', 16, 256, 64, 'tutorial LSTM step h·W_hhᵀ'],
    ['packed', 1, 256, 64, 'batch-1 LSTM step h·W_hhᵀ'],
    ['packed', 2, 256, 64, ''],
    ['packed', 3, 256, 64, ''],
    ['packed', 4, 256, 64, ''],
    ['nn', 256, 256, 64, 'tutorial LSTM input GEMM'],
    ['nn', 64, 1024, 256, 'large LSTM step'],
    ['nn', 4096, 1024, 256, 'large LSTM input GEMM'],
    ['tn', 1024, 256, 4096, 'large LSTM dW'],
    ['tn', 256, 64, 256, 'tutorial LSTM dW'],
  ];
  for (const [kind, M, N, K, note] of shapes) {
    const a = buffer(M * K, 1);
    const b = buffer(K * N, 1);
    const c = buffer(M * N);
    let bp = 0;
    if (kind === 'packed') {
      bp = buffer(kernels.packed_floats(K, N));
      kernels.pack_b(K, N, b, N, bp);
    }
    const flops = 2 * M * N * K;
    const inner = Math.max(1, Math.round(2e8 / flops));
    const ms =
      median(() => {
        for (let i = 0; i < inner; i++) {
          if (kind === 'nn') gemmNN(M, N, K, a, K, b, N, c, N, false);
          else if (kind === 'tn') gemmTN(M, N, K, a, M, b, N, c, N, false);
          else kernels.gemm_nn_packed(M, N, K, a, K, bp, c, N, false);
        }
      }, 9) / inner;
    row([`${kind} ${M},${N},${K}`, ms.toFixed(4), gf(flops, ms), note ? `  ${note}` : '']);
    freeAll();
  }
  // A recurrent layer repacks W_ih and W_hh (stored (G·H, ·)) on every call.
  const w = buffer(256 * 64, 1);
  const wp = buffer(kernels.packed_floats(64, 256));
  const reps = 200;
  const us =
    (median(() => {
      for (let i = 0; i < reps; i++) kernels.pack_bt(64, 256, w, 64, wp);
    }, 9) /
      reps) *
    1e3;
  console.log(`pack_bt of a (256, 64) weight (tutorial LSTM W_hh): ${us.toFixed(2)} µs`);
  freeAll();
}

const GATES: Record<CellMode, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

/** Forward FLOPs of one layer (all directions). */
function forwardFlops(s: LayerShape): number {
  const GH = GATES[s.mode] * s.hiddenSize;
  const Hout = s.projSize > 0 ? s.projSize : s.hiddenSize;
  const proj = s.projSize > 0 ? 2 * s.T * s.B * s.hiddenSize * s.projSize : 0;
  return s.directions * (2 * s.T * s.B * GH * (s.inputSize + Hout) + proj);
}

interface Layer {
  s: LayerShape;
  x: number;
  params: DirectionParams[];
  grads: DirectionParams[];
  out: number;
  hN: number;
  cN: number;
  dOut: number;
  dX: number;
}

function makeLayer(s: LayerShape): Layer {
  const G = GATES[s.mode];
  const { T, B, inputSize: I, hiddenSize: H, projSize: P, directions: D } = s;
  const Hout = P > 0 ? P : H;
  const k = 1 / Math.sqrt(H);
  const dir = (scale: number): DirectionParams => ({
    wIh: buffer(G * H * I, scale),
    wHh: buffer(G * H * Hout, scale),
    bIh: s.bias ? buffer(G * H, scale) : 0,
    bHh: s.bias ? buffer(G * H, scale) : 0,
    wHr: P > 0 ? buffer(P * H, scale) : 0,
  });
  const params = Array.from({ length: D }, () => dir(k));
  const grads = Array.from({ length: D }, () => dir(0));
  return {
    s,
    x: buffer(T * B * I, 1),
    params,
    grads,
    out: buffer(T * B * D * Hout),
    hN: buffer(D * B * Hout),
    cN: s.mode === 'lstm' ? buffer(D * B * H) : 0,
    dOut: buffer(T * B * D * Hout, 1),
    dX: buffer(T * B * I),
  };
}

function step(impl: Impl, l: Layer, ws: number): void {
  impl.layerForward(l.s, l.x, l.params, 0, 0, l.out, l.hN, l.cN, ws);
  impl.layerBackward(l.s, l.x, l.params, 0, 0, ws, l.dOut, 0, 0, l.dX, 0, 0, l.grads);
}

function benchLayers(referenceLarge: boolean): void {
  console.log('\nOne layer forward+backward (ms and GFLOP/s, median; backward counted as 2× forward)');
  row(['mode T,B,I,H', 'wasm ms', 'GFLOP/s', 'ref ms', 'GFLOP/s', 'speed-up']);
  const dims = [
    [16, 16, 64, 64],
    [64, 64, 256, 256],
  ];
  for (const [T, B, I, H] of dims) {
    const large = T >= 64;
    for (const mode of ['lstm', 'gru', 'rnn_tanh'] as CellMode[]) {
      const s: LayerShape = {
        mode,
        T,
        B,
        inputSize: I,
        hiddenSize: H,
        projSize: 0,
        directions: 1,
        bias: true,
      };
      const l = makeLayer(s);
      const flops = 3 * forwardFlops(s);
      const wsW = buffer(wasm.layerWorkspaceFloats(s));
      const wMs = median(() => step(wasm, l, wsW), large ? 7 : 31);
      const cells: (string | number)[] = [`${mode} ${T},${B},${I},${H}`, wMs.toFixed(3), gf(flops, wMs)];
      if (!large || referenceLarge) {
        const wsR = buffer(reference.layerWorkspaceFloats(s));
        const rMs = median(() => step(reference, l, wsR), large ? 1 : 3, large ? 0 : 1);
        cells.push(rMs.toFixed(1), gf(flops, rMs), `${(rMs / wMs).toFixed(0)}×`);
      } else {
        cells.push('-', '-', '(--quick)');
      }
      row(cells);
      freeAll();
    }
  }
}

/**
 * Batch-1 inference: a 2-layer stack (T 16, B 1, H 64, input I then 64) forward only, the way a forecaster predicts
 * from one window. Reports µs per forward of the whole stack through inferLayer (the inference kernels, which save
 * nothing for a backward, plus their thin wrapper).
 */
function benchBatch1(): void {
  console.log('\nBatch-1 forward (2 layers, T16, B1, H64, input I then 64): µs per forward, median');
  row(['mode I', 'µs', 'GFLOP/s']);
  const [T, B, H] = [16, 1, 64];
  for (const I of [1, 64]) {
    for (const mode of ['lstm', 'gru', 'rnn_tanh'] as CellMode[]) {
      const shapes: LayerShape[] = [I, H].map((inputSize) => ({
        mode,
        T,
        B,
        inputSize,
        hiddenSize: H,
        projSize: 0,
        directions: 1 as const,
        bias: true,
      }));
      const layers = shapes.map(makeLayer);
      layers[1].x = layers[0].out;
      const ws = shapes.map((s) => buffer(wasm.layerInferenceFloats(s)));
      const inner = 20;
      const run = (): void => {
        for (let r = 0; r < inner; r++) {
          for (let k = 0; k < 2; k++) {
            const l = layers[k];
            const b = {
              input: l.x,
              params: l.params,
              h0: 0,
              c0: 0,
              out: l.out,
              hN: l.hN,
              cN: l.cN,
              workspace: ws[k],
            };
            wasm.inferLayer(l.s, b);
          }
        }
      };
      const ms = median(run, 51, 20) / inner;
      const flops = shapes.reduce((a, s) => a + forwardFlops(s), 0);
      row([`${mode} ${I}`, (ms * 1e3).toFixed(1), gf(flops, ms)]);
      freeAll();
    }
  }
}

/** The tutorial LSTM: 2 layers, B16, T16, H64, input 1, then Adam over every parameter. */
function benchTutorial(): void {
  const [T, B, H] = [16, 16, 64];
  const shapes: LayerShape[] = [1, H].map((I) => ({
    mode: 'lstm' as CellMode,
    T,
    B,
    inputSize: I,
    hiddenSize: H,
    projSize: 0,
    directions: 1 as const,
    bias: true,
  }));
  const layers = shapes.map(makeLayer);
  layers[1].x = layers[0].out;
  const ws = shapes.map((s) => buffer(wasm.layerWorkspaceFloats(s)));
  const paramSets: { p: number; g: number; m: number; v: number; n: number }[] = [];
  for (const l of layers) {
    const n = [4 * H * l.s.inputSize, 4 * H * H, 4 * H, 4 * H];
    const keys = ['wIh', 'wHh', 'bIh', 'bHh'] as const;
    keys.forEach((k, i) => {
      paramSets.push({ p: l.params[0][k], g: l.grads[0][k], m: buffer(n[i]), v: buffer(n[i]), n: n[i] });
    });
  }
  let t = 0;
  const run = (): void => {
    for (let k = 0; k < 2; k++) {
      const l = layers[k];
      wasm.layerForward(l.s, l.x, l.params, 0, 0, l.out, l.hN, l.cN, ws[k]);
    }
    layers[0].dOut = layers[1].dX;
    for (let k = 1; k >= 0; k--) {
      const l = layers[k];
      wasm.layerBackward(l.s, l.x, l.params, 0, 0, ws[k], l.dOut, 0, 0, k > 0 ? l.dX : 0, 0, 0, l.grads);
    }
    t++;
    for (const q of paramSets) {
      adamStep({
        param: q.p,
        grad: q.g,
        expAvg: q.m,
        expAvgSq: q.v,
        maxExpAvgSq: 0,
        n: q.n,
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        step: t,
      });
    }
  };
  const ms = median(run, 101, 10);
  const flops = shapes.reduce((a, s) => a + 3 * forwardFlops(s), 0);
  console.log('\nTutorial LSTM (2 layers, B16, T16, H64, I 1 then 64): forward + backward + Adam');
  row(['', 'ms', 'GFLOP/s']);
  row(['wasm', ms.toFixed(3), gf(flops, ms)]);
  freeAll();
}

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const want = (name: string): boolean => only === undefined || only.includes(name);
if (want('gemm')) benchGemm();
if (want('layers')) benchLayers(!process.argv.includes('--quick'));
if (want('batch1')) benchBatch1();
if (want('tutorial')) benchTutorial();
