/**
 * Elman RNN layer, one direction: h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), act = tanh | relu.
 * Legend: T time, B batch, I input, H hidden (G = 1). Byte pointers, row-major, time-major.
 *
 * Saved by forward for backward: pre (T,B,H) pre-activations without bias; hs (T+1,B,H) hidden states in time
 * order (forward: slot 0 = h0, slot t+1 = h_t; reverse: slot t = h_t, slot T = h0).
 * Scratch (rnn_scratch_floats): forward W_ihᵀ, W_hhᵀ panels and b_ih + b_hh; backward dG (T,B,H), W_hh panels, dh.
 * rnn_infer is the forward without saving (infer.ts): batch tiles of Bt = inferRows(B) rows, the pre-activations of a
 * few steps and two slots of h at a time (rnn_infer_floats), the same arithmetic in the same order, so the same bits.
 */
import { lanes, ld, relu4, st, tanh4 } from './activations';
import { gemm_nn, gemm_nn_packed, gemm_tn, pack_b, pack_bt, packed_floats } from './gemm';
import { hidden_weight_grad } from './grads';
import { INFER_CHUNK_ROWS, inferRows, projectStep } from './infer';
import { add_rows, al4, colsum_acc2, copy_rows, sum2 } from './rows';

/** Floats of scratch rnn_forward / rnn_backward need. */
export function rnn_scratch_floats(T: i32, B: i32, I: i32, H: i32): i32 {
  const fwd = al4(packed_floats(I, H)) + al4(packed_floats(H, H)) + al4(H);
  const bwd = al4(T * B * H) + al4(packed_floats(H, H)) + al4(B * H);
  return max(fwd, bwd);
}

/** h = act(pre + bias) over n floats of one row, written to hs and out. */
function actRange<T>(n: i32, p: usize, bs: usize, h: usize, o: usize, relu: bool): void {
  const step = <usize>(lanes<T>() << 2);
  const end = p + ((<usize>n) << 2);
  for (; p < end; p += step, bs += step, h += step, o += step) {
    const a = f32x4.add(ld<T>(p), ld<T>(bs));
    const v = relu ? relu4(a) : tanh4(a);
    st<T>(h, v);
    st<T>(o, v);
  }
}

/** dG = dh · act'(h) over n floats: 1 - h² (tanh) or [h > 0] (relu). */
function dactRange<T>(n: i32, dh: usize, h: usize, dg: usize, relu: bool): void {
  const step = <usize>(lanes<T>() << 2);
  const end = dh + ((<usize>n) << 2);
  for (; dh < end; dh += step, h += step, dg += step) {
    const hv = ld<T>(h);
    const d = ld<T>(dh);
    const r = relu
      ? v128.and(d, f32x4.gt(hv, f32x4.splat(0)))
      : f32x4.mul(d, f32x4.sub(f32x4.splat(1), f32x4.mul(hv, hv)));
    st<T>(dg, r);
  }
}

/**
 * h = act(pre + bias) for R rows: pre and h (R,H); h also to o (R rows, stride ldo floats). (One activation per
 * element, so unlike the LSTM and GRU cells this fused loop is not split into passes: inlined into the step loop,
 * it keeps a batch-1 step cheapest.)
 */
function actRows(R: i32, H: i32, pre: usize, bsum: usize, h: usize, o: usize, ldo: i32, relu: bool): void {
  const H4 = H & ~3;
  const tail = (<usize>H4) << 2;
  const ldoB = (<usize>ldo) << 2;
  for (let b = 0; b < R; b++) {
    const row = (<usize>(b * H)) << 2;
    const ro = o + <usize>b * ldoB;
    actRange<v128>(H4, pre + row, bsum, h + row, ro, relu);
    actRange<f32>(H - H4, pre + row + tail, bsum + tail, h + row + tail, ro + tail, relu);
  }
}

/** x (T,B,I), h0 (B,H) or 0 → out (T,B,·) with row stride ldo, hN (B,H); fills pre, hs. */
export function rnn_forward(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  relu: bool,
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
  pre: usize,
  hs: usize,
  scratch: usize,
): void {
  const packIh = scratch;
  const packHh = packIh + ((<usize>al4(packed_floats(I, H))) << 2);
  const bsum = packHh + ((<usize>al4(packed_floats(H, H))) << 2);
  pack_bt(I, H, wIh, I, packIh);
  pack_bt(H, H, wHh, H, packHh);
  sum2(H, bIh, bHh, bsum);
  gemm_nn_packed(T * B, H, I, x, I, packIh, pre, H, false);
  const stateB = (<usize>(B * H)) << 2;
  copy_rows(B, H, h0, H, hs + (reverse ? <usize>T * stateB : 0), H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const hPrev = hs + <usize>(reverse ? t + 1 : t) * stateB;
    const hCur = hs + <usize>(reverse ? t : t + 1) * stateB;
    const p = pre + <usize>t * stateB;
    if (s > 0 || h0 !== 0) gemm_nn_packed(B, H, H, hPrev, H, packHh, p, H, true);
    actRows(B, H, p, bsum, hCur, out + ((<usize>(t * B) * <usize>ldo) << 2), ldo, relu);
  }
  copy_rows(B, H, hs + (reverse ? 0 : <usize>T * stateB), H, hN, H);
}

/** Floats of scratch rnn_infer needs. */
export function rnn_infer_floats(B: i32, I: i32, H: i32): i32 {
  const Bt = inferRows(B);
  return (
    al4(packed_floats(I, H)) + al4(packed_floats(H, H)) + al4(H) + al4(INFER_CHUNK_ROWS * H) + 2 * al4(Bt * H)
  );
}

/**
 * rnn_forward without saving anything (inference): same arguments minus the saved blocks, scratch of
 * rnn_infer_floats(B, I, H), and out (T,B,·) or, with bf, batch-first (B,T,·). Runs tiles of Bt rows through all T
 * steps; out and hN get the bits rnn_forward writes.
 */
export function rnn_infer(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  relu: bool,
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
  const Bt = inferRows(B);
  const packIh = scratch;
  const packHh = packIh + ((<usize>al4(packed_floats(I, H))) << 2);
  const bsum = packHh + ((<usize>al4(packed_floats(H, H))) << 2);
  const proj = bsum + ((<usize>al4(H)) << 2);
  const hSlot = (<usize>al4(Bt * H)) << 2;
  const hRing = proj + ((<usize>al4(INFER_CHUNK_ROWS * H)) << 2);
  pack_bt(I, H, wIh, I, packIh);
  pack_bt(H, H, wHh, H, packHh);
  sum2(H, bIh, bHh, bsum);

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
      const pre = projectStep(s, T, B, R, b0, I, H, reverse, x, packIh, proj);
      if (s > 0 || h0 !== 0) gemm_nn_packed(R, H, H, hPrev, H, packHh, pre, H, true);
      const outT = out + (bf ? <usize>(b0 * T + t) : row) * ldoB;
      actRows(R, H, pre, bsum, hRing + cur * hSlot, outT, outRow, relu);
    }
    copy_rows(R, H, hRing + cur * hSlot, H, hN === 0 ? 0 : hN + ((<usize>(b0 * H)) << 2), H);
  }
}

/**
 * Backward through time (h0zero: forward ran from a zero initial state). dOut (T,B,·) row stride ldo, dhN (B,H)
 * or 0. Writes dX (T,B,I) (adds when accDx; 0 = skip) and dh0 (B,H) (0 = skip); adds into gWIh (H,I),
 * gWHh (H,H), gBIh, gBHh (H) (0 = absent).
 */
export function rnn_backward(
  T: i32,
  B: i32,
  I: i32,
  H: i32,
  relu: bool,
  reverse: bool,
  x: usize,
  wIh: usize,
  wHh: usize,
  hs: usize,
  h0zero: bool,
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
  const dG = scratch;
  const packHh = dG + ((<usize>al4(T * B * H)) << 2);
  const dh = packHh + ((<usize>al4(packed_floats(H, H))) << 2);
  pack_b(H, H, wHh, H, packHh);
  copy_rows(B, H, dhN, H, dh, H);
  const stateB = (<usize>(B * H)) << 2;
  for (let s = 0; s < T; s++) {
    const t = reverse ? s : T - 1 - s;
    add_rows(B, H, dOut + ((<usize>(t * B) * <usize>ldo) << 2), ldo, dh, H);
    const h = hs + <usize>(reverse ? t : t + 1) * stateB;
    const g = dG + <usize>t * stateB;
    const n4 = (B * H) & ~3;
    const rest = (<usize>n4) << 2;
    dactRange<v128>(n4, dh, h, g, relu);
    dactRange<f32>(B * H - n4, dh + rest, h + rest, g + rest, relu);
    if (s < T - 1 || dh0 !== 0) gemm_nn_packed(B, H, H, g, H, packHh, dh, H, false);
  }
  if (dh0 !== 0) copy_rows(B, H, dh, H, dh0, H);
  const TB = T * B;
  if (gWIh !== 0) gemm_tn(H, I, TB, dG, H, x, I, gWIh, I, true);
  hidden_weight_grad(T, B, H, H, dG, hs, reverse, h0zero, gWHh);
  colsum_acc2(TB, H, dG, H, gBIh, gBHh);
  if (dX !== 0) gemm_nn(TB, I, H, dG, H, wIh, I, dX, I, accDx);
}
