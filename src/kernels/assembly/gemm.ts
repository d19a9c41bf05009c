/**
 * Register-blocked f32x4 GEMM: C (M,N) (+)= A·B with A (M,K) ("nn") or Aᵀ·B with A stored (K,M) ("tn"), B (K,N).
 * Row-major, leading dimensions in floats, byte pointers. Any M, N, K >= 1.
 *
 * B is packed into panels of 8 columns (`bp[panel][k][8]`, zero padded), either per call into a static buffer
 * (gemm_nn / gemm_tn) or once by the caller (pack_b / pack_bt, then gemm_nn_packed); A is packed per block into
 * 4-row micro-panels (`ap[k][4]`, zero padded). The 4×8 micro-kernel keeps 8 f32x4 accumulators in registers and
 * streams both packs linearly; row and column tails compute on the padding and store only the valid part.
 * (No FMA in plain wasm SIMD: mul + add. In L1 the kernel runs at ~40 GFLOP/s on the 2.6–3 GHz Zen 4 here.)
 */

/** k block: one B panel slice (KC·8 floats) stays in L1 while the packed A block streams past it. */
const KC: i32 = 256;
/** n block of the per-call B packing buffer (multiple of 8). */
const NC: i32 = 512;
/** m block: MC × KC of packed A (64 KiB) stays in L2 across all panels of a k block. */
const MC: i32 = 64;
const PACK: usize = memory.data(KC * NC * 4, 16);
const APACK: usize = memory.data(MC * KC * 4, 16);
const TILE: usize = memory.data(4 * 8 * 4, 16);

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

/** Packs B = Wᵀ, W stored (N,K) with row stride ldw, into full-K panels: bp[p][k][c] = W[8p+c][k]. */
export function pack_bt(K: i32, N: i32, w: usize, ldw: i32, bp: usize): void {
  const ldwB = (<usize>ldw) << 2;
  for (let j = 0; j < N; j += 8) {
    const cols = min(8, N - j);
    const panel = bp + ((<usize>(j >> 3) * <usize>K * 8) << 2);
    for (let q = 0; q < 8; q++) {
      let dst = panel + ((<usize>q) << 2);
      if (q < cols) {
        let src = w + <usize>(j + q) * ldwB;
        for (let k = 0; k < K; k++) {
          store<f32>(dst, load<f32>(src));
          src += 4;
          dst += 32;
        }
      } else {
        for (let k = 0; k < K; k++) {
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
 * Packs rows [0,mc) × k [0,kc) of op(A) (element (i,k) at a + i·rsB + k·ksB bytes) into 4-row micro-panels
 * ap[i/4][k][4], rows past mc zero-filled.
 */
function packA(mc: i32, kc: i32, a: usize, rsB: usize, ksB: usize, ap: usize): void {
  for (let i = 0; i < mc; i += 4) {
    const rows = min(4, mc - i);
    const base = a + <usize>i * rsB;
    if (rows === 4 && rsB === 4) {
      // tn: the 4 rows of one k are adjacent.
      let src = base;
      for (let k = 0; k < kc; k++) {
        v128.store(ap, v128.load(src));
        src += ksB;
        ap += 16;
      }
      continue;
    }
    let k0 = 0;
    if (rows === 4 && ksB === 4) {
      // nn: transpose 4×4 blocks (4 rows × 4 consecutive k) with shuffles.
      let src = base;
      for (; k0 + 4 <= kc; k0 += 4) {
        const v0 = v128.load(src);
        const v1 = v128.load(src + rsB);
        const v2 = v128.load(src + 2 * rsB);
        const v3 = v128.load(src + 3 * rsB);
        const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
        v128.store(ap, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
        v128.store(ap, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
        v128.store(ap, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
        v128.store(ap, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
        src += 16;
        ap += 64;
      }
    }
    for (let r = 0; r < 4; r++) {
      let dst = ap + ((<usize>r) << 2);
      if (r < rows) {
        let src = base + <usize>r * rsB + <usize>k0 * ksB;
        for (let k = k0; k < kc; k++) {
          store<f32>(dst, load<f32>(src));
          src += ksB;
          dst += 16;
        }
      } else {
        for (let k = k0; k < kc; k++) {
          store<f32>(dst, 0);
          dst += 16;
        }
      }
    }
    ap += (<usize>(kc - k0)) << 4;
  }
}

/**
 * 4×8 tile: C[r][0..cols) (+)= Σ_k ap[k][r]·bp[k][0..8) for r < rows, in eight f32x4 accumulators. (Unrolling k
 * makes V8 hoist every load of the block and spill.)
 */
function micro(kc: i32, ap: usize, bp: usize, c: usize, ldcB: usize, rows: i32, cols: i32, acc: bool): void {
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
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    ap += 16;
    bp += 32;
  }
  if (rows === 4 && cols === 8) {
    if (acc) {
      c00 = f32x4.add(c00, v128.load(c));
      c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c + ldcB));
      c11 = f32x4.add(c11, v128.load(c + ldcB, 16));
      c20 = f32x4.add(c20, v128.load(c + 2 * ldcB));
      c21 = f32x4.add(c21, v128.load(c + 2 * ldcB, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * ldcB));
      c31 = f32x4.add(c31, v128.load(c + 3 * ldcB, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c + ldcB, c10);
    v128.store(c + ldcB, c11, 16);
    v128.store(c + 2 * ldcB, c20);
    v128.store(c + 2 * ldcB, c21, 16);
    v128.store(c + 3 * ldcB, c30);
    v128.store(c + 3 * ldcB, c31, 16);
    return;
  }
  v128.store(TILE, c00);
  v128.store(TILE, c01, 16);
  v128.store(TILE, c10, 32);
  v128.store(TILE, c11, 48);
  v128.store(TILE, c20, 64);
  v128.store(TILE, c21, 80);
  v128.store(TILE, c30, 96);
  v128.store(TILE, c31, 112);
  for (let r = 0; r < rows; r++) {
    const t = TILE + ((<usize>r) << 5);
    const cr = c + <usize>r * ldcB;
    for (let q = 0; q < cols; q++) {
      const o = (<usize>q) << 2;
      store<f32>(cr + o, acc ? load<f32>(cr + o) + load<f32>(t + o) : load<f32>(t + o));
    }
  }
}

/**
 * C (M,N) (+)= op(A)·B over one k block of length kc. A's element (i,k) is at a + i·rsB + k·ksB (bytes);
 * B is packed in panels `psB` bytes apart. MC rows of A at a time are packed into APACK.
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
  const apStride = (<usize>kc) << 4;
  for (let ic = 0; ic < M; ic += MC) {
    const mc = min(MC, M - ic);
    packA(mc, kc, a + <usize>ic * rsB, rsB, ksB, APACK);
    let pb = bp;
    for (let j = 0; j < N; j += 8) {
      const cols = min(8, N - j);
      const cj = c + ((<usize>j) << 2) + <usize>ic * ldcB;
      let ap = APACK;
      for (let i = 0; i < mc; i += 4) {
        micro(kc, ap, pb, cj + <usize>i * ldcB, ldcB, min(4, mc - i), cols, acc);
        ap += apStride;
      }
      pb += psB;
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
