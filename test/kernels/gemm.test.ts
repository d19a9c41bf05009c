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
