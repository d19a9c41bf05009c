/**
 * How the inference kernels (`*_infer`: a forward that saves nothing for a backward) walk a batch. Legend: T time,
 * B batch, I input, G gate rows (G·H), R rows of a tile.
 *
 * Tiles: a tile of R = min(B, INFER_TILE) batch rows runs all T steps before the next tile starts, so its gates and
 * states stay in L1/L2 however large the batch. Rows are independent and every kernel gives a row the same bits
 * whatever the number of rows, so tiling changes no result.
 *
 * Input projection: x·W_ihᵀ for several steps at once when the batch is one tile (their rows of x are adjacent):
 * INFER_CHUNK_ROWS rows per GEMM, so a batch-1 forward projects all of a short window in one product instead of
 * one row per step; with more than one tile, one step (R rows) at a time.
 */
import { gemm_nn_packed } from './gemm';

/** Batch rows per tile. */
export const INFER_TILE: i32 = 16;
/** Rows of x one input-projection GEMM takes (at most; a multiple of INFER_TILE). */
export const INFER_CHUNK_ROWS: i32 = 64;

/** Rows of one tile for a batch of B. */
export function inferRows(B: i32): i32 {
  return min(B, INFER_TILE);
}

/** Steps per input-projection GEMM for a batch of B (more than one only when the batch is one tile). */
function chunkSteps(B: i32, T: i32): i32 {
  return B > INFER_TILE ? 1 : min(T, max(1, INFER_CHUNK_ROWS / B));
}

/**
 * Step s's input projection (R,G) for the tile at batch row b0, from proj (the projections of the steps of
 * s's chunk, INFER_CHUNK_ROWS·G floats): at the first step of a chunk, first computes x·W_ihᵀ for all of its steps
 * (x (T,B,I), W_ihᵀ packed at packIh). Steps run in processing order (t = T−1−s when reverse).
 */
export function projectStep(
  s: i32,
  T: i32,
  B: i32,
  R: i32,
  b0: i32,
  I: i32,
  G: i32,
  reverse: bool,
  x: usize,
  packIh: usize,
  proj: usize,
): usize {
  const steps = chunkSteps(B, T);
  const first = s - (s % steps);
  const n = min(steps, T - first);
  // The chunk's steps cover times [tLo, tLo + n); with n > 1 the batch is one tile, so their rows are adjacent.
  const tLo = reverse ? T - first - n : first;
  if (s === first) {
    gemm_nn_packed(n * R, G, I, x + ((<usize>(tLo * B + b0) * <usize>I) << 2), I, packIh, proj, G, false);
  }
  const t = reverse ? T - 1 - s : s;
  return proj + ((<usize>((t - tLo) * R * G)) << 2);
}
