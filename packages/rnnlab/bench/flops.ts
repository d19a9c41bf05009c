/**
 * FLOPs the benchmarks count: the matrix products of a recurrent stack only. Per layer, direction and window the
 * forward is 2·T·G·H·(I_l + H) (G gate blocks: RNN 1, GRU 3, LSTM 4; I_0 the input features, I_l = D·H above),
 * a training step three times the forward (the backward is about twice it).
 */

/** Gate blocks per recurrent kind. */
export const GATES = { rnn: 1, drnn: 1, brnn: 1, lstm: 4, gru: 3 } as const;

export interface StackShape {
  /** Gate blocks (GATES[kind]). */
  G: number;
  /** Directions: 2 for a bidirectional stack. */
  D: number;
  T: number;
  /** Input features of the first layer. */
  I: number;
  H: number;
  layers: number;
}

/** Forward FLOPs of one window (one batch row) through the stack. */
export function windowForwardFlops(s: StackShape): number {
  let f = 0;
  for (let l = 0; l < s.layers; l++) f += s.D * 2 * s.T * s.G * s.H * ((l === 0 ? s.I : s.D * s.H) + s.H);
  return f;
}
