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
 */
import { lanes, ld, sigmoid4, st, tanh4 } from './activations';
import { gemm_nn, gemm_nn_packed, gemm_tn, pack_b, pack_bt, packed_floats } from './gemm';
import { hidden_weight_grad } from './grads';
import { add_rows, al4, colsum_acc, copy_rows, sum2 } from './rows';

/** Floats of scratch gru_forward / gru_backward need. */
export function gru_scratch_floats(T: i32, B: i32, I: i32, H: i32): i32 {
  const G = 3 * H;
  const fwd = al4(packed_floats(I, G)) + al4(packed_floats(H, G)) + al4(G) + al4(H) + al4(B * G);
  const bwd = 2 * al4(T * B * G) + al4(packed_floats(G, H)) + al4(B * H);
  return max(fwd, bwd);
}

/** Gate update over n floats of one row; gx/gh point at the r block, Hb = H in bytes; h_t goes to h and o. */
function gateRange<T>(
  n: i32,
  gx: usize,
  gh: usize,
  Hb: usize,
  bs: usize,
  bhn: usize,
  hPrev: usize,
  hn: usize,
  h: usize,
  o: usize,
): void {
  const step = <usize>(lanes<T>() << 2);
  const end = gx + ((<usize>n) << 2);
  for (
    ;
    gx < end;
    gx += step, gh += step, bs += step, bhn += step, hPrev += step, hn += step, h += step, o += step
  ) {
    const rg = sigmoid4(f32x4.add(f32x4.add(ld<T>(gx), ld<T>(gh)), ld<T>(bs)));
    const zg = sigmoid4(f32x4.add(f32x4.add(ld<T>(gx + Hb), ld<T>(gh + Hb)), ld<T>(bs + Hb)));
    const hnv = f32x4.add(ld<T>(gh + 2 * Hb), ld<T>(bhn));
    const ng = tanh4(f32x4.add(f32x4.add(ld<T>(gx + 2 * Hb), ld<T>(bs + 2 * Hb)), f32x4.mul(rg, hnv)));
    const hv = f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), zg), ng), f32x4.mul(zg, ld<T>(hPrev)));
    st<T>(gx, rg);
    st<T>(gx + Hb, zg);
    st<T>(gx + 2 * Hb, ng);
    st<T>(hn, hnv);
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
  const Hb = (<usize>H) << 2;
  const H4 = H & ~3;
  const tail = (<usize>H4) << 2;
  const packIh = scratch;
  const packHh = packIh + ((<usize>al4(packed_floats(I, G))) << 2);
  const bsum = packHh + ((<usize>al4(packed_floats(H, G))) << 2);
  const bhn = bsum + ((<usize>al4(G)) << 2);
  const gh = bhn + ((<usize>al4(H)) << 2);
  pack_bt(I, G, wIh, I, packIh);
  pack_bt(H, G, wHh, H, packHh);
  // r and z take both biases up front; n takes b_in here and b_hn inside r·(...).
  sum2(2 * H, bIh, bHh, bsum);
  copy_rows(1, H, bIh === 0 ? 0 : bIh + 2 * Hb, H, bsum + 2 * Hb, H);
  copy_rows(1, H, bHh === 0 ? 0 : bHh + 2 * Hb, H, bhn, H);
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
    for (let b = 0; b < B; b++) {
      const rg = <usize>b * 3 * Hb;
      const rh = <usize>b * Hb;
      const o = out + ((<usize>(t * B + b) * <usize>ldo) << 2);
      const rt = rh + tail;
      gateRange<v128>(H4, g + rg, gh + rg, Hb, bsum, bhn, hPrev + rh, hnt + rh, hCur + rh, o);
      gateRange<f32>(
        H - H4,
        g + rg + tail,
        gh + rg + tail,
        Hb,
        bsum + tail,
        bhn + tail,
        hPrev + rt,
        hnt + rt,
        hCur + rt,
        o + tail,
      );
    }
  }
  copy_rows(B, H, hs + (reverse ? 0 : <usize>T * hB), H, hN, H);
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
