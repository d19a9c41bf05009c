/**
 * LSTM layer, one direction, gates in PyTorch order i, f, g, o:
 * [i|f|g|o] = W_ih x_t + b_ih + W_hh h_(t-1) + b_hh; c_t = σ(f)·c_(t-1) + σ(i)·tanh(g); m_t = σ(o)·tanh(c_t);
 * h_t = m_t, or W_hr m_t with a projection (P > 0).
 * Legend: T time, B batch, I input, H hidden, P projection (0 = none), Hout = P || H, G = 4.
 *
 * Saved by forward for backward: gates (T,B,4H) activated i, f, g, o; hs (T+1,B,Hout) and cs (T+1,B,H) states in
 * time order (forward: slot 0 = initial, slot t+1 = after t; reverse: slot t = after t, slot T = initial);
 * tc (T,B,H) = tanh(c_t); m (T,B,H) = o·tanh(c_t) when P > 0.
 * Scratch (lstm_scratch_floats): forward W_ihᵀ, W_hhᵀ, W_hrᵀ panels and b_ih + b_hh; backward dG (T,B,4H),
 * W_hh and W_hr panels, dh, dc, dm, and dh for every step (T,B,P) when P > 0.
 * lstm_infer is the forward without saving (infer.ts): batch tiles of Bt = inferRows(B) rows, the gates of a few steps
 * and two slots of h and c at a time (lstm_infer_floats), the same arithmetic in the same order, so the same bits.
 */
import { lanes, ld, sigmoid_rows, st, tanh_rows } from './activations';
import { gemm_nn, gemm_nn_packed, gemm_tn, pack_b, pack_bt, packed_floats } from './gemm';
import { hidden_weight_grad } from './grads';
import { INFER_CHUNK_ROWS, inferRows, projectStep } from './infer';
import { add_rows, al4, colsum_acc2, copy_rows, sum2 } from './rows';

function hOut(H: i32, P: i32): i32 {
  return P > 0 ? P : H;
}

/** Floats of scratch lstm_forward / lstm_backward need. */
export function lstm_scratch_floats(T: i32, B: i32, I: i32, H: i32, P: i32): i32 {
  const G = 4 * H;
  const Ho = hOut(H, P);
  const fwd = al4(packed_floats(I, G)) + al4(packed_floats(Ho, G)) + al4(packed_floats(H, P)) + al4(G);
  const bwd =
    al4(T * B * G) +
    al4(packed_floats(G, Ho)) +
    al4(packed_floats(P, H)) +
    al4(B * Ho) +
    2 * al4(B * H) +
    al4(T * B * P);
  return max(fwd, bwd);
}

/** c_t = f·c_(t-1) + i·g over n floats of one row, gates activated (g points at the i block, Hb = H in bytes). */
function cellRange<T>(n: i32, g: usize, Hb: usize, cPrev: usize, c: usize): void {
  const step = <usize>(lanes<T>() << 2);
  const end = g + ((<usize>n) << 2);
  for (; g < end; g += step, cPrev += step, c += step) {
    st<T>(c, f32x4.add(f32x4.mul(ld<T>(g + Hb), ld<T>(cPrev)), f32x4.mul(ld<T>(g), ld<T>(g + 2 * Hb))));
  }
}

/** h_t = o·tanh(c_t) over n floats of one row (og points at the o block), to h and o. */
function outRange<T>(n: i32, og: usize, tc: usize, h: usize, o: usize): void {
  const step = <usize>(lanes<T>() << 2);
  const end = og + ((<usize>n) << 2);
  for (; og < end; og += step, tc += step, h += step, o += step) {
    const hv = f32x4.mul(ld<T>(og), ld<T>(tc));
    st<T>(h, hv);
    st<T>(o, hv);
  }
}

/** Cell backward over n floats of one row: from dm = dL/dm_t and running dc, writes dG (4 blocks), dc ← dc_(t-1). */
function cellBackRange<T>(
  n: i32,
  g: usize,
  Hb: usize,
  tc: usize,
  cPrev: usize,
  dm: usize,
  dc: usize,
  dG: usize,
): void {
  const one = f32x4.splat(1);
  const step = <usize>(lanes<T>() << 2);
  const end = g + ((<usize>n) << 2);
  for (; g < end; g += step, tc += step, cPrev += step, dm += step, dc += step, dG += step) {
    const ig = ld<T>(g);
    const fg = ld<T>(g + Hb);
    const gg = ld<T>(g + 2 * Hb);
    const og = ld<T>(g + 3 * Hb);
    const tv = ld<T>(tc);
    const dmv = ld<T>(dm);
    const dct = f32x4.add(ld<T>(dc), f32x4.mul(f32x4.mul(dmv, og), f32x4.sub(one, f32x4.mul(tv, tv))));
    st<T>(dG, f32x4.mul(f32x4.mul(dct, gg), f32x4.mul(ig, f32x4.sub(one, ig))));
    st<T>(dG + Hb, f32x4.mul(f32x4.mul(dct, ld<T>(cPrev)), f32x4.mul(fg, f32x4.sub(one, fg))));
    st<T>(dG + 2 * Hb, f32x4.mul(f32x4.mul(dct, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
    st<T>(dG + 3 * Hb, f32x4.mul(f32x4.mul(dmv, tv), f32x4.mul(og, f32x4.sub(one, og))));
    st<T>(dc, f32x4.mul(dct, fg));
  }
}

/**
 * The cell update of one step for R rows: g (R,4H) pre-activations without bias, activated in place; c_(t-1),
 * c_t, tanh(c_t) and h_t (m_t with a projection) (R,H); h_t also to o (R rows, stride ldo floats).
 */
function cellRows(
  R: i32,
  H: i32,
  g: usize,
  bsum: usize,
  cPrev: usize,
  c: usize,
  tc: usize,
  h: usize,
  o: usize,
  ldo: i32,
): void {
  const Hb = (<usize>H) << 2;
  const H4 = H & ~3;
  const tail = (<usize>H4) << 2;
  const ldoB = (<usize>ldo) << 2;
  // One activation per pass over all rows (each keeps its constants in registers): [i|f], g, o; then c_t row by
  // row, tanh(c_t), h_t row by row.
  const G = 4 * H;
  sigmoid_rows(R, 2 * H, g, G, bsum, g, G);
  tanh_rows(R, H, g + 2 * Hb, G, bsum + 2 * Hb, g + 2 * Hb, G);
  sigmoid_rows(R, H, g + 3 * Hb, G, bsum + 3 * Hb, g + 3 * Hb, G);
  for (let b = 0; b < R; b++) {
    const rg = g + <usize>b * (Hb << 2);
    const rc = <usize>b * Hb;
    cellRange<v128>(H4, rg, Hb, cPrev + rc, c + rc);
    cellRange<f32>(H - H4, rg + tail, Hb, cPrev + rc + tail, c + rc + tail);
  }
  tanh_rows(1, R * H, c, R * H, 0, tc, R * H);
  for (let b = 0; b < R; b++) {
    const og = g + <usize>b * (Hb << 2) + 3 * Hb;
    const rc = <usize>b * Hb;
    const ro = o + <usize>b * ldoB;
    outRange<v128>(H4, og, tc + rc, h + rc, ro);
    outRange<f32>(H - H4, og + tail, tc + rc + tail, h + rc + tail, ro + tail);
  }
}

/**
 * x (T,B,I), h0 (B,Hout) or 0, c0 (B,H) or 0 → out (T,B,·) row stride ldo, hN (B,Hout), cN (B,H);
 * fills gates, hs, cs, tc, m.
 */
export function lstm_forward(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  P: i32,
  reverse: bool,
  x: usize,
  wIh: usize,
  wHh: usize,
  bIh: usize,
  bHh: usize,
  wHr: usize,
  h0: usize,
  c0: usize,
  out: usize,
  ldo: i32,
  hN: usize,
  cN: usize,
  gates: usize,
  hs: usize,
  cs: usize,
  tc: usize,
  m: usize,
  scratch: usize,
): void {
  const G = 4 * H;
  const Ho = hOut(H, P);
  const packIh = scratch;
  const packHh = packIh + ((<usize>al4(packed_floats(I, G))) << 2);
  const packHr = packHh + ((<usize>al4(packed_floats(Ho, G))) << 2);
  const bsum = packHr + ((<usize>al4(packed_floats(H, P))) << 2);
  pack_bt(I, G, wIh, I, packIh);
  pack_bt(Ho, G, wHh, Ho, packHh);
  if (P > 0) pack_bt(H, P, wHr, H, packHr);
  sum2(G, bIh, bHh, bsum);
  gemm_nn_packed(T * B, G, I, x, I, packIh, gates, G, false);

  const hB = (<usize>(B * Ho)) << 2;
  const cB = (<usize>(B * H)) << 2;
  const gB = (<usize>(B * G)) << 2;
  copy_rows(B, Ho, h0, Ho, hs + (reverse ? <usize>T * hB : 0), Ho);
  copy_rows(B, H, c0, H, cs + (reverse ? <usize>T * cB : 0), H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = <usize>(reverse ? t + 1 : t);
    const cur = <usize>(reverse ? t : t + 1);
    const g = gates + <usize>t * gB;
    if (s > 0 || h0 !== 0) gemm_nn_packed(B, G, Ho, hs + prev * hB, Ho, packHh, g, G, true);
    const cPrev = cs + prev * cB;
    const cCur = cs + cur * cB;
    const tct = tc + <usize>t * cB;
    // Without a projection the cell writes h_t straight into hs and out; with one it writes m_t.
    const hDst = P > 0 ? m + <usize>t * cB : hs + cur * hB;
    // With a projection, out gets h_t after the W_hr product below; the cell writes m_t twice instead.
    const o = P > 0 ? hDst : out + ((<usize>(t * B) * <usize>ldo) << 2);
    cellRows(B, H, g, bsum, cPrev, cCur, tct, hDst, o, P > 0 ? H : ldo);
    if (P > 0) {
      gemm_nn_packed(B, P, H, hDst, H, packHr, hs + cur * hB, P, false);
      copy_rows(B, P, hs + cur * hB, P, out + ((<usize>(t * B) * <usize>ldo) << 2), ldo);
    }
  }
  const last: usize = reverse ? 0 : <usize>T;
  copy_rows(B, Ho, hs + last * hB, Ho, hN, Ho);
  copy_rows(B, H, cs + last * cB, H, cN, H);
}

/** Floats of scratch lstm_infer needs. */
export function lstm_infer_floats(B: i32, I: i32, H: i32, P: i32): i32 {
  const G = 4 * H;
  const Ho = hOut(H, P);
  const Bt = inferRows(B);
  const packs = al4(packed_floats(I, G)) + al4(packed_floats(Ho, G)) + al4(packed_floats(H, P)) + al4(G);
  return packs + al4(INFER_CHUNK_ROWS * G) + 2 * al4(Bt * Ho) + 4 * al4(Bt * H);
}

/**
 * lstm_forward without saving anything (inference): same arguments minus the saved blocks, scratch of
 * lstm_infer_floats(B, I, H, P), and out (T,B,·) or, with bf, batch-first (B,T,·). Runs tiles of Bt rows through
 * all T steps; out, hN, cN get the bits lstm_forward writes.
 */
export function lstm_infer(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  P: i32,
  reverse: bool,
  x: usize,
  wIh: usize,
  wHh: usize,
  bIh: usize,
  bHh: usize,
  wHr: usize,
  h0: usize,
  c0: usize,
  out: usize,
  ldo: i32,
  bf: bool,
  hN: usize,
  cN: usize,
  scratch: usize,
): void {
  const G = 4 * H;
  const Ho = hOut(H, P);
  const Bt = inferRows(B);
  const packIh = scratch;
  const packHh = packIh + ((<usize>al4(packed_floats(I, G))) << 2);
  const packHr = packHh + ((<usize>al4(packed_floats(Ho, G))) << 2);
  const bsum = packHr + ((<usize>al4(packed_floats(H, P))) << 2);
  const proj = bsum + ((<usize>al4(G)) << 2);
  const hSlot = (<usize>al4(Bt * Ho)) << 2;
  const cSlot = (<usize>al4(Bt * H)) << 2;
  const hRing = proj + ((<usize>al4(INFER_CHUNK_ROWS * G)) << 2);
  const cRing = hRing + 2 * hSlot;
  const tc = cRing + 2 * cSlot;
  const m = tc + cSlot;
  pack_bt(I, G, wIh, I, packIh);
  pack_bt(Ho, G, wHh, Ho, packHh);
  if (P > 0) pack_bt(H, P, wHr, H, packHr);
  sum2(G, bIh, bHh, bsum);

  // Output row (t, b) at out + (t·B + b)·ldo floats, or out + (b·T + t)·ldo batch-first (bf).
  const ldoB = (<usize>ldo) << 2;
  const outRow = bf ? <i32>T * ldo : ldo;
  for (let b0 = 0; b0 < B; b0 += Bt) {
    const R = min(Bt, B - b0);
    copy_rows(R, Ho, h0 === 0 ? 0 : h0 + ((<usize>(b0 * Ho)) << 2), Ho, hRing, Ho);
    copy_rows(R, H, c0 === 0 ? 0 : c0 + ((<usize>(b0 * H)) << 2), H, cRing, H);
    let cur: usize = 0;
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const row = <usize>(t * B + b0);
      const hPrev = hRing + cur * hSlot;
      const cPrev = cRing + cur * cSlot;
      cur ^= 1;
      const hCur = hRing + cur * hSlot;
      const cCur = cRing + cur * cSlot;
      const gates = projectStep(s, T, B, R, b0, I, G, reverse, x, packIh, proj);
      if (s > 0 || h0 !== 0) gemm_nn_packed(R, G, Ho, hPrev, Ho, packHh, gates, G, true);
      const outT = out + (bf ? <usize>(b0 * T + t) : row) * ldoB;
      if (P > 0) {
        cellRows(R, H, gates, bsum, cPrev, cCur, tc, m, m, H);
        gemm_nn_packed(R, P, H, m, H, packHr, hCur, P, false);
        copy_rows(R, P, hCur, P, outT, outRow);
      } else {
        cellRows(R, H, gates, bsum, cPrev, cCur, tc, hCur, outT, outRow);
      }
    }
    copy_rows(R, Ho, hRing + cur * hSlot, Ho, hN === 0 ? 0 : hN + ((<usize>(b0 * Ho)) << 2), Ho);
    copy_rows(R, H, cRing + cur * cSlot, H, cN === 0 ? 0 : cN + ((<usize>(b0 * H)) << 2), H);
  }
}

/**
 * Backward through time (h0zero: forward ran from a zero initial state). dOut (T,B,·) row stride ldo,
 * dhN (B,Hout) / dcN (B,H) or 0. Writes dX (T,B,I) (adds when accDx; 0 = skip), dh0 (B,Hout), dc0 (B,H)
 * (0 = skip); adds into gWIh (4H,I), gWHh (4H,Hout), gBIh, gBHh (4H), gWHr (P,H) (0 = absent).
 */
export function lstm_backward(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  P: i32,
  reverse: bool,
  x: usize,
  wIh: usize,
  wHh: usize,
  wHr: usize,
  gates: usize,
  hs: usize,
  h0zero: bool,
  cs: usize,
  tc: usize,
  m: usize,
  dOut: usize,
  ldo: i32,
  dhN: usize,
  dcN: usize,
  dX: usize,
  accDx: bool,
  dh0: usize,
  dc0: usize,
  gWIh: usize,
  gWHh: usize,
  gBIh: usize,
  gBHh: usize,
  gWHr: usize,
  scratch: usize,
): void {
  const G = 4 * H;
  const Ho = hOut(H, P);
  const dG = scratch;
  const packHh = dG + ((<usize>al4(T * B * G)) << 2);
  const packHr = packHh + ((<usize>al4(packed_floats(G, Ho))) << 2);
  const dh = packHr + ((<usize>al4(packed_floats(P, H))) << 2);
  const dc = dh + ((<usize>al4(B * Ho)) << 2);
  const dm = dc + ((<usize>al4(B * H)) << 2);
  const dhAll = dm + ((<usize>al4(B * H)) << 2);
  pack_b(G, Ho, wHh, Ho, packHh);
  if (P > 0) pack_b(P, H, wHr, H, packHr);
  copy_rows(B, Ho, dhN, Ho, dh, Ho);
  copy_rows(B, H, dcN, H, dc, H);

  const hB = (<usize>(B * Ho)) << 2;
  const cB = (<usize>(B * H)) << 2;
  const gB = (<usize>(B * G)) << 2;
  const Hb = (<usize>H) << 2;
  const H4 = H & ~3;
  const tail = (<usize>H4) << 2;
  for (let s = 0; s < T; s++) {
    const t = reverse ? s : T - 1 - s;
    add_rows(B, Ho, dOut + ((<usize>(t * B) * <usize>ldo) << 2), ldo, dh, Ho);
    let dmt = dh;
    if (P > 0) {
      copy_rows(B, P, dh, P, dhAll + <usize>t * hB, P);
      gemm_nn_packed(B, H, P, dh, P, packHr, dm, H, false);
      dmt = dm;
    }
    const g = gates + <usize>t * gB;
    const dg = dG + <usize>t * gB;
    const cPrev = cs + <usize>(reverse ? t + 1 : t) * cB;
    const tct = tc + <usize>t * cB;
    for (let b = 0; b < B; b++) {
      const rg = <usize>b * (Hb << 2);
      const rc = <usize>b * Hb;
      const rt = rc + tail;
      cellBackRange<v128>(H4, g + rg, Hb, tct + rc, cPrev + rc, dmt + rc, dc + rc, dg + rg);
      cellBackRange<f32>(H - H4, g + rg + tail, Hb, tct + rt, cPrev + rt, dmt + rt, dc + rt, dg + rg + tail);
    }
    if (s < T - 1 || dh0 !== 0) gemm_nn_packed(B, Ho, G, dg, G, packHh, dh, Ho, false);
  }
  if (dh0 !== 0) copy_rows(B, Ho, dh, Ho, dh0, Ho);
  if (dc0 !== 0) copy_rows(B, H, dc, H, dc0, H);

  const TB = T * B;
  if (gWIh !== 0) gemm_tn(G, I, TB, dG, G, x, I, gWIh, I, true);
  hidden_weight_grad(T, B, G, Ho, dG, hs, reverse, h0zero, gWHh);
  colsum_acc2(TB, G, dG, G, gBIh, gBHh);
  if (P > 0 && gWHr !== 0) gemm_tn(P, H, TB, dhAll, P, m, H, gWHr, H, true);
  if (dX !== 0) gemm_nn(TB, I, G, dG, G, wIh, I, dX, I, accDx);
}
