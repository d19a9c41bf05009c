/**
 * The kernel module's exports, typed from their AssemblyScript signatures (src/kernels/assembly/*.ts, exported by
 * its index.ts). Names and argument order are the kernels' own. AssemblyScript `usize` is a byte pointer into
 * `memory` (`Ptr`; 0 = absent where a kernel says so), `i32` an integer, `f32` a number (rounded to float32),
 * `bool` a boolean. Matrices are f32, row-major; `ld*` are row strides in floats.
 * Legend of the recurrent kernels: T time, B batch, I input, H hidden, P projection (0 = none), Hout = P || H.
 */

/** Byte offset into the kernels' memory (AssemblyScript `usize`). */
export type Ptr = number;
/** AssemblyScript `i32`. */
export type I32 = number;
/** AssemblyScript `f32`. */
export type F32 = number;

export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  /** First address free for the JavaScript allocator (after the module's static data). */
  heapBase(): Ptr;

  // activations.ts — test hooks: y[i] = f(x[i]) for n floats.
  exp_f32(x: Ptr, y: Ptr, n: I32): void;
  sigmoid_f32(x: Ptr, y: Ptr, n: I32): void;
  tanh_f32(x: Ptr, y: Ptr, n: I32): void;

  // gemm.ts
  /** C (M,N) (+)= A (M,K) · B (K,N). */
  gemm_nn(M: I32, N: I32, K: I32, a: Ptr, lda: I32, b: Ptr, ldb: I32, c: Ptr, ldc: I32, acc: boolean): void;
  /** C (M,N) (+)= Aᵀ · B with A stored (K,M), B (K,N). */
  gemm_tn(M: I32, N: I32, K: I32, a: Ptr, lda: I32, b: Ptr, ldb: I32, c: Ptr, ldc: I32, acc: boolean): void;
  /** C (M,N) (+)= A (M,K) · B with B pre-packed by pack_b / pack_bt. */
  gemm_nn_packed(M: I32, N: I32, K: I32, a: Ptr, lda: I32, bp: Ptr, c: Ptr, ldc: I32, acc: boolean): void;
  /** Packs B (K,N) into 8-column full-K panels at bp (packed_floats(K, N) floats). */
  pack_b(K: I32, N: I32, b: Ptr, ldb: I32, bp: Ptr): void;
  /** Packs B = Wᵀ, W stored (N,K) with row stride ldw, into panels at bp. */
  pack_bt(K: I32, N: I32, w: Ptr, ldw: I32, bp: Ptr): void;
  /** Floats pack_b / pack_bt write for a (K,N) B. */
  packed_floats(K: I32, N: I32): I32;

  // rnn.ts — Elman RNN, one direction; `pre` (T,B,H) saved pre-activations, `hs` (T+1,B,H) states.
  rnn_scratch_floats(T: I32, B: I32, I: I32, H: I32): I32;
  rnn_forward(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    relu: boolean,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    bIh: Ptr,
    bHh: Ptr,
    h0: Ptr,
    out: Ptr,
    ldo: I32,
    hN: Ptr,
    pre: Ptr,
    hs: Ptr,
    scratch: Ptr,
  ): void;
  /** Scratch floats of rnn_infer (no saved blocks; batch tiles of min(B, 16) rows). */
  rnn_infer_floats(B: I32, I: I32, H: I32): I32;
  /** rnn_forward saving nothing (inference): the same out and hN bits; out batch-first (B,T,·) when bf. */
  rnn_infer(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    relu: boolean,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    bIh: Ptr,
    bHh: Ptr,
    h0: Ptr,
    out: Ptr,
    ldo: I32,
    bf: boolean,
    hN: Ptr,
    scratch: Ptr,
  ): void;
  rnn_backward(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    relu: boolean,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    hs: Ptr,
    h0zero: boolean,
    dOut: Ptr,
    ldo: I32,
    dhN: Ptr,
    dX: Ptr,
    accDx: boolean,
    dh0: Ptr,
    gWIh: Ptr,
    gWHh: Ptr,
    gBIh: Ptr,
    gBHh: Ptr,
    scratch: Ptr,
  ): void;

  // lstm.ts — gates (T,B,4H) activated i,f,g,o; hs (T+1,B,Hout), cs (T+1,B,H); tc = tanh(c_t); m = o·tanh(c_t).
  lstm_scratch_floats(T: I32, B: I32, I: I32, H: I32, P: I32): I32;
  lstm_forward(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    P: I32,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    bIh: Ptr,
    bHh: Ptr,
    wHr: Ptr,
    h0: Ptr,
    c0: Ptr,
    out: Ptr,
    ldo: I32,
    hN: Ptr,
    cN: Ptr,
    gates: Ptr,
    hs: Ptr,
    cs: Ptr,
    tc: Ptr,
    m: Ptr,
    scratch: Ptr,
  ): void;
  /** Scratch floats of lstm_infer (no saved blocks; batch tiles of min(B, 16) rows). */
  lstm_infer_floats(B: I32, I: I32, H: I32, P: I32): I32;
  /** lstm_forward saving nothing (inference): the same out, hN and cN bits; out batch-first (B,T,·) when bf. */
  lstm_infer(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    P: I32,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    bIh: Ptr,
    bHh: Ptr,
    wHr: Ptr,
    h0: Ptr,
    c0: Ptr,
    out: Ptr,
    ldo: I32,
    bf: boolean,
    hN: Ptr,
    cN: Ptr,
    scratch: Ptr,
  ): void;
  lstm_backward(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    P: I32,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    wHr: Ptr,
    gates: Ptr,
    hs: Ptr,
    h0zero: boolean,
    cs: Ptr,
    tc: Ptr,
    m: Ptr,
    dOut: Ptr,
    ldo: I32,
    dhN: Ptr,
    dcN: Ptr,
    dX: Ptr,
    accDx: boolean,
    dh0: Ptr,
    dc0: Ptr,
    gWIh: Ptr,
    gWHh: Ptr,
    gBIh: Ptr,
    gBHh: Ptr,
    gWHr: Ptr,
    scratch: Ptr,
  ): void;

  // gru.ts — gates (T,B,3H) activated r,z,n; hs (T+1,B,H); hn (T,B,H) = W_hn h_(t-1) + b_hn.
  gru_scratch_floats(T: I32, B: I32, I: I32, H: I32): I32;
  gru_forward(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    bIh: Ptr,
    bHh: Ptr,
    h0: Ptr,
    out: Ptr,
    ldo: I32,
    hN: Ptr,
    gates: Ptr,
    hs: Ptr,
    hn: Ptr,
    scratch: Ptr,
  ): void;
  /** Scratch floats of gru_infer (no saved blocks; batch tiles of min(B, 16) rows). */
  gru_infer_floats(B: I32, I: I32, H: I32): I32;
  /** gru_forward saving nothing (inference): the same out and hN bits; out batch-first (B,T,·) when bf. */
  gru_infer(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    bIh: Ptr,
    bHh: Ptr,
    h0: Ptr,
    out: Ptr,
    ldo: I32,
    bf: boolean,
    hN: Ptr,
    scratch: Ptr,
  ): void;
  gru_backward(
    T: I32,
    B: I32,
    I: I32,
    H: I32,
    reverse: boolean,
    x: Ptr,
    wIh: Ptr,
    wHh: Ptr,
    gates: Ptr,
    hs: Ptr,
    h0zero: boolean,
    hn: Ptr,
    dOut: Ptr,
    ldo: I32,
    dhN: Ptr,
    dX: Ptr,
    accDx: boolean,
    dh0: Ptr,
    gWIh: Ptr,
    gWHh: Ptr,
    gBIh: Ptr,
    gBHh: Ptr,
    scratch: Ptr,
  ): void;

  // optim.ts — one pass over n floats.
  adam_step(
    param: Ptr,
    grad: Ptr,
    expAvg: Ptr,
    expAvgSq: Ptr,
    maxExpAvgSq: Ptr,
    n: I32,
    stepSize: F32,
    beta1: F32,
    oneMinusBeta1: F32,
    beta2: F32,
    oneMinusBeta2: F32,
    eps: F32,
    weightDecay: F32,
    bc2Sqrt: F32,
  ): void;
  sgd_step(
    param: Ptr,
    grad: Ptr,
    momentumBuf: Ptr,
    n: I32,
    lr: F32,
    momentum: F32,
    oneMinusDampening: F32,
    weightDecay: F32,
    nesterov: boolean,
    firstStep: boolean,
  ): void;

  // reduce.ts — one pass over n floats.
  /** Σ x[i]² in f64 (four partial sums, see reduce.ts for the order). */
  sum_squares(x: Ptr, n: I32): number;
  /** dst[i] = dst[i] + src[i] (float32 sums). */
  add_f32(dst: Ptr, src: Ptr, n: I32): void;

  // rows.ts
  /** dst (A2,A1,inner) = src (A1,A2,inner): swaps the two leading dims while copying. */
  swap_leading(A1: I32, A2: I32, inner: I32, src: Ptr, dst: Ptr): void;
}

/** Names of the exported functions (everything but `memory`). */
export type KernelName = Exclude<keyof KernelExports, 'memory'>;

/**
 * Parameter count of every exported function, as the interface above declares it (the type makes each entry
 * equal its signature's length). test/kernels/exports.test.ts checks it against the loaded module, so a kernel
 * whose AssemblyScript signature gains or loses an argument fails there, not as shifted arguments at run time.
 */
export const KERNEL_ARITY: { readonly [K in KernelName]: Parameters<KernelExports[K]>['length'] } = {
  heapBase: 0,
  exp_f32: 3,
  sigmoid_f32: 3,
  tanh_f32: 3,
  gemm_nn: 10,
  gemm_tn: 10,
  gemm_nn_packed: 9,
  pack_b: 5,
  pack_bt: 5,
  packed_floats: 2,
  rnn_scratch_floats: 4,
  rnn_forward: 18,
  rnn_infer_floats: 3,
  rnn_infer: 17,
  rnn_backward: 22,
  lstm_scratch_floats: 5,
  lstm_forward: 24,
  lstm_infer_floats: 4,
  lstm_infer: 20,
  lstm_backward: 30,
  gru_scratch_floats: 4,
  gru_forward: 18,
  gru_infer_floats: 3,
  gru_infer: 16,
  gru_backward: 23,
  adam_step: 14,
  sgd_step: 10,
  sum_squares: 2,
  add_f32: 3,
  swap_leading: 5,
};

/**
 * An export looked up by a name known only at run time (tests that loop over kernels by name). Access by a
 * literal name keeps the signature above; this only types `kernels[name]` for a `string` name.
 */
export interface KernelsByName {
  readonly [name: string]: (...args: number[]) => unknown;
}
