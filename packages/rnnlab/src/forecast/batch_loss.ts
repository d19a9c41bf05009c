/**
 * The training loss of one batch, shared by the training loop and the replicas of data-parallel training:
 * Σ (ŷ − y)² over the batch's rows and the scored positions (the tutorial's MSELoss(reduction='none').sum()).
 * A sum over rows, so the loss and gradient of a batch are the sums of those of its row slices.
 */
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SequenceRegressor } from './models.js';

export type TargetPositions = 'all-positions' | 'last-position';

/** A batch as the data layer yields it: x (B, T, F), y (B, T), flat row-major. */
export interface WindowBatch {
  x: Float32Array;
  xShape: readonly number[];
  y: Float32Array;
  yShape: readonly number[];
}

/** Model output and targets at the scored positions: ŷ, y as (B, T) or (B, 1). */
export function scoredPair(
  model: SequenceRegressor,
  b: WindowBatch,
  target: TargetPositions,
): [Tensor, Tensor] {
  const x = tensor(b.x, b.xShape);
  const y = tensor(b.y, b.yShape);
  const pred = model.forward(x).squeeze(-1);
  if (target === 'all-positions') return [pred, y];
  const T = b.yShape[1];
  return [pred.narrow(1, T - 1, 1), y.narrow(1, T - 1, 1)];
}

/** Σ (ŷ − y)² at the scored positions, and the number of scored elements. */
export function batchLoss(
  model: SequenceRegressor,
  b: WindowBatch,
  target: TargetPositions,
): [Tensor, number] {
  const [p, y] = scoredPair(model, b, target);
  const d = p.sub(y);
  return [d.mul(d).sum(), p.numel()];
}

/** Rows [start, start + rows) of a batch, as views (no copy). */
export function batchRows(b: WindowBatch, start: number, rows: number): WindowBatch {
  const [, T, F] = b.xShape;
  const Ty = b.yShape[1];
  return {
    x: b.x.subarray(start * T * F, (start + rows) * T * F),
    xShape: [rows, T, F],
    y: b.y.subarray(start * Ty, (start + rows) * Ty),
    yShape: [rows, Ty],
  };
}
