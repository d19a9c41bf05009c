/**
 * Readable reference for one recurrent layer: the same four functions as ../recurrent.ts, written as plain loops
 * straight from PyTorch's equations over float32 views of the same pointers. Independent of the wasm path (the
 * tests hold the two to the same numbers); slow, for checking only.
 *
 * Reference workspace, per direction, indexed by time t (not by processing order), all (T,B,·):
 *   hPrev (Hout) state fed into step t, h (Hout) state after step t, act (G·H) activated gates,
 *   LSTM: cPrev (H), c (H), m (H) = o·tanh(c); GRU: hn (H) = W_hn h_prev + b_hn.
 */
import { f32view } from '../memory.js';
import type { DirectionParams, LayerShape } from '../recurrent.js';

const GATES = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 } as const;

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface Dims {
  T: number;
  B: number;
  I: number;
  H: number;
  P: number;
  Hout: number;
  G: number;
  D: number;
}

function dims(s: LayerShape): Dims {
  const Hout = s.projSize > 0 ? s.projSize : s.hiddenSize;
  return {
    T: s.T,
    B: s.B,
    I: s.inputSize,
    H: s.hiddenSize,
    P: s.projSize,
    Hout,
    G: GATES[s.mode],
    D: s.directions,
  };
}

/** Float offsets of the per-direction saved arrays (each T·B rows). */
function sections(k: Dims): {
  hPrev: number;
  h: number;
  act: number;
  cPrev: number;
  c: number;
  m: number;
  hn: number;
  size: number;
} {
  const rows = k.T * k.B;
  const hPrev = 0;
  const h = hPrev + rows * k.Hout;
  const act = h + rows * k.Hout;
  const cPrev = act + rows * k.G * k.H;
  const c = cPrev + rows * k.H;
  const m = c + rows * k.H;
  const hn = m + rows * k.H;
  return { hPrev, h, act, cPrev, c, m, hn, size: hn + rows * k.H };
}

/** Floats of reference workspace for one layer call. */
export function layerWorkspaceFloats(s: LayerShape): number {
  const k = dims(s);
  return k.D * sections(k).size;
}

/** Same contract as ../recurrent.ts layerForward. */
export function layerForward(
  s: LayerShape,
  x: number,
  params: DirectionParams[],
  h0: number,
  c0: number,
  out: number,
  hN: number,
  cN: number,
  ws: number,
): void {
  const k = dims(s);
  const { T, B, I, H, P, Hout, G, D } = k;
  const sec = sections(k);
  const X = f32view(x, T * B * I);
  const O = f32view(out, T * B * D * Hout);
  for (let d = 0; d < D; d++) {
    const p = params[d];
    const Wih = f32view(p.wIh, G * H * I);
    const Whh = f32view(p.wHh, G * H * Hout);
    const bih = p.bIh ? f32view(p.bIh, G * H) : new Float32Array(G * H);
    const bhh = p.bHh ? f32view(p.bHh, G * H) : new Float32Array(G * H);
    const Whr = P > 0 ? f32view(p.wHr, P * H) : null;
    const W = f32view(ws + 4 * d * sec.size, sec.size);
    const h = h0 ? Float32Array.from(f32view(h0 + 4 * d * B * Hout, B * Hout)) : new Float32Array(B * Hout);
    const c = c0 ? Float32Array.from(f32view(c0 + 4 * d * B * H, B * H)) : new Float32Array(B * H);
    for (let step = 0; step < T; step++) {
      const t = d === 1 ? T - 1 - step : step;
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        // ih[j] = W_ih x + b_ih, hh[j] = W_hh h_prev + b_hh, j over the G·H gate rows.
        const ih = new Float64Array(G * H);
        const hh = new Float64Array(G * H);
        for (let j = 0; j < G * H; j++) {
          let a = bih[j];
          for (let i = 0; i < I; i++) a += Wih[j * I + i] * X[row * I + i];
          ih[j] = a;
          let r = bhh[j];
          for (let q = 0; q < Hout; q++) r += Whh[j * Hout + q] * h[b * Hout + q];
          hh[j] = r;
        }
        for (let q = 0; q < Hout; q++) W[sec.hPrev + row * Hout + q] = h[b * Hout + q];
        for (let q = 0; q < H; q++) W[sec.cPrev + row * H + q] = c[b * H + q];
        const hNew = new Float64Array(Hout);
        if (s.mode === 'lstm') {
          const mv = new Float64Array(H);
          for (let q = 0; q < H; q++) {
            const ig = sigmoid(ih[q] + hh[q]);
            const fg = sigmoid(ih[H + q] + hh[H + q]);
            const gg = Math.tanh(ih[2 * H + q] + hh[2 * H + q]);
            const og = sigmoid(ih[3 * H + q] + hh[3 * H + q]);
            const cv = fg * c[b * H + q] + ig * gg;
            mv[q] = og * Math.tanh(cv);
            c[b * H + q] = cv;
            W[sec.c + row * H + q] = cv;
            W[sec.m + row * H + q] = mv[q];
            const a = sec.act + row * G * H;
            W[a + q] = ig;
            W[a + H + q] = fg;
            W[a + 2 * H + q] = gg;
            W[a + 3 * H + q] = og;
          }
          for (let q = 0; q < Hout; q++) {
            let v = 0;
            if (Whr) for (let r = 0; r < H; r++) v += Whr[q * H + r] * W[sec.m + row * H + r];
            hNew[q] = Whr ? v : mv[q];
          }
        } else if (s.mode === 'gru') {
          for (let q = 0; q < H; q++) {
            const r = sigmoid(ih[q] + hh[q]);
            const z = sigmoid(ih[H + q] + hh[H + q]);
            const n = Math.tanh(ih[2 * H + q] + r * hh[2 * H + q]);
            hNew[q] = (1 - z) * n + z * h[b * H + q];
            W[sec.hn + row * H + q] = hh[2 * H + q];
            const a = sec.act + row * G * H;
            W[a + q] = r;
            W[a + H + q] = z;
            W[a + 2 * H + q] = n;
          }
        } else {
          for (let q = 0; q < H; q++) {
            const v = ih[q] + hh[q];
            hNew[q] = s.mode === 'rnn_relu' ? Math.max(v, 0) : Math.tanh(v);
            W[sec.act + row * H + q] = hNew[q];
          }
        }
        for (let q = 0; q < Hout; q++) {
          h[b * Hout + q] = hNew[q];
          W[sec.h + row * Hout + q] = h[b * Hout + q];
          O[row * D * Hout + d * Hout + q] = h[b * Hout + q];
        }
      }
    }
    if (hN) f32view(hN + 4 * d * B * Hout, B * Hout).set(h);
    if (cN && s.mode === 'lstm') f32view(cN + 4 * d * B * H, B * H).set(c);
  }
}

/** Adds a float64 accumulator into a float32 gradient buffer (0 = absent: skipped). */
function addInto(ptr: number, acc: Float64Array): void {
  if (!ptr) return;
  const g = f32view(ptr, acc.length);
  for (let i = 0; i < acc.length; i++) g[i] += acc[i];
}

/** Same contract as ../recurrent.ts layerBackward. */
export function layerBackward(
  s: LayerShape,
  x: number,
  params: DirectionParams[],
  _h0: number,
  _c0: number,
  ws: number,
  dOut: number,
  dhN: number,
  dcN: number,
  dX: number,
  dh0: number,
  dc0: number,
  grads: DirectionParams[],
): void {
  const k = dims(s);
  const { T, B, I, H, P, Hout, G, D } = k;
  const sec = sections(k);
  const X = f32view(x, T * B * I);
  const dO = f32view(dOut, T * B * D * Hout);
  const dXacc = new Float64Array(T * B * I);
  for (let d = 0; d < D; d++) {
    const p = params[d];
    const Wih = f32view(p.wIh, G * H * I);
    const Whh = f32view(p.wHh, G * H * Hout);
    const Whr = P > 0 ? f32view(p.wHr, P * H) : null;
    const W = f32view(ws + 4 * d * sec.size, sec.size);
    const gWih = new Float64Array(G * H * I);
    const gWhh = new Float64Array(G * H * Hout);
    const gBih = new Float64Array(G * H);
    const gBhh = new Float64Array(G * H);
    const gWhr = new Float64Array(P * H);
    const dh = dhN
      ? Float64Array.from(f32view(dhN + 4 * d * B * Hout, B * Hout))
      : new Float64Array(B * Hout);
    const dc = dcN ? Float64Array.from(f32view(dcN + 4 * d * B * H, B * H)) : new Float64Array(B * H);
    for (let step = 0; step < T; step++) {
      const t = d === 1 ? step : T - 1 - step;
      for (let b = 0; b < B; b++) {
        const row = t * B + b;
        for (let q = 0; q < Hout; q++) dh[b * Hout + q] += dO[row * D * Hout + d * Hout + q];
        // Pre-activation gradients of the input side (dx) and of the hidden side (dhh); they differ for GRU's n.
        const dx = new Float64Array(G * H);
        const dhh = new Float64Array(G * H);
        const dhPrev = new Float64Array(Hout);
        const a = sec.act + row * G * H;
        if (s.mode === 'lstm') {
          const dm = new Float64Array(H);
          for (let r = 0; r < H; r++) {
            if (!Whr) {
              dm[r] = dh[b * Hout + r];
              continue;
            }
            for (let q = 0; q < P; q++) {
              dm[r] += dh[b * Hout + q] * Whr[q * H + r];
              gWhr[q * H + r] += dh[b * Hout + q] * W[sec.m + row * H + r];
            }
          }
          for (let q = 0; q < H; q++) {
            const [ig, fg, gg, og] = [W[a + q], W[a + H + q], W[a + 2 * H + q], W[a + 3 * H + q]];
            const tc = Math.tanh(W[sec.c + row * H + q]);
            const dct = dc[b * H + q] + dm[q] * og * (1 - tc * tc);
            dx[q] = dct * gg * ig * (1 - ig);
            dx[H + q] = dct * W[sec.cPrev + row * H + q] * fg * (1 - fg);
            dx[2 * H + q] = dct * ig * (1 - gg * gg);
            dx[3 * H + q] = dm[q] * tc * og * (1 - og);
            dc[b * H + q] = dct * fg;
          }
          dhh.set(dx);
        } else if (s.mode === 'gru') {
          for (let q = 0; q < H; q++) {
            const [r, z, n] = [W[a + q], W[a + H + q], W[a + 2 * H + q]];
            const g = dh[b * H + q];
            const hp = W[sec.hPrev + row * H + q];
            const dn = g * (1 - z) * (1 - n * n);
            dx[q] = dhh[q] = dn * W[sec.hn + row * H + q] * r * (1 - r);
            dx[H + q] = dhh[H + q] = g * (hp - n) * z * (1 - z);
            dx[2 * H + q] = dn;
            dhh[2 * H + q] = dn * r;
            dhPrev[q] = g * z;
          }
        } else {
          for (let q = 0; q < H; q++) {
            const hv = W[a + q];
            const deriv = s.mode === 'rnn_relu' ? (hv > 0 ? 1 : 0) : 1 - hv * hv;
            dx[q] = dhh[q] = dh[b * H + q] * deriv;
          }
        }
        for (let j = 0; j < G * H; j++) {
          gBih[j] += dx[j];
          gBhh[j] += dhh[j];
          for (let i = 0; i < I; i++) {
            gWih[j * I + i] += dx[j] * X[row * I + i];
            dXacc[row * I + i] += dx[j] * Wih[j * I + i];
          }
          for (let q = 0; q < Hout; q++) {
            gWhh[j * Hout + q] += dhh[j] * W[sec.hPrev + row * Hout + q];
            dhPrev[q] += dhh[j] * Whh[j * Hout + q];
          }
        }
        for (let q = 0; q < Hout; q++) dh[b * Hout + q] = dhPrev[q];
      }
    }
    if (dh0) f32view(dh0 + 4 * d * B * Hout, B * Hout).set(dh);
    if (dc0 && s.mode === 'lstm') f32view(dc0 + 4 * d * B * H, B * H).set(dc);
    const g = grads[d];
    addInto(g.wIh, gWih);
    addInto(g.wHh, gWhh);
    addInto(g.bIh, gBih);
    addInto(g.bHh, gBhh);
    if (P > 0) addInto(g.wHr, gWhr);
  }
  if (dX) f32view(dX, T * B * I).set(dXacc);
}
