/** A model run driven synchronously, asynchronously with pauses, and stopped: same numbers, clean stop. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evalSet } from '../../src/forecast/evaluation.js';
import { forecastPrices, type ModelJob, runModelJob, runModelJobAsync } from '../../src/forecast/job.js';
import { prepareData } from '../../src/forecast/prepare.js';
import { loadDataset } from '../../src/node/dataset.js';

const d = prepareData(loadDataset(undefined, '2019-03-25:2020-06-30'), { seqLen: 8 });
const job: ModelJob = {
  kind: 'gru',
  seed: 3,
  model: { hiddenSize: 8, numLayers: 1 },
  train: { epochs: 2, lr: 1e-3, batchSize: 16 },
};
const batches = Math.ceil(d.split.train.windows.length / 16);

describe('runModelJobAsync', () => {
  test('gives control back after every optimizer step and ends with the numbers of runModelJob', async () => {
    const sync = runModelJob(d, job);
    let calls = 0;
    const valForecasts: Float64Array[] = [];
    const r = await runModelJobAsync(d, job, {
      between: async () => {
        calls++;
        if (calls % 7 === 0) await new Promise((ok) => setTimeout(ok, 1)); // a pause
      },
      onEpochModel: (model) => valForecasts.push(forecastPrices(d, model, evalSet(d, 'val'))),
    });
    assert.equal(calls, 2 * batches);
    assert.deepEqual(r.forecast, sync.forecast);
    assert.deepEqual(
      r.history.map((h) => h.valLoss),
      sync.history.map((h) => h.valLoss),
    );
    assert.deepEqual(r.state['gru.weight_hh_l0'].data, sync.state['gru.weight_hh_l0'].data);
    // The hook's last forecast of the validation period is the run's own (forecasting in it changed nothing).
    assert.equal(valForecasts.length, 2);
    assert.deepEqual(valForecasts[1], sync.valForecast);
    assert.notDeepEqual(valForecasts[0], valForecasts[1]);
  });

  test('an error thrown by between stops the run and is rethrown', async () => {
    let calls = 0;
    const stop = new Error('stopped by the user');
    await assert.rejects(
      runModelJobAsync(d, job, {
        between: () => {
          if (++calls === 5) throw stop;
        },
      }),
      (e) => e === stop,
    );
    assert.equal(calls, 5);
  });

  test("target 'all-positions' trains a BRNN on every position (the tutorial's mistake), unlike the default", () => {
    const brnn: ModelJob = { ...job, kind: 'brnn', train: { ...job.train, epochs: 1 } };
    const right = runModelJob(d, brnn);
    const leaky = runModelJob(d, { ...brnn, target: 'all-positions' });
    assert.equal(right.target, 'last-position');
    assert.equal(leaky.target, 'all-positions');
    assert.notDeepEqual(right.forecast, leaky.forecast);
  });
});
