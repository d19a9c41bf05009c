/**
 * The computation the browser test runs in Chromium (main thread, Web Worker, with and without a bundler) and in
 * Node, written once against the public API (`rnnlab`, `rnnlab/data`) so every runtime executes the same code.
 *
 * The seed tutorial's setup, shortened to a few steps: Dow Jones closes of 2019-03-25..2024-03-20, z-scored with
 * their own mean and std, cut into 16-day windows (x = days r..r+15, y = days r+1..r+16); the first STEPS batches
 * of BATCH windows in order (no shuffle); LSTM(1, 64, 2, batchFirst) → Linear(64, 1); MSE; Adam (lr 1e-3).
 * Returns every step's loss and an FNV-1a hash of the trained parameters' float32 bits, so "same bits" covers the
 * weights too.
 */
import { kernelBuild, manualSeed, nn, optim, tensor } from 'rnnlab';
import {
  DataLoader,
  makeWindows,
  parsePriceCsv,
  StandardScaler,
  seriesColumn,
  sliceByDate,
} from 'rnnlab/data';

export const TUTORIAL_RANGE = '2019-03-25:2024-03-20';
export const SEQ_LEN = 16;
export const BATCH = 64;
export const STEPS = 4;
export const SEED = 0;

export interface TutorialSteps {
  /** The kernel build that ran ('relaxed-simd' or 'simd'). */
  kernelBuild: string;
  /** Trading days in the range and windows cut from them. */
  days: number;
  windows: number;
  /** MSE of each Adam step, before the step (`loss.item()`). */
  losses: number[];
  /** FNV-1a (32-bit, hex) over the float32 bytes of every parameter after the last step, in `namedParameters` order. */
  paramsHash: string;
}

/** Trains STEPS Adam steps on the tutorial data given as the CSV's text (see the module doc). */
export function trainTutorialSteps(csvText: string): TutorialSteps {
  const series = sliceByDate(parsePriceCsv(csvText, 'dji.csv'), TUTORIAL_RANGE);
  const close = seriesColumn(series, 'close');
  const z = new StandardScaler().fit(close).transform(close);
  const windows = makeWindows({ inputs: z, seqLen: SEQ_LEN, dates: series.dates });
  const loader = new DataLoader(windows, { batchSize: BATCH, shuffle: false });

  manualSeed(SEED);
  const lstm = new nn.LSTM(1, 64, 2, { batchFirst: true });
  const head = new nn.Linear(64, 1);
  const opt = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  const mse = new nn.MSELoss();
  const losses: number[] = [];
  for (const batch of loader) {
    if (losses.length === STEPS) break;
    const [B, T] = batch.yShape;
    opt.zeroGrad();
    const [out] = lstm.forward(tensor(batch.x, batch.xShape));
    const loss = mse.forward(head.forward(out), tensor(batch.y, [B, T, 1]));
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  let hash = 0x811c9dc5;
  for (const [, p] of [...lstm.namedParameters(), ...head.namedParameters()]) {
    const data = p.data;
    for (const byte of new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
  }
  return {
    kernelBuild,
    days: series.rows,
    windows: windows.rows,
    losses,
    paramsHash: hash.toString(16).padStart(8, '0'),
  };
}
