/** Global switch for recording operations for autograd (like `torch.no_grad` / `torch.enable_grad`). */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with recording set to `mode`; restores the previous mode even if `fn` throws. */
function withGradMode<T>(mode: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` without recording operations; restores the previous mode even if `fn` throws. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on, also inside a `noGrad` region (like `torch.enable_grad`); restores the previous mode. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
