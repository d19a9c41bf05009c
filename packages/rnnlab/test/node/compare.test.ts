/**
 * runJobs: a pool of worker threads gives the results of the in-process run bit for bit, in job order, with every
 * epoch event and the last batch event of each epoch; a failing job rejects with its model and message.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobEvent, ModelJob, ModelResult } from '../../src/forecast/job.js';
import { prepareData } from '../../src/forecast/prepare.js';
import { runJobs } from '../../src/node/compare.js';
import { loadDataset } from '../../src/node/dataset.js';

const d = prepareData(loadDataset(undefined, '2019-03-25:2020-06-30'), { seqLen: 8 });
const job = (kind: ModelJob['kind'], seed: number): ModelJob => ({
  kind,
  seed,
  model: { hiddenSize: 8, numLayers: 2 },
  train: { epochs: 2, lr: 1e-3, batchSize: 16 },
});
// Three jobs on two workers: one worker runs two of them, one after the other.
const jobs = [job('lstm', 1), job('gru', 2), job('drnn', 3)];

const bits = (r: ModelResult) => ({
  kind: r.kind,
  seed: r.seed,
  state: Object.fromEntries(Object.entries(r.state).map(([k, t]) => [k, Array.from(t.data)])),
  history: r.history.map((h) => [h.trainLoss, h.valLoss, h.maxGradNorm]),
  forecast: Array.from(r.forecast),
});

describe('runJobs', () => {
  test('2 workers give the in-process results bit for bit, in job order, with the epoch events', async () => {
    const events: JobEvent[] = [];
    const pooled = await runJobs(d, jobs, 2, (e) => events.push(e));
    const inline = await runJobs(d, jobs, 0);
    assert.deepStrictEqual(pooled.map(bits), inline.map(bits));
    assert.deepStrictEqual(
      pooled.map((r) => r.kind),
      ['lstm', 'gru', 'drnn'],
    );
    for (const j of jobs) {
      const mine = events.filter((e) => e.kind === j.kind && e.seed === j.seed);
      const epochs = mine.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.record.epoch);
      assert.deepStrictEqual(epochs, [1, 2], `${j.kind}: every epoch event`);
      const lastBatches = mine.filter((e) => e.type === 'batch' && e.batch === e.batches);
      assert.equal(lastBatches.length, 2, `${j.kind}: the last batch of each epoch`);
    }
  });

  test('a failing job rejects with its model and the reason, and the other workers are let go', async () => {
    const bad: ModelJob = { ...job('gru', 9), model: { hiddenSize: 0, numLayers: 2 } };
    await assert.rejects(runJobs(d, [job('lstm', 1), bad], 2), /^Error: gru: .*hidden/i);
  });
});
