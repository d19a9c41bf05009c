/**
 * GRU layer, one direction, gates in PyTorch order r, z, n:
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h_t = (1 - z)·n + z·h_(t-1)   (b_hn stays inside r·(...)).
 * Legend: T time, B batch, I input, H hidden, G = 3.
 *
 * Saved by forward for backward: gates (T,B,3H) activated r, z, n; hs (T+1,B,H) states in time order (forward:
 * slot 0 = h0, slot t+1 = h_t; reverse: slot t = h_t, slot T = h0); hn (T,B,H) = W_hn h_(t-1) + b_hn.
 * Scratch (gru_scratch_floats): forward W_ihᵀ, W_hhᵀ panels, input-side bias, b_hn, W_hh h (B,3H);
 * backward dG (T,B,3H) for the input side, dGh (T,B,3H) for the hidden side, W_hh panels, dh.
 * gru_infer is the forward without saving (infer.ts): batch tiles of Bt = inferRows(B) rows, the input-side gates of a
 * few steps, one step's W_hh h (Bt,3H) and two slots of h at a time (gru_infer_floats), the same arithmetic in the
 * same order, so the same bits.
 */
import { lanes, ld, sigmoid_rows, st, tanh_rows } from './activations';
import { gemm_nn, gemm_nn_packed, gemm_tn, pack_b, pack_bt, packed_floats } from './gemm';
import { hidden_weight_grad } from './grads';
import { INFER_CHUNK_ROWS, inferRows, projectStep } from './infer';
import { add_rows, al4, colsum_acc, copy_rows, sum2 } from './rows';

/** Floats of scratch gru_forward / gru_backward need. */
export function gru_scratch_floats(T: i32, B: i32, I: i32, H: i32): i32 {
  const G = 3 * H;
  const fwd = al4(packed_floats(I, G)) + al4(packed_floats(H, G)) + al4(G) + al4(H) + al4(B * G);
  const bwd = 2 * al4(T * B * G) + al4(packed_floats(G, H)) + al4(B * H);
  return max(fwd, bwd);
}

/** x[i] += y[i] over n floats. */
function addRange<T>(n: i32, x: usize, y: usize): void {
  const step = <usize>(lanes<T>() << 2);
  const end = x + ((<usize>n) << 2);
  for (; x < end; x += step, y += step) st<T>(x, f32x4.add(ld<T>(x), ld<T>(y)));
}

/**
 * The n gate's pre-activation over n floats of one row (gx/gh at the r block, r activated, Hb = H in bytes):
 * hn = W_hn h + b_hn, then gx_n + b_in + r·hn into gx's n block.
 */
function nPreRange<T>(n: i32, gx: usize, gh: usize, Hb: usize, bs: usize, bhn: usize, hn: usize): void {
  const step = <usize>(lanes<T>() << 2);
  const end = gx + ((<usize>n) << 2);
  for (; gx < end; gx += step, gh += step, bs += step, bhn += step, hn += step) {
    const hnv = f32x4.add(ld<T>(gh + 2 * Hb), ld<T>(bhn));
    st<T>(hn, hnv);
    st<T>(
      gx + 2 * Hb,
      f32x4.add(f32x4.add(ld<T>(gx + 2 * Hb), ld<T>(bs + 2 * Hb)), f32x4.mul(ld<T>(gx), hnv)),
    );
  }
}

/** h_t = (1 - z)·n + z·h_(t-1) over n floats of one row (g at the r block, activated), to h and o. */
function hRange<T>(n: i32, g: usize, Hb: usize, hPrev: usize, h: usize, o: usize): void {
  const step = <usize>(lanes<T>() << 2);
  const end = g + ((<usize>n) << 2);
  for (; g < end; g += step, hPrev += step, h += step, o += step) {
    const zg = ld<T>(g + Hb);
    const hv = f32x4.add(
      f32x4.mul(f32x4.sub(f32x4.splat(1), zg), ld<T>(g + 2 * Hb)),
      f32x4.mul(zg, ld<T>(hPrev)),
    );
    st<T>(h, hv);
    st<T>(o, hv);
  }
}

/** Gate backward over n floats of one row: dG = [dr, dz, dn], dGh = [dr, dz, r·dn] (pre-activation), dh ← z·dh. */
function gateBackRange<T>(
  n: i32,
  g: usize,
  Hb: usize,
  hn: usize,
  hPrev: usize,
  dh: usize,
  dG: usize,
  dGh: usize,
): void {
  const one = f32x4.splat(1);
  const step = <usize>(lanes<T>() << 2);
  const end = g + ((<usize>n) << 2);
  for (; g < end; g += step, hn += step, hPrev += step, dh += step, dG += step, dGh += step) {
    const rg = ld<T>(g);
    const zg = ld<T>(g + Hb);
    const ng = ld<T>(g + 2 * Hb);
    const dhv = ld<T>(dh);
    const dan = f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, zg)), f32x4.sub(one, f32x4.mul(ng, ng)));
    const dar = f32x4.mul(f32x4.mul(dan, ld<T>(hn)), f32x4.mul(rg, f32x4.sub(one, rg)));
    const daz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(ld<T>(hPrev), ng)), f32x4.mul(zg, f32x4.sub(one, zg)));
    st<T>(dG, dar);
    st<T>(dG + Hb, daz);
    st<T>(dG + 2 * Hb, dan);
    st<T>(dGh, dar);
    st<T>(dGh + Hb, daz);
    st<T>(dGh + 2 * Hb, f32x4.mul(dan, rg));
    st<T>(dh, f32x4.mul(dhv, zg));
  }
}

/**
 * The gate update of one step for R rows: gx (R,3H) input side without bias, activated in place; gh (R,3H)
 * W_hh h_(t-1) without bias; h_(t-1), hn and h_t (R,H); h_t also to o (R rows, stride ldo floats).
 */
function gateRows(
  R: i32,
  H: i32,
  gx: usize,
  gh: usize,
  bsum: usize,
  bhn: usize,
  hPrev: usize,
  hn: usize,
  h: usize,
  o: usize,
  ldo: i32,
): void {
  const Hb = (<usize>H) << 2;
  const H2 = 2 * H;
  const H24 = H2 & ~3;
  const H4 = H & ~3;
  const tail = (<usize>H4) << 2;
  const ldoB = (<usize>ldo) << 2;
  // One activation per pass over all rows (each keeps its constants in registers): r, z; then n; then h_t.
  const G = 3 * H;
  for (let b = 0; b < R; b++) {
    const rg = <usize>b * 3 * Hb;
    addRange<v128>(H24, gx + rg, gh + rg);
    addRange<f32>(H2 - H24, gx + rg + ((<usize>H24) << 2), gh + rg + ((<usize>H24) << 2));
  }
  sigmoid_rows(R, H2, gx, G, bsum, gx, G);
  for (let b = 0; b < R; b++) {
    const x = gx + <usize>b * 3 * Hb;
    const y = gh + <usize>b * 3 * Hb;
    const rh = <usize>b * Hb;
    nPreRange<v128>(H4, x, y, Hb, bsum, bhn, hn + rh);
    nPreRange<f32>(H - H4, x + tail, y + tail, Hb, bsum + tail, bhn + tail, hn + rh + tail);
  }
  tanh_rows(R, H, gx + 2 * Hb, G, 0, gx + 2 * Hb, G);
  for (let b = 0; b < R; b++) {
    const x = gx + <usize>b * 3 * Hb;
    const rh = <usize>b * Hb;
    const ro = o + <usize>b * ldoB;
    hRange<v128>(H4, x, Hb, hPrev + rh, h + rh, ro);
    hRange<f32>(H - H4, x + tail, Hb, hPrev + rh + tail, h + rh + tail, ro + tail);
  }
}

/** Packs W_ihᵀ and W_hhᵀ; bsum = [b_ir + b_hr | b_iz + b_hz | b_in], bhn = b_hn (absent biases: zeros). */
function prepare(
  I: i32,
  H: i32,
  wIh: usize,
  wHh: usize,
  bIh: usize,
  bHh: usize,
  packIh: usize,
  packHh: usize,
  bsum: usize,
  bhn: usize,
): void {
  const G = 3 * H;
  const Hb = (<usize>H) << 2;
  pack_bt(I, G, wIh, I, packIh);
  pack_bt(H, G, wHh, H, packHh);
  // r and z take both biases up front; n takes b_in here and b_hn inside r·(...).
  sum2(2 * H, bIh, bHh, bsum);
  copy_rows(1, H, bIh === 0 ? 0 : bIh + 2 * Hb, H, bsum + 2 * Hb, H);
  copy_rows(1, H, bHh === 0 ? 0 : bHh + 2 * Hb, H, bhn, H);
}

/** x (T,B,I), h0 (B,H) or 0 → out (T,B,·) row stride ldo, hN (B,H); fills gates, hs, hn. */
export function gru_forward(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  reverse: bool,
  x: usize,
  wIh: usize,
  wHh: usize,
  bIh: usize,
  bHh: usize,
  h0: usize,
  out: usize,
  ldo: i32,
  hN: usize,
  gates: usize,
  hs: usize,
  hn: usize,
  scratch: usize,
): void {
  const G = 3 * H;
  const packIh = scratch;
  const packHh = packIh + ((<usize>al4(packed_floats(I, G))) << 2);
  const bsum = packHh + ((<usize>al4(packed_floats(H, G))) << 2);
  const bhn = bsum + ((<usize>al4(G)) << 2);
  const gh = bhn + ((<usize>al4(H)) << 2);
  prepare(I, H, wIh, wHh, bIh, bHh, packIh, packHh, bsum, bhn);
  gemm_nn_packed(T * B, G, I, x, I, packIh, gates, G, false);

  const hB = (<usize>(B * H)) << 2;
  const gB = (<usize>(B * G)) << 2;
  copy_rows(B, H, h0, H, hs + (reverse ? <usize>T * hB : 0), H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const hPrev = hs + <usize>(reverse ? t + 1 : t) * hB;
    const hCur = hs + <usize>(reverse ? t : t + 1) * hB;
    const g = gates + <usize>t * gB;
    const hnt = hn + <usize>t * hB;
    if (s > 0 || h0 !== 0) gemm_nn_packed(B, G, H, hPrev, H, packHh, gh, G, false);
    else memory.fill(gh, 0, gB);
    gateRows(B, H, g, gh, bsum, bhn, hPrev, hnt, hCur, out + ((<usize>(t * B) * <usize>ldo) << 2), ldo);
  }
  copy_rows(B, H, hs + (reverse ? 0 : <usize>T * hB), H, hN, H);
}

/** Floats of scratch gru_infer needs. */
export function gru_infer_floats(B: i32, I: i32, H: i32): i32 {
  const G = 3 * H;
  const Bt = inferRows(B);
  const packs = al4(packed_floats(I, G)) + al4(packed_floats(H, G)) + al4(G) + al4(H);
  return packs + al4(INFER_CHUNK_ROWS * G) + al4(Bt * G) + 3 * al4(Bt * H);
}

/**
 * gru_forward without saving anything (inference): same arguments minus the saved blocks, scratch of
 * gru_infer_floats(B, I, H), and out (T,B,·) or, with bf, batch-first (B,T,·). Runs tiles of Bt rows through all T
 * steps; out and hN get the bits gru_forward writes.
 */
export function gru_infer(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  reverse: bool,
  x: usize,
  wIh: usize,
  wHh: usize,
  bIh: usize,
  bHh: usize,
  h0: usize,
  out: usize,
  ldo: i32,
  bf: bool,
  hN: usize,
  scratch: usize,
): void {
  const G = 3 * H;
  const Bt = inferRows(B);
  const packIh = scratch;
  const packHh = packIh + ((<usize>al4(packed_floats(I, G))) << 2);
  const bsum = packHh + ((<usize>al4(packed_floats(H, G))) << 2);
  const bhn = bsum + ((<usize>al4(G)) << 2);
  const proj = bhn + ((<usize>al4(H)) << 2);
  const gh = proj + ((<usize>al4(INFER_CHUNK_ROWS * G)) << 2);
  const hSlot = (<usize>al4(Bt * H)) << 2;
  const hRing = gh + ((<usize>al4(Bt * G)) << 2);
  const hn = hRing + 2 * hSlot;
  prepare(I, H, wIh, wHh, bIh, bHh, packIh, packHh, bsum, bhn);

  // Output row (t, b) at out + (t·B + b)·ldo floats, or out + (b·T + t)·ldo batch-first (bf).
  const ldoB = (<usize>ldo) << 2;
  const outRow = bf ? <i32>T * ldo : ldo;
  for (let b0 = 0; b0 < B; b0 += Bt) {
    const R = min(Bt, B - b0);
    copy_rows(R, H, h0 === 0 ? 0 : h0 + ((<usize>(b0 * H)) << 2), H, hRing, H);
    let cur: usize = 0;
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const row = <usize>(t * B + b0);
      const hPrev = hRing + cur * hSlot;
      cur ^= 1;
      const gx = projectStep(s, T, B, R, b0, I, G, reverse, x, packIh, proj);
      if (s > 0 || h0 !== 0) gemm_nn_packed(R, G, H, hPrev, H, packHh, gh, G, false);
      else memory.fill(gh, 0, (<usize>(R * G)) << 2);
      const outT = out + (bf ? <usize>(b0 * T + t) : row) * ldoB;
      gateRows(R, H, gx, gh, bsum, bhn, hPrev, hn, hRing + cur * hSlot, outT, outRow);
    }
    copy_rows(R, H, hRing + cur * hSlot, H, hN === 0 ? 0 : hN + ((<usize>(b0 * H)) << 2), H);
  }
}

/**
 * Backward through time (h0zero: forward ran from a zero initial state). dOut (T,B,·) row stride ldo, dhN (B,H)
 * or 0. Writes dX (T,B,I) (adds when accDx; 0 = skip) and dh0 (B,H) (0 = skip); adds into gWIh (3H,I),
 * gWHh (3H,H), gBIh, gBHh (3H) (0 = absent).
 */
export function gru_backward(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  reverse: bool,
  x: usize,
  wIh: usize,
  wHh: usize,
  gates: usize,
  hs: usize,
  h0zero: bool,
  hn: usize,
  dOut: usize,
  ldo: i32,
  dhN: usize,
  dX: usize,
  accDx: bool,
  dh0: usize,
  gWIh: usize,
  gWHh: usize,
  gBIh: usize,
  gBHh: usize,
  scratch: usize,
): void {
  const G = 3 * H;
  const Hb = (<usize>H) << 2;
  const H4 = H & ~3;
  const tail = (<usize>H4) << 2;
  const dG = scratch;
  const dGh = dG + ((<usize>al4(T * B * G)) << 2);
  const packHh = dGh + ((<usize>al4(T * B * G)) << 2);
  const dh = packHh + ((<usize>al4(packed_floats(G, H))) << 2);
  pack_b(G, H, wHh, H, packHh);
  copy_rows(B, H, dhN, H, dh, H);

  const hB = (<usize>(B * H)) << 2;
  const gB = (<usize>(B * G)) << 2;
  for (let s = 0; s < T; s++) {
    const t = reverse ? s : T - 1 - s;
    add_rows(B, H, dOut + ((<usize>(t * B) * <usize>ldo) << 2), ldo, dh, H);
    const g = gates + <usize>t * gB;
    const dg = dG + <usize>t * gB;
    const dgh = dGh + <usize>t * gB;
    const hnt = hn + <usize>t * hB;
    const hPrev = hs + <usize>(reverse ? t + 1 : t) * hB;
    for (let b = 0; b < B; b++) {
      const rg = <usize>b * 3 * Hb;
      const rh = <usize>b * Hb;
      const rt = rh + tail;
      gateBackRange<v128>(H4, g + rg, Hb, hnt + rh, hPrev + rh, dh + rh, dg + rg, dgh + rg);
      gateBackRange<f32>(
        H - H4,
        g + rg + tail,
        Hb,
        hnt + rt,
        hPrev + rt,
        dh + rt,
        dg + rg + tail,
        dgh + rg + tail,
      );
    }
    gemm_nn_packed(B, H, G, dgh, G, packHh, dh, H, true);
  }
  if (dh0 !== 0) copy_rows(B, H, dh, H, dh0, H);

  const TB = T * B;
  if (gWIh !== 0) gemm_tn(G, I, TB, dG, G, x, I, gWIh, I, true);
  hidden_weight_grad(T, B, G, H, dGh, hs, reverse, h0zero, gWHh);
  colsum_acc(TB, G, dG, G, gBIh);
  colsum_acc(TB, G, dGh, G, gBHh);
  if (dX !== 0) gemm_nn(TB, I, G, dG, G, wIh, I, dX, I, accDx);
}
