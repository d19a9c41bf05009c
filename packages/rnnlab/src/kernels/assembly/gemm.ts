/**
 * Register-blocked f32x4 GEMM: C (M,N) (+)= A·B with A (M,K) ("nn") or Aᵀ·B with A stored (K,M) ("tn"), B (K,N).
 * Row-major, leading dimensions in floats, byte pointers. Any M, N, K >= 1.
 *
 * B is packed into panels of 8 columns (`bp[panel][k][8]`, zero padded), either per call into a static buffer
 * (gemm_nn / gemm_tn) or once by the caller (pack_b / pack_bt, then gemm_nn_packed). Full MR-row groups of A are
 * packed per block into micro-panels (`ap[k][MR]`) for the MR×8 micro-kernel, which keeps 2·MR f32x4 accumulators
 * in registers and streams both packs linearly: MR = 6 in the relaxed-SIMD build (12 accumulators, 2 B vectors and
 * one broadcast fill the 15 xmm registers V8 allocates), 5 in the plain one (its multiply-then-add needs a
 * temporary). Per k step that is 12 (10) multiply-adds for 8 (7) loads, against 8 for 6 in a 4×8 tile: ~54 GFLOP/s
 * in L1 here instead of ~48 fused, ~50 instead of ~42 unfused. 4–5 rows left in a block take a 4×8 (5×8) tile; the last
 * 1–3 rows (all of A when M < 4, as in a batch-1 recurrence step) go to row-tail kernels (1×24, 2×16, 3×8 and
 * narrower) that read A in place, so they neither pack A nor compute on padding rows. Column tails compute on the
 * zero padding of the last B panel and store only the valid part.
 *
 * Every kernel sums each C element over k in the same order (k = 0, 1, ... within a k block of KC, blocks added
 * into C in order), then adds the old C, so results are bitwise independent of M and of which kernel computes a
 * row: a batch-1 step gives exactly the bits of the same row inside a larger batch.
 * Products are accumulated with `madd` (simd.ts): fused in the relaxed-SIMD build, mul + add in the plain one.
 * Degenerate shapes skip the panels: K = 1 is an outer product (a recurrent layer's input projection with one
 * feature, a Linear head's input gradient) and N = 1 a column of dot products summed with rows in lanes (a one-output
 * Linear head, a one-feature layer's W_ih gradient); both keep the k order and the bits of the general path.
 */
import { madd } from './simd';

/** k block: one B panel slice (KC·8 floats) stays in L1 while the packed A block streams past it. */
const KC: i32 = 256;
/** n block of the per-call B packing buffer (multiple of 8). */
const NC: i32 = 512;
/** m block: MC × KC of packed A (60 KiB) stays in L2 across all panels of a k block (a multiple of 4, 5 and 6). */
const MC: i32 = 60;
/** Rows of the main micro-kernel (see above). */
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
const PACK: usize = memory.data(KC * NC * 4, 16);
const APACK: usize = memory.data(MC * KC * 4, 16);
const TILE: usize = memory.data(4 * 8 * 4, 16);
/** One MR×8 tile of a partial last panel, on its way to C. */
const PANEL: usize = memory.data(6 * 8 * 4, 16);

/** Packs rows [0,kc) × cols [0,nc) of B (row stride ldb floats) into 8-column panels, panel stride kc·8 floats. */
function packRows(kc: i32, nc: i32, b: usize, ldb: i32, bp: usize, panelFloats: i32): void {
  const ldbB = (<usize>ldb) << 2;
  const full = nc & ~7;
  let j = 0;
  for (; j < full; j += 8) {
    let src = b + ((<usize>j) << 2);
    let dst = bp + ((<usize>(j >> 3) * <usize>panelFloats) << 2);
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += ldbB;
      dst += 32;
    }
  }
  if (j < nc) {
    const w = nc - j;
    let src = b + ((<usize>j) << 2);
    let dst = bp + ((<usize>(j >> 3) * <usize>panelFloats) << 2);
    for (let k = 0; k < kc; k++) {
      for (let q = 0; q < 8; q++)
        store<f32>(dst + ((<usize>q) << 2), q < w ? load<f32>(src + ((<usize>q) << 2)) : 0);
      src += ldbB;
      dst += 32;
    }
  }
}

/** Packs B (K,N) into full-K panels: bp needs ceil(N/8)·8·K floats. */
export function pack_b(K: i32, N: i32, b: usize, ldb: i32, bp: usize): void {
  packRows(K, N, b, ldb, bp, K * 8);
}

/**
 * Transposes a 4×4 block given as 4 rows v0..v3 (4 consecutive k each): stores the 4 columns (one per k) at
 * dst, dst + sB, dst + 2·sB, dst + 3·sB. Eight shuffles, each a single unpck instruction in V8.
 */
function transpose4(v0: v128, v1: v128, v2: v128, v3: v128, dst: usize, sB: usize): void {
  const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + sB, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * sB, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * sB, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs B = Wᵀ, W stored (N,K) with row stride ldw, into full-K panels: bp[p][k][c] = W[8p+c][k]. Full panels
 * transpose two 4×4 blocks (8 rows × 4 consecutive k) per step; the k tail and a partial last panel go
 * element by element. (A recurrent layer repacks W_hh on every call, so this matters at batch 1.)
 */
export function pack_bt(K: i32, N: i32, w: usize, ldw: i32, bp: usize): void {
  const ldwB = (<usize>ldw) << 2;
  const K4 = K & ~3;
  for (let j = 0; j < N; j += 8) {
    const cols = min(8, N - j);
    const panel = bp + ((<usize>(j >> 3) * <usize>K * 8) << 2);
    let k0 = 0;
    if (cols === 8) {
      const r0 = w + <usize>j * ldwB;
      const r4 = r0 + 4 * ldwB;
      let dst = panel;
      for (let o: usize = 0; k0 < K4; k0 += 4, o += 16, dst += 128) {
        transpose4(
          v128.load(r0 + o),
          v128.load(r0 + ldwB + o),
          v128.load(r0 + 2 * ldwB + o),
          v128.load(r0 + 3 * ldwB + o),
          dst,
          32,
        );
        transpose4(
          v128.load(r4 + o),
          v128.load(r4 + ldwB + o),
          v128.load(r4 + 2 * ldwB + o),
          v128.load(r4 + 3 * ldwB + o),
          dst + 16,
          32,
        );
      }
    }
    for (let q = 0; q < 8; q++) {
      let dst = panel + ((<usize>(k0 * 8 + q)) << 2);
      if (q < cols) {
        let src = w + <usize>(j + q) * ldwB + ((<usize>k0) << 2);
        for (let k = k0; k < K; k++) {
          store<f32>(dst, load<f32>(src));
          src += 4;
          dst += 32;
        }
      } else {
        for (let k = k0; k < K; k++) {
          store<f32>(dst, 0);
          dst += 32;
        }
      }
    }
  }
}

/** Floats pack_b / pack_bt write for a (K,N) B. */
export function packed_floats(K: i32, N: i32): i32 {
  return ((N + 7) & ~7) * K;
}

/**
 * Packs rows [0,rows) × k [0,kc) of op(A) (element (i,k) at a + i·rsB + k·ksB bytes), rows a multiple of mr
 * (4 ≤ mr ≤ 6), into mr-row micro-panels ap[i/mr][k][mr].
 */
function packA(mr: i32, rows: i32, kc: i32, a: usize, rsB: usize, ksB: usize, ap: usize): void {
  const kStep = (<usize>mr) << 2;
  for (let i = 0; i < rows; i += mr, ap += <usize>kc * kStep) {
    const base = a + <usize>i * rsB;
    if (rsB === 4) {
      // tn: the rows of one k are adjacent.
      let src = base;
      let dst = ap;
      for (let k = 0; k < kc; k++, src += ksB, dst += kStep) {
        v128.store(dst, v128.load(src));
        if (mr === 6) v128.store64_lane(dst + 16, v128.load64_zero(src + 16), 0);
        else if (mr === 5) store<f32>(dst + 16, load<f32>(src + 16));
      }
      continue;
    }
    let k0 = 0;
    if (ksB === 4) {
      // nn: rows 0–3 as transposed 4×4 blocks (4 rows × 4 consecutive k); rows 4 and 5 interleaved 4 k at a time.
      let src = base;
      let dst = ap;
      for (; k0 + 4 <= kc; k0 += 4, src += 16, dst += kStep << 2) {
        transpose4(
          v128.load(src),
          v128.load(src + rsB),
          v128.load(src + 2 * rsB),
          v128.load(src + 3 * rsB),
          dst,
          kStep,
        );
        if (mr === 5) {
          const v = v128.load(src + 4 * rsB);
          v128.store32_lane(dst + 16, v, 0);
          v128.store32_lane(dst + kStep + 16, v, 1);
          v128.store32_lane(dst + 2 * kStep + 16, v, 2);
          v128.store32_lane(dst + 3 * kStep + 16, v, 3);
        } else if (mr === 6) {
          const v4 = v128.load(src + 4 * rsB);
          const v5 = v128.load(src + 5 * rsB);
          const lo = i32x4.shuffle(v4, v5, 0, 4, 1, 5);
          const hi = i32x4.shuffle(v4, v5, 2, 6, 3, 7);
          v128.store64_lane(dst + 16, lo, 0);
          v128.store64_lane(dst + kStep + 16, lo, 1);
          v128.store64_lane(dst + 2 * kStep + 16, hi, 0);
          v128.store64_lane(dst + 3 * kStep + 16, hi, 1);
        }
      }
    }
    // The rest element by element, from k0 (every row, when A is read with ksB = 4; else all of it).
    for (let r = 0; r < mr; r++) {
      const from = k0;
      let dst = ap + ((<usize>r) << 2) + <usize>from * kStep;
      let src = base + <usize>r * rsB + <usize>from * ksB;
      for (let k = from; k < kc; k++, src += ksB, dst += kStep) store<f32>(dst, load<f32>(src));
    }
  }
}

/*
 * The MR×8 kernels keep every register busy in the k loop, so their stores are kept simple: whole 8-column tiles
 * store (or add into) C directly; a partial last panel goes through PANEL and panelOut. (put8 per row after the
 * loop, as the 4×8 kernel does, makes V8 spill accumulators inside the loop and halves the speed.)
 */

/** C rows [0,rows) (+)= the tile in PANEL (8 floats a row), only the first `cols` columns. */
function panelOut(c: usize, ldcB: usize, rows: i32, cols: i32, acc: bool): void {
  for (let r = 0; r < rows; r++) {
    const t = PANEL + ((<usize>r) << 5);
    put8(c + <usize>r * ldcB, v128.load(t), v128.load(t, 16), cols, acc);
  }
}

/**
 * 6×8 tile (the relaxed-SIMD build's main kernel): C[0..6)[0..cols) (+)= Σ_k ap[k][r]·bp[k][0..8), in twelve
 * f32x4 accumulators.
 */
function micro6(kc: i32, ap: usize, bp: usize, c: usize, ldcB: usize, cols: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  let c40 = c00;
  let c41 = c00;
  let c50 = c00;
  let c51 = c00;
  let b0: v128;
  let b1: v128;
  let x: v128;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    b0 = v128.load(bp);
    b1 = v128.load(bp, 16);
    x = v128.load32_splat(ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(ap, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(ap, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(ap, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    x = v128.load32_splat(ap, 16);
    c40 = madd(x, b0, c40);
    c41 = madd(x, b1, c41);
    x = v128.load32_splat(ap, 20);
    c50 = madd(x, b0, c50);
    c51 = madd(x, b1, c51);
    ap += 24;
    bp += 32;
  }
  const c1 = c + ldcB;
  const c2 = c1 + ldcB;
  const c3 = c2 + ldcB;
  const c4 = c3 + ldcB;
  const c5 = c4 + ldcB;
  if (cols >= 8) {
    if (acc) {
      c00 = f32x4.add(c00, v128.load(c));
      c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c1));
      c11 = f32x4.add(c11, v128.load(c1, 16));
      c20 = f32x4.add(c20, v128.load(c2));
      c21 = f32x4.add(c21, v128.load(c2, 16));
      c30 = f32x4.add(c30, v128.load(c3));
      c31 = f32x4.add(c31, v128.load(c3, 16));
      c40 = f32x4.add(c40, v128.load(c4));
      c41 = f32x4.add(c41, v128.load(c4, 16));
      c50 = f32x4.add(c50, v128.load(c5));
      c51 = f32x4.add(c51, v128.load(c5, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c1, c10);
    v128.store(c1, c11, 16);
    v128.store(c2, c20);
    v128.store(c2, c21, 16);
    v128.store(c3, c30);
    v128.store(c3, c31, 16);
    v128.store(c4, c40);
    v128.store(c4, c41, 16);
    v128.store(c5, c50);
    v128.store(c5, c51, 16);
    return;
  }
  v128.store(PANEL, c00);
  v128.store(PANEL, c01, 16);
  v128.store(PANEL, c10, 32);
  v128.store(PANEL, c11, 48);
  v128.store(PANEL, c20, 64);
  v128.store(PANEL, c21, 80);
  v128.store(PANEL, c30, 96);
  v128.store(PANEL, c31, 112);
  v128.store(PANEL, c40, 128);
  v128.store(PANEL, c41, 144);
  v128.store(PANEL, c50, 160);
  v128.store(PANEL, c51, 176);
  panelOut(c, ldcB, 6, cols, acc);
}

/** 5×8 tile (the plain build's main kernel), as micro6 with ten accumulators. */
function micro5(kc: i32, ap: usize, bp: usize, c: usize, ldcB: usize, cols: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  let c40 = c00;
  let c41 = c00;
  let b0: v128;
  let b1: v128;
  let x: v128;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    b0 = v128.load(bp);
    b1 = v128.load(bp, 16);
    x = v128.load32_splat(ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(ap, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(ap, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(ap, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    x = v128.load32_splat(ap, 16);
    c40 = madd(x, b0, c40);
    c41 = madd(x, b1, c41);
    ap += 20;
    bp += 32;
  }
  const c1 = c + ldcB;
  const c2 = c1 + ldcB;
  const c3 = c2 + ldcB;
  const c4 = c3 + ldcB;
  if (cols >= 8) {
    if (acc) {
      c00 = f32x4.add(c00, v128.load(c));
      c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c1));
      c11 = f32x4.add(c11, v128.load(c1, 16));
      c20 = f32x4.add(c20, v128.load(c2));
      c21 = f32x4.add(c21, v128.load(c2, 16));
      c30 = f32x4.add(c30, v128.load(c3));
      c31 = f32x4.add(c31, v128.load(c3, 16));
      c40 = f32x4.add(c40, v128.load(c4));
      c41 = f32x4.add(c41, v128.load(c4, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c1, c10);
    v128.store(c1, c11, 16);
    v128.store(c2, c20);
    v128.store(c2, c21, 16);
    v128.store(c3, c30);
    v128.store(c3, c31, 16);
    v128.store(c4, c40);
    v128.store(c4, c41, 16);
    return;
  }
  v128.store(PANEL, c00);
  v128.store(PANEL, c01, 16);
  v128.store(PANEL, c10, 32);
  v128.store(PANEL, c11, 48);
  v128.store(PANEL, c20, 64);
  v128.store(PANEL, c21, 80);
  v128.store(PANEL, c30, 96);
  v128.store(PANEL, c31, 112);
  v128.store(PANEL, c40, 128);
  v128.store(PANEL, c41, 144);
  panelOut(c, ldcB, 5, cols, acc);
}

/**
 * 4×8 tile: C[0..4)[0..cols) (+)= Σ_k ap[k][r]·bp[k][0..8), in eight f32x4 accumulators (4–5 rows left after the
 * MR-row panels of a block). (Unrolling k makes V8 hoist every load of the block and spill.)
 */
function micro(kc: i32, ap: usize, bp: usize, c: usize, ldcB: usize, cols: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  let b0: v128;
  let b1: v128;
  let x: v128;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    b0 = v128.load(bp);
    b1 = v128.load(bp, 16);
    x = v128.load32_splat(ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(ap, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(ap, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(ap, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    ap += 16;
    bp += 32;
  }
  put8(c, c00, c01, cols, acc);
  put8(c + ldcB, c10, c11, cols, acc);
  put8(c + 2 * ldcB, c20, c21, cols, acc);
  put8(c + 3 * ldcB, c30, c31, cols, acc);
}

/**
 * Stores one 8-column row segment of a tile: c[0..cols) = (c +) [v0|v1] (cols <= 0: nothing). Every kernel adds
 * the old C after the whole k sum, so a C element gets the same bits whichever kernel computes it.
 */
function put8(c: usize, v0: v128, v1: v128, cols: i32, acc: bool): void {
  if (cols >= 8) {
    if (acc) {
      v0 = f32x4.add(v0, v128.load(c));
      v1 = f32x4.add(v1, v128.load(c, 16));
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
    return;
  }
  v128.store(TILE, v0);
  v128.store(TILE, v1, 16);
  for (let q = 0; q < cols; q++) {
    const o = (<usize>q) << 2;
    store<f32>(c + o, acc ? load<f32>(c + o) + load<f32>(TILE + o) : load<f32>(TILE + o));
  }
}

/*
 * Row tails (the 1–3 rows left of a block) read A in place, element (i,k) at a + i·rsB + k·ksB, instead of packing
 * it into a zero-padded 4-row panel, and sum each C element over k in the same order as the 4×8 kernel. With fewer
 * rows a tile spans more panels (1×24, 2×16), so that 6–8 independent accumulators hide the 3-cycle add latency.
 * TurboFan issues all loads of an iteration first, so accumulators + loaded B vectors + broadcasts must fit the 15
 * usable xmm registers: 1×32 (8 + 8 + 1) spills and is slower than 1×24. `cols` counts the valid columns from the
 * tile's first panel; panels are psB bytes apart.
 */

/** 1×24 tile (three panels). */
function tail1x24(
  kc: i32,
  a: usize,
  ksB: usize,
  bp: usize,
  psB: usize,
  c: usize,
  cols: i32,
  acc: bool,
): void {
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let c4 = c0;
  let c5 = c0;
  let x: v128;
  const p2 = psB << 1;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    x = v128.load32_splat(a);
    c0 = madd(x, v128.load(bp), c0);
    c1 = madd(x, v128.load(bp, 16), c1);
    c2 = madd(x, v128.load(bp + psB), c2);
    c3 = madd(x, v128.load(bp + psB, 16), c3);
    c4 = madd(x, v128.load(bp + p2), c4);
    c5 = madd(x, v128.load(bp + p2, 16), c5);
    a += ksB;
    bp += 32;
  }
  put8(c, c0, c1, cols, acc);
  put8(c + 32, c2, c3, cols - 8, acc);
  put8(c + 64, c4, c5, cols - 16, acc);
}

/** 1×16 tile (two panels). */
function tail1x16(
  kc: i32,
  a: usize,
  ksB: usize,
  bp: usize,
  psB: usize,
  c: usize,
  cols: i32,
  acc: bool,
): void {
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let x: v128;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    x = v128.load32_splat(a);
    c0 = madd(x, v128.load(bp), c0);
    c1 = madd(x, v128.load(bp, 16), c1);
    c2 = madd(x, v128.load(bp + psB), c2);
    c3 = madd(x, v128.load(bp + psB, 16), c3);
    a += ksB;
    bp += 32;
  }
  put8(c, c0, c1, cols, acc);
  put8(c + 32, c2, c3, cols - 8, acc);
}

/** 1×8 tile (one panel). */
function tail1x8(kc: i32, a: usize, ksB: usize, bp: usize, c: usize, cols: i32, acc: bool): void {
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let x: v128;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    x = v128.load32_splat(a);
    c0 = madd(x, v128.load(bp), c0);
    c1 = madd(x, v128.load(bp, 16), c1);
    a += ksB;
    bp += 32;
  }
  put8(c, c0, c1, cols, acc);
}

/** 2×16 tile (two panels). */
function tail2x16(
  kc: i32,
  a: usize,
  rsB: usize,
  ksB: usize,
  bp: usize,
  psB: usize,
  c: usize,
  ldcB: usize,
  cols: i32,
  acc: bool,
): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c02 = c00;
  let c03 = c00;
  let c10 = c00;
  let c11 = c00;
  let c12 = c00;
  let c13 = c00;
  let x: v128;
  let y: v128;
  let b: v128;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    x = v128.load32_splat(a);
    y = v128.load32_splat(a + rsB);
    b = v128.load(bp);
    c00 = madd(x, b, c00);
    c10 = madd(y, b, c10);
    b = v128.load(bp, 16);
    c01 = madd(x, b, c01);
    c11 = madd(y, b, c11);
    b = v128.load(bp + psB);
    c02 = madd(x, b, c02);
    c12 = madd(y, b, c12);
    b = v128.load(bp + psB, 16);
    c03 = madd(x, b, c03);
    c13 = madd(y, b, c13);
    a += ksB;
    bp += 32;
  }
  put8(c, c00, c01, cols, acc);
  put8(c + 32, c02, c03, cols - 8, acc);
  put8(c + ldcB, c10, c11, cols, acc);
  put8(c + ldcB + 32, c12, c13, cols - 8, acc);
}

/** 2×8 tile (one panel). */
function tail2x8(
  kc: i32,
  a: usize,
  rsB: usize,
  ksB: usize,
  bp: usize,
  c: usize,
  ldcB: usize,
  cols: i32,
  acc: bool,
): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let x: v128;
  let y: v128;
  let b0: v128;
  let b1: v128;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    x = v128.load32_splat(a);
    y = v128.load32_splat(a + rsB);
    b0 = v128.load(bp);
    b1 = v128.load(bp, 16);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    c10 = madd(y, b0, c10);
    c11 = madd(y, b1, c11);
    a += ksB;
    bp += 32;
  }
  put8(c, c00, c01, cols, acc);
  put8(c + ldcB, c10, c11, cols, acc);
}

/** 3×8 tile (one panel). */
function tail3x8(
  kc: i32,
  a: usize,
  rsB: usize,
  ksB: usize,
  bp: usize,
  c: usize,
  ldcB: usize,
  cols: i32,
  acc: bool,
): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let x: v128;
  let b0: v128;
  let b1: v128;
  const a2 = rsB << 1;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    b0 = v128.load(bp);
    b1 = v128.load(bp, 16);
    x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a + rsB);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a + a2);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    a += ksB;
    bp += 32;
  }
  put8(c, c00, c01, cols, acc);
  put8(c + ldcB, c10, c11, cols, acc);
  put8(c + 2 * ldcB, c20, c21, cols, acc);
}

/**
 * C rows [0,rows) (1–3) × N (+)= A rows · B over one k block, A read in place. Tiles take 3 panels (1 row),
 * 2 (2 rows) or 1 (3 rows); the last tile takes what is left.
 */
function tail(
  rows: i32,
  N: i32,
  kc: i32,
  a: usize,
  rsB: usize,
  ksB: usize,
  bp: usize,
  psB: usize,
  c: usize,
  ldcB: usize,
  acc: bool,
): void {
  const panels = (N + 7) >> 3;
  const w = rows === 1 ? 3 : rows === 2 ? 2 : 1;
  for (let p0 = 0; p0 < panels; p0 += w) {
    const np = min(w, panels - p0);
    const cols = N - (p0 << 3);
    const pb = bp + <usize>p0 * psB;
    const cj = c + ((<usize>p0) << 5);
    if (rows === 1) {
      if (np === 3) tail1x24(kc, a, ksB, pb, psB, cj, cols, acc);
      else if (np === 2) tail1x16(kc, a, ksB, pb, psB, cj, cols, acc);
      else tail1x8(kc, a, ksB, pb, cj, cols, acc);
    } else if (rows === 2) {
      if (np === 2) tail2x16(kc, a, rsB, ksB, pb, psB, cj, ldcB, cols, acc);
      else tail2x8(kc, a, rsB, ksB, pb, cj, ldcB, cols, acc);
    } else {
      tail3x8(kc, a, rsB, ksB, pb, cj, ldcB, cols, acc);
    }
  }
}

/**
 * One output column (N = 1) for `groups` (1–8) groups of 4 rows: C[4g + r] (+)= Σ_k A_g[k][r]·b[k]. Group g's
 * 4 rows at step k are the 4 floats at a + g·gB + k·kaB (a packed micro-panel of A, or Aᵀ read in place), b[k] is
 * at b + k·kbB. Lanes are rows, so each element is still summed over k in order from 0 and the old C added last,
 * as the 4×8 kernel would, without computing 7 padding columns.
 */
function column(
  kc: i32,
  a: usize,
  gB: usize,
  kaB: usize,
  groups: i32,
  b: usize,
  kbB: usize,
  c: usize,
  ldcB: usize,
  acc: bool,
): void {
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let c4 = c0;
  let c5 = c0;
  let c6 = c0;
  let c7 = c0;
  // Groups past `groups` read group 0 again (harmless) and are not stored.
  const none: usize = 0;
  const s1 = groups > 1 ? gB : none;
  const s2 = groups > 2 ? gB * 2 : none;
  const s3 = groups > 3 ? gB * 3 : none;
  const s4 = groups > 4 ? gB * 4 : none;
  const s5 = groups > 5 ? gB * 5 : none;
  const s6 = groups > 6 ? gB * 6 : none;
  const s7 = groups > 7 ? gB * 7 : none;
  for (let k = 0; k < kc; k++) {
    const x = v128.load32_splat(b);
    c0 = madd(v128.load(a), x, c0);
    c1 = madd(v128.load(a + s1), x, c1);
    c2 = madd(v128.load(a + s2), x, c2);
    c3 = madd(v128.load(a + s3), x, c3);
    c4 = madd(v128.load(a + s4), x, c4);
    c5 = madd(v128.load(a + s5), x, c5);
    c6 = madd(v128.load(a + s6), x, c6);
    c7 = madd(v128.load(a + s7), x, c7);
    a += kaB;
    b += kbB;
  }
  putColumn(c, ldcB, c0, acc);
  if (groups > 1) putColumn(c + 4 * ldcB, ldcB, c1, acc);
  if (groups > 2) putColumn(c + 8 * ldcB, ldcB, c2, acc);
  if (groups > 3) putColumn(c + 12 * ldcB, ldcB, c3, acc);
  if (groups > 4) putColumn(c + 16 * ldcB, ldcB, c4, acc);
  if (groups > 5) putColumn(c + 20 * ldcB, ldcB, c5, acc);
  if (groups > 6) putColumn(c + 24 * ldcB, ldcB, c6, acc);
  if (groups > 7) putColumn(c + 28 * ldcB, ldcB, c7, acc);
}

/** Stores the 4 lanes of v down one column of C (rows ldcB bytes apart), adding the old values when acc. */
function putColumn(c: usize, ldcB: usize, v: v128, acc: bool): void {
  if (acc)
    v = f32x4.add(
      v,
      f32x4.replace_lane(
        f32x4.replace_lane(
          f32x4.replace_lane(v128.load32_splat(c), 1, load<f32>(c + ldcB)),
          2,
          load<f32>(c + 2 * ldcB),
        ),
        3,
        load<f32>(c + 3 * ldcB),
      ),
    );
  v128.store32_lane(c, v, 0);
  v128.store32_lane(c + ldcB, v, 1);
  v128.store32_lane(c + 2 * ldcB, v, 2);
  v128.store32_lane(c + 3 * ldcB, v, 3);
}

/**
 * N = 1: C (M,1) (+)= op(A)·b, b[k] at b + k·kbB, in the same k blocks as the general path. Aᵀ-stored A ("tn",
 * rows adjacent) is read in place; row-major A is packed into 4-row micro-panels first. The last 1–3 rows are summed
 * one lane at a time in the same order.
 */
function columnProduct(
  M: i32,
  K: i32,
  a: usize,
  rsB: usize,
  ksB: usize,
  b: usize,
  kbB: usize,
  c: usize,
  ldcB: usize,
  acc: bool,
): void {
  const m4 = M & ~3;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const ak = a + <usize>pc * ksB;
    const bk = b + <usize>pc * kbB;
    const add = acc || pc > 0;
    for (let ic = 0; ic < m4; ic += MC) {
      const groups = min(MC, m4 - ic) >> 2;
      let src = ak + <usize>ic * rsB;
      let gB: usize = 16;
      let kaB = ksB;
      if (rsB !== 4) {
        packA(4, groups << 2, kc, src, rsB, ksB, APACK);
        src = APACK;
        gB = (<usize>kc) << 4;
        kaB = 16;
      }
      for (let g = 0; g < groups; g += 8) {
        const cg = c + <usize>(ic + 4 * g) * ldcB;
        column(kc, src + <usize>g * gB, gB, kaB, min(8, groups - g), bk, kbB, cg, ldcB, add);
      }
    }
    for (let i = m4; i < M; i++) {
      let v = f32x4.splat(0);
      let p = ak + <usize>i * rsB;
      let q = bk;
      for (let k = 0; k < kc; k++, p += ksB, q += kbB)
        v = madd(v128.load32_splat(p), v128.load32_splat(q), v);
      const o = c + <usize>i * ldcB;
      v128.store32_lane(o, add ? f32x4.add(v, v128.load32_splat(o)) : v, 0);
    }
  }
}

/**
 * K = 1: C (M,N) (+)= a ⊗ b, an outer product (A's element i at a + i·rsB, b a contiguous row of N floats). Each
 * element is madd(a_i, b_j, 0), then the old C added, exactly as the 4×8 kernel computes it with kc = 1.
 */
function outer(M: i32, N: i32, a: usize, rsB: usize, b: usize, c: usize, ldcB: usize, acc: bool): void {
  const zero = f32x4.splat(0);
  const N4 = N & ~3;
  const endB = b + ((<usize>N4) << 2);
  const endRow = b + ((<usize>N) << 2);
  for (let i = 0; i < M; i++, a += rsB, c += ldcB) {
    const x = v128.load32_splat(a);
    let q = b;
    let o = c;
    for (; q < endB; q += 16, o += 16) {
      const v = madd(x, v128.load(q), zero);
      v128.store(o, acc ? f32x4.add(v, v128.load(o)) : v);
    }
    for (; q < endRow; q += 4, o += 4) {
      const v = madd(x, v128.load32_splat(q), zero);
      v128.store32_lane(o, acc ? f32x4.add(v, v128.load32_splat(o)) : v, 0);
    }
  }
}

/**
 * C (M,N) (+)= op(A)·B over one k block of length kc. A's element (i,k) is at a + i·rsB + k·ksB (bytes);
 * B is packed in panels `psB` bytes apart. MC rows of A at a time are packed into APACK as MR-row panels (and one
 * 4- or 5-row panel when 4–5 rows are left); the last 1–3 rows of each block go to the tail kernels.
 */
function macro(
  M: i32,
  N: i32,
  kc: i32,
  a: usize,
  rsB: usize,
  ksB: usize,
  bp: usize,
  psB: usize,
  c: usize,
  ldcB: usize,
  acc: bool,
): void {
  const apStride = <usize>kc * <usize>(MR << 2);
  for (let ic = 0; ic < M; ic += MC) {
    const mc = min(MC, M - ic);
    const mr = mc - (mc % MR);
    // 4–5 rows left: one 4×8 tile, or (relaxed build) a 5×8 one for 5.
    const mx = mc - mr >= 5 && MR === 6 ? 5 : mc - mr >= 4 ? 4 : 0;
    const block = a + <usize>ic * rsB;
    if (mr > 0) packA(MR, mr, kc, block, rsB, ksB, APACK);
    const apx = APACK + <usize>(mr / MR) * apStride;
    if (mx > 0) packA(mx, mx, kc, block + <usize>mr * rsB, rsB, ksB, apx);
    if (mr + mx > 0) {
      let pb = bp;
      for (let j = 0; j < N; j += 8) {
        const cj = c + ((<usize>j) << 2) + <usize>ic * ldcB;
        let ap = APACK;
        for (let i = 0; i < mr; i += MR) {
          if (MR === 6) micro6(kc, ap, pb, cj + <usize>i * ldcB, ldcB, N - j, acc);
          else micro5(kc, ap, pb, cj + <usize>i * ldcB, ldcB, N - j, acc);
          ap += apStride;
        }
        if (mx === 5) micro5(kc, apx, pb, cj + <usize>mr * ldcB, ldcB, N - j, acc);
        else if (mx === 4) micro(kc, apx, pb, cj + <usize>mr * ldcB, ldcB, N - j, acc);
        pb += psB;
      }
    }
    const done = mr + mx;
    if (mc > done) {
      const i = ic + done;
      tail(mc - done, N, kc, a + <usize>i * rsB, rsB, ksB, bp, psB, c + <usize>i * ldcB, ldcB, acc);
    }
  }
}

function zeroRows(M: i32, N: i32, c: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) memory.fill(c + ((<usize>i * <usize>ldc) << 2), 0, (<usize>N) << 2);
}

/** C (M,N) (+)= A (M,K) · B (K,N) with B pre-packed by pack_b / pack_bt (full-K panels). */
export function gemm_nn_packed(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  lda: i32,
  bp: usize,
  c: usize,
  ldc: i32,
  acc: bool,
): void {
  if (K <= 0) {
    if (!acc) zeroRows(M, N, c, ldc);
    return;
  }
  // K = 1: the packed panels of one row are N (padded to 8) consecutive floats.
  if (K === 1) {
    outer(M, N, a, (<usize>lda) << 2, bp, c, (<usize>ldc) << 2, acc);
    return;
  }
  if (N === 1) {
    columnProduct(M, K, a, (<usize>lda) << 2, 4, bp, 32, c, (<usize>ldc) << 2, acc);
    return;
  }
  const psB = (<usize>K) << 5;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    macro(
      M,
      N,
      kc,
      a + ((<usize>pc) << 2),
      (<usize>lda) << 2,
      4,
      bp + ((<usize>pc) << 5),
      psB,
      c,
      (<usize>ldc) << 2,
      acc || pc > 0,
    );
  }
}

/** Shared driver of gemm_nn / gemm_tn: packs KC×NC blocks of B into the static buffer. */
function blocked(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  rsB: usize,
  ksB: usize,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  acc: bool,
): void {
  if (K <= 0) {
    if (!acc) zeroRows(M, N, c, ldc);
    return;
  }
  if (K === 1) {
    outer(M, N, a, rsB, b, c, (<usize>ldc) << 2, acc);
    return;
  }
  if (N === 1) {
    columnProduct(M, K, a, rsB, ksB, b, (<usize>ldb) << 2, c, (<usize>ldc) << 2, acc);
    return;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packRows(kc, nc, b + ((<usize>pc * <usize>ldb + <usize>jc) << 2), ldb, PACK, kc * 8);
      const ldcB = (<usize>ldc) << 2;
      macro(
        M,
        nc,
        kc,
        a + <usize>pc * ksB,
        rsB,
        ksB,
        PACK,
        (<usize>kc) << 5,
        c + ((<usize>jc) << 2),
        ldcB,
        acc || pc > 0,
      );
    }
  }
}

/** C (M,N) (+)= A (M,K) · B (K,N). */
export function gemm_nn(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  acc: bool,
): void {
  blocked(M, N, K, a, (<usize>lda) << 2, 4, b, ldb, c, ldc, acc);
}

/** C (M,N) (+)= Aᵀ·B with A stored (K,M), B (K,N). */
export function gemm_tn(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  acc: bool,
): void {
  blocked(M, N, K, a, 4, (<usize>lda) << 2, b, ldb, c, ldc, acc);
}
