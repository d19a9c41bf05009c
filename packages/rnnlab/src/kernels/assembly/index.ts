/**
 * Entry point of rnnlab.wasm: every kernel is exported from here. Pointers are byte offsets into the exported
 * memory, owned by the JavaScript allocator (memory.ts); kernels never allocate.
 */

/** First address free for the JavaScript-side allocator (after static data). */
export function heapBase(): usize {
  return __heap_base;
}

export { exp_f32, sigmoid_f32, tanh_f32 } from './activations';
export { gemm_nn, gemm_nn_packed, gemm_tn, pack_b, pack_bt, packed_floats } from './gemm';
export { gru_backward, gru_forward, gru_infer, gru_infer_floats, gru_scratch_floats } from './gru';
export { lstm_backward, lstm_forward, lstm_infer, lstm_infer_floats, lstm_scratch_floats } from './lstm';
export { adam_step, sgd_step } from './optim';
export { add_f32, sum_squares } from './reduce';
export { rnn_backward, rnn_forward, rnn_infer, rnn_infer_floats, rnn_scratch_floats } from './rnn';
export { swap_leading } from './rows';
