/** Training loop behaviour: divergence stops with advice, early stopping restores the best weights, clipping, seeds. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataLoader } from '../../src/data/loader.js';
import { SequenceRegressor } from '../../src/forecast/models.js';
import { prepareData } from '../../src/forecast/prepare.js';
import { evaluateLoss, type FitOptions, fit, type WindowBatch } from '../../src/forecast/train.js';
import { manualSeed } from '../../src/index.js';
import { loadDataset } from '../../src/node/dataset.js';
import { Generator } from '../../src/tensor/random.js';

const series = loadDataset(undefined, '2019-03-25:2020-12-31');
const d = prepareData(series, { seqLen: 8 });
const trainLoader = new DataLoader(d.windows, {
  batchSize: 16,
  shuffle: true,
  generator: new Generator(1),
  indices: d.split.train.windows,
});
const val: WindowBatch[] = [...new DataLoader(d.windows, { batchSize: 64, indices: d.split.val.windows })];

describe('fit', () => {
  test('raw prices with a huge learning rate diverge and the message says what to try', () => {
    const raw = prepareData(series, { seqLen: 8, scaler: 'none' });
    manualSeed(0);
    const m = new SequenceRegressor({ kind: 'drnn', hiddenSize: 8, numLayers: 1, nonlinearity: 'relu' });
    const loader = new DataLoader(raw.windows, { batchSize: 16, indices: raw.split.train.windows });
    const r = fit(m, () => loader, [], { epochs: 3, lr: 10, target: 'all-positions', maxGradNorm: 1e4 });
    assert.equal(r.diverged, true);
    assert.match(r.stopReason, /^DRNN diverged at epoch 1, batch \d+: (loss|gradient norm)/);
    assert.match(
      r.stopReason,
      /normalizing the inputs \(--scaler zscore\).*lower learning rate.*clipping \(--clip 1\).*relu/,
    );
  });

  test('early stopping restores the weights of the best validation epoch', () => {
    manualSeed(1);
    const m = new SequenceRegressor({ kind: 'gru', hiddenSize: 8, numLayers: 1 });
    // A learning rate high enough that validation loss does not improve monotonically.
    const r = fit(m, () => trainLoader, val, { epochs: 12, lr: 0.05, target: 'all-positions', patience: 2 });
    const best = r.history.reduce((a, h) => (h.valLoss < a.valLoss ? h : a));
    assert.equal(r.bestEpoch, best.epoch);
    if (r.history.length < 12)
      assert.match(
        r.stopReason,
        /early stopping at epoch \d+: no validation improvement for 2 epochs; restored epoch \d+/,
      );
    const now = evaluateLoss(m, val, 'all-positions');
    assert.ok(
      Math.abs(now - best.valLoss) <= 1e-6 * best.valLoss,
      `restored model scores ${now}, best epoch had ${best.valLoss}`,
    );
  });

  test('clipping bounds the gradient norm each step; recorded norms are pre-clip', () => {
    manualSeed(2);
    const m = new SequenceRegressor({ kind: 'lstm', hiddenSize: 8, numLayers: 1 });
    const r = fit(m, () => trainLoader, val, { epochs: 1, lr: 1e-3, target: 'all-positions', clip: 1e-3 });
    assert.ok(r.history[0].maxGradNorm > 1e-3, 'the unclipped norm exceeds the limit');
    const norm = Math.sqrt(
      m.parameters().reduce((a, p) => a + p.grad!.data.reduce((s, v) => s + v * v, 0), 0),
    );
    assert.ok(norm <= 1e-3 * (1 + 1e-4), `last clipped norm ${norm}`);
  });

  test('last-position training scores only the final step', () => {
    manualSeed(3);
    const m = new SequenceRegressor({ kind: 'brnn', hiddenSize: 4, numLayers: 1 });
    const all = evaluateLoss(m, val, 'all-positions');
    const last = evaluateLoss(m, val, 'last-position');
    assert.notEqual(all, last);
  });
});

describe('prepareData', () => {
  test('scalers are fitted on the training days only; test targets lie after every training day', () => {
    const train = d.prices.subarray(0, d.split.trainEnd);
    const mean = train.reduce((a, v) => a + v, 0) / train.length;
    const std = Math.sqrt(train.reduce((a, v) => a + (v - mean) ** 2, 0) / (train.length - 1));
    const sc = d.scalers[0] as { mean: number; std: number };
    assert.ok(Math.abs(sc.mean - mean) < 1e-9 * mean);
    assert.ok(Math.abs(sc.std - std) < 1e-9 * std);
    const all = d.prices.reduce((a, v) => a + v, 0) / d.prices.length;
    assert.ok(Math.abs(sc.mean - all) > 1, 'differs from the whole-series mean');
    const lastTrainDay = d.dates[d.split.trainEnd - 1];
    for (const r of d.split.test.windows) assert.ok(d.dates[d.windows.lastInputIndex[r] + 1] > lastTrainDay);
    for (const r of d.split.train.windows) assert.ok(d.windows.targetIndex[r] < d.split.trainEnd);
  });

  test('horizon > 1 with extra features is refused with the fix', () => {
    assert.throws(
      () => prepareData(series, { features: ['close', 'volume'], horizon: 3 }),
      /Use --features close or --horizon 1/,
    );
  });
});

describe('divergence advice', () => {
  const diverge = (kind: 'drnn' | 'gru', nonlinearity: 'tanh' | 'relu', extra: Partial<FitOptions>) => {
    manualSeed(4);
    const m = new SequenceRegressor({ kind, hiddenSize: 8, numLayers: 1, nonlinearity });
    const r = fit(m, () => trainLoader, [], {
      epochs: 3,
      lr: 10,
      target: 'all-positions',
      maxGradNorm: 100,
      ...extra,
    });
    assert.equal(r.diverged, true, `expected divergence, got: ${r.stopReason}`);
    return r.stopReason;
  };

  test('suggests only what differs from the settings: z-scored, clipped, relu DRNN', () => {
    const advice = diverge('drnn', 'relu', { scaler: 'zscore', clip: 1 });
    assert.doesNotMatch(advice, /--scaler/);
    assert.doesNotMatch(advice, /--clip 1\b/);
    assert.match(advice, /lower learning rate \(e\.g\. --lr 1\)/);
    assert.match(advice, /lower clipping threshold \(e\.g\. --clip 0\.1\)/);
    assert.match(advice, /--nonlinearity tanh\)$/);
  });

  test('min-max scaled, unclipped GRU: clipping is suggested, scaling and nonlinearity are not', () => {
    const advice = diverge('gru', 'tanh', { scaler: 'minmax' });
    assert.match(advice, /try a lower learning rate \(e\.g\. --lr 1\) or gradient clipping \(--clip 1\)$/);
  });
});
