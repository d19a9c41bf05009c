import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gemmNN, gemmTN } from '../../src/kernels/gemm.js';
import { kernels } from '../../src/kernels/wasm.js';
import { Arena, assertClose, read, rng } from './util.js';

const rand = rng(7);

/** float64 C (+)= op(A)·B; A element (i,k) at a[i*rs + k*ks]. */
function refGemm(
  M: number,
  N: number,
  K: number,
  a: Float32Array,
  rs: number,
  ks: number,
  b: Float32Array,
  ldb: number,
  c0: Float32Array,
  ldc: number,
  acc: boolean,
): Float64Array {
  const c = Float64Array.from(c0);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = acc ? c[i * ldc + j] : 0;
      for (let k = 0; k < K; k++) s += a[i * rs + k * ks] * b[k * ldb + j];
      c[i * ldc + j] = s;
    }
  }
  return c;
}

const sizes = [1, 3, 5, 7, 9, 17, 33];
const fill = (n: number): Float32Array => Float32Array.from({ length: n }, () => rand());

for (const kind of ['nn', 'tn'] as const) {
  test(`gemm ${kind}: every M, N, K in {1,3,5,7,9,17,33}, accumulate on/off, padded leading dims`, () => {
    const arena = new Arena();
    try {
      for (const M of sizes) {
        for (const N of sizes) {
          for (const K of sizes) {
            // Leading dimensions larger than the logical width check the strides.
            const lda = (kind === 'nn' ? K : M) + 2;
            const ldb = N + 1;
            const ldc = N + 3;
            const aRows = kind === 'nn' ? M : K;
            const A = fill(aRows * lda);
            const B = fill(K * ldb);
            const C = fill(M * ldc);
            for (const acc of [false, true]) {
              const pa = arena.put(A);
              const pb = arena.put(B);
              const pc = arena.put(C);
              if (kind === 'nn') gemmNN(M, N, K, pa, lda, pb, ldb, pc, ldc, acc);
              else gemmTN(M, N, K, pa, lda, pb, ldb, pc, ldc, acc);
              const want = refGemm(
                M,
                N,
                K,
                A,
                kind === 'nn' ? lda : 1,
                kind === 'nn' ? 1 : lda,
                B,
                ldb,
                C,
                ldc,
                acc,
              );
              assertClose(read(pc, M * ldc), want, `${kind} M${M} N${N} K${K} acc=${acc}`, 1e-5, 1e-5);
              arena.freeAll();
            }
          }
        }
      }
    } finally {
      arena.freeAll();
    }
  });
}

test('gemm: large blocked sizes (k and n blocks, row tails) against float64', () => {
  const arena = new Arena();
  try {
    for (const [M, N, K] of [
      [70, 530, 300],
      [131, 20, 513],
    ]) {
      const A = fill(M * K);
      const At = fill(K * M);
      const B = fill(K * N);
      const pc = arena.zeros(M * N);
      gemmNN(M, N, K, arena.put(A), K, arena.put(B), N, pc, N, false);
      assertClose(
        read(pc, M * N),
        refGemm(M, N, K, A, K, 1, B, N, new Float32Array(M * N), N, false),
        `nn ${M},${N},${K}`,
        1e-4,
        1e-5,
      );
      gemmTN(M, N, K, arena.put(At), M, arena.put(B), N, pc, N, false);
      assertClose(
        read(pc, M * N),
        refGemm(M, N, K, At, 1, M, B, N, new Float32Array(M * N), N, false),
        `tn ${M},${N},${K}`,
        1e-4,
        1e-5,
      );
    }
  } finally {
    arena.freeAll();
  }
});

test('gemm packed: pack_b / pack_bt panels then gemm_nn_packed, odd sizes and accumulate', () => {
  const arena = new Arena();
  try {
    for (const [M, N, K] of [
      [1, 1, 1],
      [5, 13, 3],
      [16, 256, 64],
      [7, 9, 300],
    ]) {
      const A = fill(M * K);
      const B = fill(K * N);
      // W = Bᵀ stored (N,K): pack_bt must give the same panels as pack_b of B.
      const W = new Float32Array(N * K);
      for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) W[j * K + k] = B[k * N + j];
      const C = fill(M * N);
      const want = refGemm(M, N, K, A, K, 1, B, N, C, N, true);
      for (const packer of ['pack_b', 'pack_bt']) {
        const bp = arena.zeros(kernels.packed_floats(K, N));
        if (packer === 'pack_b') kernels.pack_b(K, N, arena.put(B), N, bp);
        else kernels.pack_bt(K, N, arena.put(W), K, bp);
        const pc = arena.put(C);
        kernels.gemm_nn_packed(M, N, K, arena.put(A), K, bp, pc, N, true);
        assertClose(read(pc, M * N), want, `${packer} M${M} N${N} K${K}`, 1e-4, 1e-5);
      }
    }
  } finally {
    arena.freeAll();
  }
});

/** The float32 bit patterns of a buffer, for exact comparisons. */
const bits = (v: Float32Array): Uint32Array => new Uint32Array(v.buffer, v.byteOffset, v.length);

/** Runs one kind of GEMM on C (M,N) with row stride ldc: nn / tn with per-call packing, or nn on a pre-packed B. */
function runKind(
  kind: 'nn' | 'tn' | 'packed',
  M: number,
  N: number,
  K: number,
  pa: number,
  lda: number,
  pb: number,
  ldb: number,
  pc: number,
  ldc: number,
  acc: boolean,
): void {
  if (kind === 'nn') gemmNN(M, N, K, pa, lda, pb, ldb, pc, ldc, acc);
  else if (kind === 'tn') gemmTN(M, N, K, pa, lda, pb, ldb, pc, ldc, acc);
  else kernels.gemm_nn_packed(M, N, K, pa, lda, pb, pc, ldc, acc);
}

// Row tails: M = 1, 2, 3 (all rows in the tail kernels) and 5, 6, 7 (4-row panels + tail); N covers 1×24 / 1×16 /
// 1×8 and 2×16 / 2×8 tile mixes with partial last panels; K = 300 spans two k blocks.
const tailMs = [1, 2, 3, 5, 6, 7];
const tailNs = [1, 7, 8, 9, 16, 17, 23, 24, 25, 40, 41, 57];
const tailKs = [1, 3, 4, 64, 300];

for (const kind of ['nn', 'tn', 'packed'] as const) {
  test(`gemm ${kind}: row tails M in {1,2,3,5,6,7} × N up to 57 × K up to 300 against float64`, () => {
    const arena = new Arena();
    try {
      for (const M of tailMs) {
        for (const N of tailNs) {
          for (const K of tailKs) {
            const lda = (kind === 'tn' ? M : K) + 1;
            const ldb = N + 2;
            const ldc = N + 1;
            const A = fill((kind === 'tn' ? K : M) * lda);
            const B = fill(K * ldb);
            const C = fill(M * ldc);
            const pa = arena.put(A);
            let pb = arena.put(B);
            if (kind === 'packed') {
              const bp = arena.zeros(kernels.packed_floats(K, N));
              kernels.pack_b(K, N, pb, ldb, bp);
              pb = bp;
            }
            for (const acc of [false, true]) {
              const pc = arena.put(C);
              runKind(kind, M, N, K, pa, lda, pb, ldb, pc, ldc, acc);
              const rs = kind === 'tn' ? 1 : lda;
              const ks = kind === 'tn' ? lda : 1;
              const want = refGemm(M, N, K, A, rs, ks, B, ldb, C, ldc, acc);
              assertClose(read(pc, M * ldc), want, `${kind} M${M} N${N} K${K} acc=${acc}`, 1e-4, 1e-5);
            }
            arena.freeAll();
          }
        }
      }
    } finally {
      arena.freeAll();
    }
  });

  test(`gemm ${kind}: bitwise independent of M (rows computed alone, in tails or in 4-row panels)`, () => {
    const arena = new Arena();
    try {
      for (const [M, N, K] of [
        [16, 41, 300],
        [11, 256, 64],
        [7, 24, 5],
      ]) {
        const lda = kind === 'tn' ? M : K;
        const A = fill((kind === 'tn' ? K : M) * lda);
        const B = fill(K * N);
        const C = fill(M * N);
        const pa = arena.put(A);
        let pb = arena.put(B);
        if (kind === 'packed') {
          const bp = arena.zeros(kernels.packed_floats(K, N));
          kernels.pack_b(K, N, pb, N, bp);
          pb = bp;
        }
        for (const acc of [false, true]) {
          const whole = arena.put(C);
          runKind(kind, M, N, K, pa, lda, pb, N, whole, N, acc);
          const all = read(whole, M * N);
          // Row blocks of every height 1..5 at every offset: each must reproduce the same bits.
          for (let h = 1; h <= 5; h++) {
            for (let i0 = 0; i0 + h <= M; i0++) {
              const part = arena.put(C.subarray(i0 * N, (i0 + h) * N));
              const paRows = kind === 'tn' ? pa + 4 * i0 : pa + 4 * i0 * lda;
              runKind(kind, h, N, K, paRows, lda, pb, N, part, N, acc);
              const got = bits(read(part, h * N));
              const want = bits(all.slice(i0 * N, (i0 + h) * N));
              for (let e = 0; e < got.length; e++) {
                if (got[e] !== want[e]) {
                  assert.fail(
                    `${kind} M${M} N${N} K${K} acc=${acc}: rows ${i0}..${i0 + h - 1} element ${e} differ`,
                  );
                }
              }
            }
          }
        }
        arena.freeAll();
      }
    } finally {
      arena.freeAll();
    }
  });
}

test('pack_bt gives exactly the panels of pack_b (SIMD 4×4 transposes, k tails, partial last panel)', () => {
  const arena = new Arena();
  try {
    for (const K of [1, 2, 3, 4, 5, 7, 8, 64, 66]) {
      for (const N of [1, 5, 8, 9, 16, 23, 256]) {
        const B = fill(K * N);
        const ldw = K + 3;
        const W = new Float32Array(N * ldw);
        for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) W[j * ldw + k] = B[k * N + j];
        const n = kernels.packed_floats(K, N);
        const viaB = arena.put(Float32Array.from({ length: n }, () => Number.NaN));
        const viaW = arena.put(Float32Array.from({ length: n }, () => Number.NaN));
        kernels.pack_b(K, N, arena.put(B), N, viaB);
        kernels.pack_bt(K, N, arena.put(W), ldw, viaW);
        assert.deepEqual(bits(read(viaW, n)), bits(read(viaB, n)), `K${K} N${N}`);
        arena.freeAll();
      }
    }
  } finally {
    arena.freeAll();
  }
});

test('gemm: the N = 1 and K = 1 paths give the general path bit for bit (same k order, old C added last)', () => {
  const arena = new Arena();
  try {
    for (const kind of ['nn', 'tn'] as const) {
      for (const [M, K] of [
        [7, 300],
        [70, 33],
        [3, 5],
      ]) {
        const aRows = kind === 'nn' ? M : K;
        const lda = kind === 'nn' ? K : M;
        const A = fill(aRows * lda);
        const gemm = kind === 'nn' ? gemmNN : gemmTN;
        // N = 1 against column 0 of N = 9 (B's other columns random): the 4×8 kernel and row tails.
        const N = 9;
        const B = fill(K * N);
        const C = fill(M * N);
        const wide = arena.put(C);
        gemm(M, N, K, arena.put(A), lda, arena.put(B), N, wide, N, true);
        const col = arena.put(Float32Array.from({ length: M }, (_, i) => C[i * N]));
        const b0 = arena.put(Float32Array.from({ length: K }, (_, k) => B[k * N]));
        gemm(M, 1, K, arena.put(A), lda, b0, 1, col, 1, true);
        const w = read(wide, M * N);
        assert.deepEqual(
          read(col, M),
          Float32Array.from({ length: M }, (_, i) => w[i * N]),
          `${kind} N=1 M${M} K${K}`,
        );
      }
      // K = 1 against K = 2 with a zero second column of op(A): madd(0, b, s) = s exactly.
      const M = 13;
      const N = 21;
      const a1 = fill(M);
      const A2 = new Float32Array(2 * M);
      for (let i = 0; i < M; i++) A2[kind === 'nn' ? 2 * i : i] = a1[i];
      const B2 = fill(2 * N);
      const C = fill(M * N);
      const one = arena.put(C);
      const two = arena.put(C);
      if (kind === 'nn') {
        gemmNN(M, N, 1, arena.put(a1), 1, arena.put(B2), N, one, N, true);
        gemmNN(M, N, 2, arena.put(A2), 2, arena.put(B2), N, two, N, true);
      } else {
        gemmTN(M, N, 1, arena.put(a1), M, arena.put(B2), N, one, N, true);
        gemmTN(M, N, 2, arena.put(A2), M, arena.put(B2), N, two, N, true);
      }
      assert.deepEqual(read(one, M * N), read(two, M * N), `${kind} K=1`);
    }
  } finally {
    arena.freeAll();
  }
});
