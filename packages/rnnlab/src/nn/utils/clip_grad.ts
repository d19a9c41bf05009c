/** Gradient clipping by global L2 norm (like `torch.nn.utils.clip_grad_norm_`). */
import type { Tensor } from '../../tensor/tensor.js';

/**
 * Scales all gradients by min(1, maxNorm / (‖g‖₂ + 1e-6)) where ‖g‖₂ is the norm of all gradients
 * concatenated; returns ‖g‖₂ (before clipping). Parameters without grad are skipped.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sq = 0;
  for (const g of grads) {
    const d = g.data;
    for (let k = 0; k < d.length; k++) sq += d[k] * d[k];
  }
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const g of grads) {
      const d = g.data;
      for (let k = 0; k < d.length; k++) d[k] *= coef;
    }
  }
  return norm;
}
