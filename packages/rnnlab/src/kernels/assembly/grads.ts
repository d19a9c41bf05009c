/**
 * Hidden-side weight gradient shared by the recurrent layers (one GEMM over all time steps).
 * Legend: T time, B batch, GH = G·H gate rows, Ho = hidden size fed back (Hout).
 */
import { gemm_tn } from './gemm';

/**
 * gW (GH,Ho) += Σ_t dG_tᵀ · h_prev(t), dG (T,B,GH), hs (T+1,B,Ho) in time order: h_prev(t) is slot t (forward) or
 * slot t+1 (reverse). When the initial state was zero (h0zero) its B rows add nothing and are skipped.
 */
export function hidden_weight_grad(
  T: i32,
  B: i32,
  GH: i32,
  Ho: i32,
  dG: usize,
  hs: usize,
  reverse: bool,
  h0zero: bool,
  gW: usize,
): void {
  if (gW === 0) return;
  const gB = (<usize>(B * GH)) << 2;
  const hB = (<usize>(B * Ho)) << 2;
  if (h0zero) {
    // Forward: drop t = 0 (slot 0); reverse: drop t = T-1 (slot T). Both leave slots 1..T-1.
    if (T > 1) gemm_tn(GH, Ho, (T - 1) * B, reverse ? dG : dG + gB, GH, hs + hB, Ho, gW, Ho, true);
    return;
  }
  gemm_tn(GH, Ho, T * B, dG, GH, reverse ? hs + hB : hs, Ho, gW, Ho, true);
}
