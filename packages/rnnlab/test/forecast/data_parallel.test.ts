/**
 * Data-parallel training: 2 threads train like 1 up to float rounding, are reproducible bit for bit, threads: 1 is
 * the plain loop, uneven and tiny batches split correctly, dropout is seeded per slice, failures and stops let the
 * replica threads go.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataLoader } from '../../src/data/loader.js';
import { batchLoss } from '../../src/forecast/batch_loss.js';
import {
  checkThreads,
  DataParallel,
  type ReplicaSetup,
  type ReplicaThreads,
  sliceRows,
} from '../../src/forecast/data_parallel.js';
import { type ModelJob, type ModelResult, runModelJob, runModelJobAsync } from '../../src/forecast/job.js';
import { SequenceRegressor } from '../../src/forecast/models.js';
import { prepareData } from '../../src/forecast/prepare.js';
import { reportFailure } from '../../src/forecast/replica_protocol.js';
import { gradSquaredNorm } from '../../src/nn/utils/grad_norm.js';
import { loadDataset } from '../../src/node/dataset.js';
import { nodeReplicaThreads } from '../../src/node/replicas.js';
import { manualSeed } from '../../src/tensor/random.js';

const d = prepareData(loadDataset(undefined, '2019-03-25:2020-06-30'), { seqLen: 8 });
const job: ModelJob = {
  kind: 'lstm',
  seed: 5,
  model: { hiddenSize: 12, numLayers: 2 },
  train: { epochs: 3, lr: 1e-3, batchSize: 16 },
};
const withThreads = (j: ModelJob, threads: number | undefined): ModelJob => ({
  ...j,
  train: { ...j.train, threads },
});
const run = (j: ModelJob, threads?: number): ModelResult =>
  runModelJob(d, withThreads(j, threads), { replicas: nodeReplicaThreads });

/**
 * Largest difference between two runs' weights, relative to each tensor's largest weight (Adam moves weights whose
 * gradient is mostly rounding noise by up to lr per step either way, so single small weights say little).
 */
function maxRelativeDiff(a: ModelResult, b: ModelResult): number {
  let worst = 0;
  for (const [name, t] of Object.entries(a.state)) {
    const u = b.state[name].data;
    let diff = 0;
    let scale = 0;
    t.data.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - u[i]));
      scale = Math.max(scale, Math.abs(u[i]));
    });
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

/** Everything a run computes, as bits: weights, losses, forecasts. */
function bits(r: ModelResult): unknown {
  return {
    state: Object.fromEntries(Object.entries(r.state).map(([k, t]) => [k, Array.from(t.data)])),
    losses: r.history.map((h) => [h.trainLoss, h.valLoss, h.maxGradNorm]),
    forecast: Array.from(r.forecast),
  };
}

describe('data-parallel training', () => {
  const one = run(job);

  test('threads: 1 is the plain loop, bit for bit (with or without replicas given)', () => {
    assert.deepStrictEqual(bits(run(job, 1)), bits(one));
    assert.deepStrictEqual(bits(runModelJob(d, job)), bits(one));
  });

  test('2 threads train like 1 up to float rounding, and twice give the same bits', () => {
    const two = run(job, 2);
    assert.deepStrictEqual(bits(run(job, 2)), bits(two), 'reproducible for a given thread count');
    assert.notDeepStrictEqual(bits(two), bits(one), 'another summation order changes the last bits');
    two.history.forEach((h, i) => {
      const o = one.history[i];
      assert.ok(Math.abs(h.trainLoss - o.trainLoss) <= 1e-5 * o.trainLoss, `epoch ${i + 1} train loss`);
      assert.ok(Math.abs(h.valLoss - o.valLoss) <= 1e-5 * o.valLoss, `epoch ${i + 1} val loss`);
    });
    const diff = maxRelativeDiff(two, one);
    assert.ok(diff <= 1e-5, `weights differ by ${diff} (relative)`);
  });

  test('3 threads on uneven batches, and a last batch with fewer rows than threads, for every model kind', () => {
    // 17 rows per batch split 6/6/5; the training windows leave a remainder batch that may have 1 or 2 rows.
    for (const kind of ['drnn', 'brnn', 'gru'] as const) {
      const j: ModelJob = {
        ...job,
        kind,
        model: { hiddenSize: 8, numLayers: 2 },
        train: { ...job.train, epochs: 1, batchSize: 17 },
      };
      const a = run(j, 1);
      const b = run(j, 3);
      assert.ok(maxRelativeDiff(b, a) <= 1e-5, kind);
      assert.ok(
        Math.abs(b.history[0].trainLoss - a.history[0].trainLoss) <= 1e-5 * a.history[0].trainLoss,
        kind,
      );
    }
  });

  test('dropout: every slice draws its own masks from a per-batch seed, reproducibly', () => {
    const j: ModelJob = { ...job, model: { ...job.model, dropout: 0.3 }, train: { ...job.train, epochs: 1 } };
    const a = run(j, 2);
    assert.deepStrictEqual(bits(run(j, 2)), bits(a));
    assert.notDeepStrictEqual(bits(run(j, 1)), bits(a));
    assert.ok(Number.isFinite(a.history[0].trainLoss));
  });

  test("one batch on 3 threads: the whole batch's loss and gradient within rounding; the norm of the sum", () => {
    manualSeed(1);
    const model = new SequenceRegressor({ kind: 'gru', hiddenSize: 8, numLayers: 2 });
    const [b] = new DataLoader(d.windows, { batchSize: 20, indices: d.split.train.windows });
    const [loss, count] = batchLoss(model, b, 'all-positions');
    const whole = loss.item();
    loss.backward();
    const expected = model.parameters().map((p) => Float32Array.from(p.grad!.data));
    for (const p of model.parameters()) p.grad!.zero_();
    const dp = new DataParallel(model, 'all-positions', 3, nodeReplicaThreads, { rows: 20, T: 8, F: 1 });
    try {
      const [value, n, sq] = dp.gradient(b);
      assert.equal(n, count);
      assert.ok(Math.abs(value - whole) <= 1e-6 * whole, `${value} vs ${whole}`);
      let norm = 0;
      model.parameters().forEach((p, j) => {
        // Within 1e-5 of the tensor's largest gradient: the slices sum rows in another order.
        const scale = Math.max(...expected[j].map(Math.abs));
        p.grad!.data.forEach((v, i) => {
          norm += v * v;
          assert.ok(
            Math.abs(v - expected[j][i]) <= 1e-5 * scale,
            `param ${j}[${i}]: ${v} vs ${expected[j][i]}`,
          );
        });
      });
      // The same function the one-thread loop uses, on the summed gradients; within f64 rounding of a plain sum.
      assert.equal(sq, gradSquaredNorm(model.parameters()));
      assert.ok(Math.abs(sq - norm) <= 1e-12 * norm, `${sq} vs ${norm}`);
    } finally {
      dp.close();
    }
  });

  test('rows are split into contiguous slices, the larger ones first', () => {
    assert.deepEqual(
      [0, 1, 2].map((k) => sliceRows(17, 3, k)),
      [
        { start: 0, rows: 6 },
        { start: 6, rows: 6 },
        { start: 12, rows: 5 },
      ],
    );
    assert.deepEqual(
      [0, 1, 2].map((k) => sliceRows(1, 3, k).rows),
      [1, 0, 0],
    );
  });

  test('bad thread counts and a missing way to start threads are refused with the fix', () => {
    assert.throws(() => checkThreads(0), /threads must be an integer from 1 to 256, got 0/);
    assert.throws(() => checkThreads(2.5), /got 2\.5/);
    assert.throws(() => runModelJob(d, withThreads(job, 0)), /threads must be an integer from 1 to 256/);
    assert.throws(
      () => runModelJob(d, withThreads(job, 2)),
      /training on 2 threads needs a way to start them: pass replicas \(nodeReplicaThreads/,
    );
  });

  test("a replica's failure is rethrown by the driving thread with its message, and every thread is let go", () => {
    let released = 0;
    const failing: ReplicaThreads = {
      start(setup: ReplicaSetup) {
        reportFailure(setup, new RangeError('no memory for the replica'));
        return { release: () => released++ };
      },
    };
    assert.throws(
      () => runModelJob(d, withThreads(job, 3), { replicas: failing }),
      /data-parallel training: thread 1 failed: RangeError: no memory for the replica/,
    );
    assert.equal(released, 2);
  });

  test('a stopped asynchronous run lets its replica threads go', async () => {
    let released = 0;
    const counting: ReplicaThreads = {
      start(setup) {
        const h = nodeReplicaThreads.start(setup);
        return {
          release() {
            released++;
            h.release();
          },
        };
      },
    };
    let steps = 0;
    const stop = new Error('stop');
    await assert.rejects(
      runModelJobAsync(d, withThreads(job, 2), {
        replicas: counting,
        between: () => {
          if (++steps === 3) throw stop;
        },
      }),
      (e) => e === stop,
    );
    assert.equal(released, 1);
  });
});
