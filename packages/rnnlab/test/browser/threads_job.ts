/**
 * The data-parallel run the threads test makes in Chromium (threads_entry.ts) and in Node, written once against
 * the public API: a GRU on the shipped Dow Jones closes of 2019-03-25..2020-12-31 (8-day windows), one epoch.
 * A run is reduced to its losses and an FNV-1a hash of its weights' float32 bits, so "same bits" covers both.
 */
import { parsePriceCsv, sliceByDate } from 'rnnlab/data';
import { type ModelJob, type ModelResult, type PreparedData, prepareData } from 'rnnlab/forecast';

export const THREADS_RANGE = '2019-03-25:2020-12-31';

export const THREADS_JOB: ModelJob = {
  kind: 'gru',
  seed: 3,
  model: { hiddenSize: 16, numLayers: 2 },
  train: { epochs: 1, lr: 1e-3, batchSize: 16 },
};

export function withThreads(threads: number): ModelJob {
  return { ...THREADS_JOB, train: { ...THREADS_JOB.train, threads } };
}

/** The prepared data of the run, from the CSV's text. */
export function threadsData(csvText: string): PreparedData {
  return prepareData(sliceByDate(parsePriceCsv(csvText, 'dji.csv'), THREADS_RANGE), { seqLen: 8 });
}

export interface RunBits {
  trainLoss: number;
  valLoss: number;
  /** FNV-1a (32-bit, hex) over the float32 bytes of every weight, in state-dict order. */
  weightsHash: string;
  /** One weight, to see how far two runs are apart. */
  firstWeight: number;
}

export function runBits(r: ModelResult): RunBits {
  let hash = 0x811c9dc5;
  for (const t of Object.values(r.state)) {
    for (const byte of new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return {
    trainLoss: r.history[0].trainLoss,
    valLoss: r.history[0].valLoss,
    weightsHash: hash.toString(16).padStart(8, '0'),
    firstWeight: Object.values(r.state)[0].data[0],
  };
}
