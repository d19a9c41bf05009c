/**
 * The tutorial's mistakes as scenarios: each does what it says to the data (checked against the raw series by
 * date, not against the code's own arithmetic), the all-position forecasts line up with the days they predict,
 * and a real small training run on the shipped Dow Jones series shows the mistakes flattering the scores.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tensor } from 'rnnlab';
import {
  evalSet,
  type ModelJob,
  type ModelKind,
  type ModelResult,
  runModelJob,
  type SequenceRegressor,
} from 'rnnlab/forecast';
import { loadDataset } from 'rnnlab/node';
import {
  allPositionForecast,
  allPositionTargets,
  aloneScenarios,
  buildScenario,
  MISTAKE_INFO,
  type Scenario,
  type ScenarioRow,
  scoreScenario,
  summarizeScenario,
} from '../src/mistakes.js';
import { MISTAKES } from '../src/settings.js';
import { trainedModel } from '../src/trained_model.js';
import { changeOf, renderMistakes } from '../src/ui/mistakes_view.js';

const series = loadDataset(); // the tutorial's window: 1257 days, 2019-03-25 .. 2024-03-20
const T = 16;
const cfg = { seqLen: T };
const closeOn = new Map(series.dates.map((d, i) => [d, series.columns.close[i]]));
const n = series.rows;

const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);
const meanOf = (v: ArrayLike<number>) => sum(v) / v.length;
const sdOf = (v: ArrayLike<number>) => {
  const m = meanOf(v);
  return Math.sqrt(Array.from(v).reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
const close = (a: number, b: number, rel = 1e-9) =>
  Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

describe('MISTAKE_INFO', () => {
  test('every mistake has a label, what the tutorial does and what it does to the numbers', () => {
    assert.deepEqual(Object.keys(MISTAKE_INFO).sort(), [...MISTAKES].sort());
    for (const m of MISTAKES) {
      const i = MISTAKE_INFO[m];
      assert.ok(i.label.length > 0 && i.tutorial.length > 20 && i.effect.length > 20, m);
    }
  });
});

describe('buildScenario', () => {
  const right = buildScenario(series, cfg, []);

  test('done right: ids, labels, engine defaults, nothing to score specially', () => {
    assert.equal(right.id, 'right');
    assert.equal(right.label, 'Done right');
    assert.deepEqual(right.mistakes, []);
    for (const k of ['drnn', 'brnn', 'lstm', 'gru'] as const) {
      assert.equal(right.jobTarget(k), undefined);
      assert.equal(right.scoreAllPositions(k), false);
    }
    assert.equal(right.dateLabels, 'dates');
    // Plain data: it survives a structured clone unchanged (it is posted to Web Workers).
    assert.deepEqual(structuredClone(right.data), right.data);
  });

  test('reversed: the closes run newest first under the ascending dates, which then label positions', () => {
    const sc = buildScenario(series, cfg, ['reversed'], 'reversed');
    assert.deepEqual(sc.data.dates, series.dates);
    assert.equal(sc.data.prices[0], closeOn.get('2024-03-20'));
    assert.equal(sc.data.prices[n - 1], closeOn.get('2019-03-25'));
    for (let p = 0; p < n; p++) {
      assert.equal(sc.data.prices[p], series.columns.close[n - 1 - p]);
      assert.equal(sc.valueDates![p], series.dates[n - 1 - p]);
    }
    // Window 0's inputs are the 16 newest closes, newest first; its last target is the 17th newest.
    const sd = sc.data.targetScaler as { mean: number; std: number };
    for (let t = 0; t < T; t++)
      assert.ok(close(sc.data.windows.x[t] * sd.std + sd.mean, series.columns.close[n - 1 - t]));
    assert.equal(sc.dateLabels, 'positions');
    assert.equal(sc.label, 'Time-reversed series alone');
    assert.match(sc.notes[0], /hold the closes of 2019-/);
    assert.equal(sc.reusesRight, false);
  });

  test('reversed with log returns: row p holds the return of the days n−1−p−1 → n−1−p of the real series', () => {
    const sc = buildScenario(series, { ...cfg, target: 'log_return' }, ['reversed']);
    assert.equal(sc.data.dates.length, n - 1);
    assert.equal(sc.valueDates![0], series.dates[n - 2]);
    const sd = sc.data.targetScaler as { mean: number; std: number };
    const c = series.columns.close;
    assert.ok(close(sc.data.windows.x[0] * sd.std + sd.mean, Math.log(c[n - 2] / c[n - 1])));
  });

  test('trainAsVal: validation and the scored test windows are the training windows', () => {
    const sc = buildScenario(series, cfg, ['trainAsVal'], 'trainAsVal');
    const train = right.data.split.train.windows;
    assert.deepEqual(evalSet(sc.data, 'test').ids, train);
    assert.deepEqual(evalSet(sc.data, 'val').ids, train);
    assert.deepEqual(sc.data.split.train.windows, train);
    // Every scored target day is a training day; the scalers are the right ones (fitted on the same days).
    const test = evalSet(sc.data, 'test');
    assert.ok(test.dates.every((d) => d <= right.data.dates[right.data.split.trainEnd - 1]));
    assert.equal(test.actual[0], closeOn.get(series.dates[T]));
    assert.deepEqual(sc.data.scalers, right.data.scalers);
    assert.deepEqual(sc.data.windows, right.data.windows);
  });

  test('leakyScaler: the scaler is fitted on every day; done right on the training days only', () => {
    const sc = buildScenario(series, cfg, ['leakyScaler']);
    const leaky = sc.data.targetScaler as { mean: number; std: number };
    const fair = right.data.targetScaler as { mean: number; std: number };
    const all = series.columns.close;
    const trainDays = all.subarray(0, right.data.split.trainEnd);
    assert.ok(close(leaky.mean, meanOf(all)) && close(leaky.std, sdOf(all)));
    assert.ok(close(fair.mean, meanOf(trainDays)) && close(fair.std, sdOf(trainDays)));
    assert.ok(leaky.mean - fair.mean > 500, 'the test period (2023–24) is higher than the training days');
    assert.deepEqual(sc.data.split, right.data.split);
  });

  test('brnnAllPositions: only the BRNN trains on every position and is scored on every position', () => {
    const sc = buildScenario(series, cfg, ['brnnAllPositions']);
    assert.equal(sc.jobTarget('brnn'), 'all-positions');
    for (const k of ['drnn', 'lstm', 'gru'] as const) {
      assert.equal(sc.jobTarget(k), undefined);
      assert.equal(sc.scoreAllPositions(k), false);
    }
    assert.equal(sc.scoreAllPositions('brnn'), true);
    assert.deepEqual(sc.data, right.data);
  });

  test('biasBug alone changes only the scoring; all mistakes: canonical order, id "mistakes"', () => {
    const bias = buildScenario(series, cfg, ['biasBug']);
    assert.equal(bias.reusesRight, true);
    assert.deepEqual(bias.data, right.data);
    const all = buildScenario(series, cfg, [
      'biasBug',
      'reversed',
      'leakyScaler',
      'trainAsVal',
      'brnnAllPositions',
    ]);
    assert.equal(all.id, 'mistakes');
    assert.deepEqual(all.mistakes, MISTAKES);
    assert.equal(all.notes.length, 3);
    assert.deepEqual(
      aloneScenarios(series, cfg, ['leakyScaler', 'reversed']).map((s) => s.id),
      ['reversed', 'leakyScaler'],
    );
    assert.throws(() => buildScenario(series, cfg, ['sorted' as never]), /unknown mistake 'sorted'/);
  });
});

/** A stand-in for a trained model whose output at every position is `out(x)` (model-free index checks). */
function stubModel(out: (x: Float32Array, shape: readonly number[]) => Float32Array): SequenceRegressor {
  return {
    config: { outputSize: 1 },
    training: false,
    eval() {},
    train() {},
    forward: (x: { data: Float32Array; shape: readonly number[] }) =>
      tensor(out(x.data, x.shape), [...x.shape]),
  } as unknown as SequenceRegressor;
}

describe('allPositionForecast', () => {
  test('close target: an identity model forecasts each day with the close of the day before, by date', () => {
    const sc = buildScenario(series, cfg, ['brnnAllPositions']);
    const d = sc.data;
    const s = evalSet(d, 'test');
    const f = allPositionForecast(
      d,
      stubModel((x) => x),
      s,
      7,
    );
    const t = allPositionTargets(d, s);
    assert.equal(f.length, s.ids.length * T);
    for (let i = 0; i < s.ids.length; i++) {
      const first = s.ends[i] - (T - 1); // the window's first input day
      for (let t0 = 0; t0 < T; t0++) {
        const k = i * T + t0;
        const predicted = d.dates[first + t0 + 1];
        const before = d.dates[first + t0];
        assert.equal(t.actual[k], closeOn.get(predicted));
        assert.equal(t.previous[k], closeOn.get(before));
        // Position t's input is the close of day first + t: the identity model "forecasts" it (within float32).
        assert.ok(close(f[k], closeOn.get(before)!, 1e-6), `${i},${t0}`);
      }
      // The last position predicts the engine's step-1 target day.
      assert.equal(d.dates[t.days[i * T + T - 1]], s.dates[i]);
    }
  });

  test('log-return target: a model emitting the true next-day return forecasts every close exactly', () => {
    const sc = buildScenario(series, { ...cfg, target: 'log_return' }, ['brnnAllPositions']);
    const d = sc.data;
    const s = evalSet(d, 'test');
    const sd = d.targetScaler as { mean: number; std: number };
    // The oracle: at window position t, ln(close[next day] / close[that day]) from the raw series, scaled.
    const truth = new Float32Array(s.ids.length * T);
    for (let i = 0; i < s.ids.length; i++)
      for (let t0 = 0; t0 < T; t0++) {
        const day = s.ends[i] - (T - 1) + t0;
        const r = Math.log(closeOn.get(d.dates[day + 1])! / closeOn.get(d.dates[day])!);
        truth[i * T + t0] = (r - sd.mean) / sd.std;
      }
    let offset = 0;
    const oracle = stubModel((_, shape) => {
      const out = truth.slice(offset, offset + shape[0] * T);
      offset += shape[0] * T;
      return out;
    });
    const f = allPositionForecast(d, oracle, s, 50);
    const t = allPositionTargets(d, s);
    for (let k = 0; k < f.length; k++)
      assert.ok(close(f[k], t.actual[k], 1e-6), `${k}: ${f[k]} vs ${t.actual[k]}`);
  });
});

describe('a real run on the Dow Jones series (GRU and BRNN, hidden 8, 10 epochs)', () => {
  const train = { epochs: 10, lr: 1e-2, batchSize: 16 };
  const unit = 'index points';
  /** Trains `kinds` × `seeds` on a scenario and scores it as it scores itself. */
  const play = (sc: Scenario, kinds: ModelKind[], seeds: number[]) => {
    const runs: ModelResult[] = [];
    const all = new Map<string, Float64Array>();
    const models = new Map<string, SequenceRegressor>();
    for (const kind of kinds)
      for (const seed of seeds) {
        const job: ModelJob = {
          kind,
          seed,
          model: { hiddenSize: 8, numLayers: 1 },
          train,
          target: sc.jobTarget(kind),
        };
        const r = runModelJob(sc.data, job);
        runs.push(r);
        if (sc.scoreAllPositions(kind)) {
          const model = trainedModel(r); // as the worker rebuilds it
          models.set(`${kind}:${seed}`, model);
          all.set(`${kind}:${seed}`, allPositionForecast(sc.data, model, evalSet(sc.data, 'test')));
        }
      }
    const rows = scoreScenario(sc, summarizeScenario(sc, runs, seeds, unit), runs, all);
    return { runs, all, rows, models };
  };
  const row = (rows: ScenarioRow[], name: string) => rows.find((r) => r.name === name)!;

  const right = buildScenario(series, cfg, []);
  const asVal = buildScenario(series, cfg, ['trainAsVal'], 'trainAsVal');
  const allPos = buildScenario(series, cfg, ['brnnAllPositions'], 'brnnAllPositions');
  const R = play(right, ['gru', 'brnn'], [0, 1]);
  const V = play(asVal, ['gru'], [0, 1]);
  const A = play(allPos, ['brnn'], [0, 1]);

  /** Step-1 actual closes of the scenario's test windows, from the raw series by date. */
  const actualOf = (sc: Scenario) => Array.from(evalSet(sc.data, 'test').dates, (d) => closeOn.get(d)!);
  const ensemble = (runs: ModelResult[], kind: ModelKind) => {
    const rs = runs.filter((r) => r.kind === kind);
    return Array.from(rs[0].forecast, (_, i) => meanOf(rs.map((r) => r.forecast[i])));
  };

  test('done right: MAE, naive MAE and their ratio as computed here from the raw closes', () => {
    const y = actualOf(right);
    const s = evalSet(right.data, 'test');
    const naive = Array.from(s.ends, (e) => closeOn.get(right.data.dates[e])!);
    const f = ensemble(R.runs, 'gru');
    const mae = meanOf(y.map((v, i) => Math.abs(v - f[i])));
    const naiveMae = meanOf(y.map((v, i) => Math.abs(v - naive[i])));
    const g = row(R.rows, 'gru');
    assert.ok(close(g.mae, mae) && close(g.naiveMae, naiveMae) && close(g.ratio, mae / naiveMae));
    assert.equal(g.n, y.length);
    assert.equal(g.positions, 'last');
    assert.deepEqual(
      R.rows.map((r) => r.name),
      ['brnn', 'gru', 'naive'],
    );
    assert.equal(row(R.rows, 'naive').ratio, 1);
  });

  test('trainAsVal scores in-sample: a lower MAE/naive than done right', () => {
    const g = row(V.rows, 'gru');
    const y = actualOf(asVal);
    const f = ensemble(V.runs, 'gru');
    assert.equal(g.n, right.data.split.train.windows.length);
    assert.ok(close(g.mae, meanOf(y.map((v, i) => Math.abs(v - f[i])))));
    assert.ok(g.ratio < row(R.rows, 'gru').ratio, `${g.ratio} vs ${row(R.rows, 'gru').ratio}`);
  });

  test('brnnAllPositions: every position scored, the answer read; a lower MAE/naive than done right', () => {
    const b = row(A.rows, 'brnn');
    const s = evalSet(allPos.data, 'test');
    const N = s.ids.length;
    assert.equal(b.n, N * T);
    assert.equal(b.positions, 'all');
    // The trained runs are all-position runs, and position T−1 is the engine's own one-step forecast.
    for (const r of A.runs) {
      assert.equal(r.target, 'all-positions');
      const f = A.all.get(`brnn:${r.seed}`)!;
      for (let i = 0; i < N; i++) assert.ok(close(f[i * T + T - 1], r.forecast[i], 1e-9));
    }
    // MAE of the seed ensemble over every position against the raw closes of the predicted days.
    const f0 = A.all.get('brnn:0')!;
    const f1 = A.all.get('brnn:1')!;
    let err = 0;
    let naiveErr = 0;
    const lastErr = { model: 0, naive: 0 };
    const earlyErr = { model: 0, naive: 0 };
    for (let i = 0; i < N; i++)
      for (let t = 0; t < T; t++) {
        const day = s.ends[i] - (T - 1) + t + 1;
        const y = closeOn.get(allPos.data.dates[day])!;
        const e = Math.abs(y - (f0[i * T + t] + f1[i * T + t]) / 2);
        const en = Math.abs(y - closeOn.get(allPos.data.dates[day - 1])!);
        err += e;
        naiveErr += en;
        const bucket = t === T - 1 ? lastErr : earlyErr;
        bucket.model += e;
        bucket.naive += en;
      }
    assert.ok(close(b.mae, err / (N * T)) && close(b.naiveMae, naiveErr / (N * T)));
    // Where the backward direction has read the answer (t < T−1), the error relative to naive is far smaller.
    assert.ok(earlyErr.model / earlyErr.naive < lastErr.model / lastErr.naive / 2);
    assert.ok(b.ratio < row(R.rows, 'brnn').ratio, `${b.ratio} vs ${row(R.rows, 'brnn').ratio}`);
  });

  test("biasBug: the tutorial's n×n broadcast sum is n·(Σy − Σŷ); the signed sum is Σ(y − ŷ)", () => {
    const g = row(R.rows, 'gru');
    const y = actualOf(right);
    const f = ensemble(R.runs, 'gru');
    let broadcast = 0; // torch.sum(x[seq_len:] - preds[:, seq_len-1]) with x (n,), preds (n, 1): (n, n)
    for (let i = 0; i < f.length; i++) for (let j = 0; j < y.length; j++) broadcast += y[j] - f[i];
    const signed = sum(y.map((v, i) => v - f[i]));
    assert.ok(close(g.tutorialBias, broadcast, 1e-7), `${g.tutorialBias} vs ${broadcast}`);
    assert.ok(close(g.tutorialBias, y.length * (sum(y) - sum(f)), 1e-7));
    assert.ok(close(g.bias, signed, 1e-7));
    // A signed sum lets errors cancel: |Σ(y − ŷ)| is below Σ|y − ŷ| = n·MAE.
    assert.ok(Math.abs(g.bias) < g.mae * g.n);
  });

  test('scoreScenario names what is missing or inconsistent', () => {
    const summary = summarizeScenario(allPos, A.runs, [0, 1], unit);
    assert.throws(() => scoreScenario(allPos, summary, A.runs, new Map()), /allPositions has no 'brnn:0'/);
    assert.throws(
      () => scoreScenario(right, summary, A.runs, A.all),
      /trained on all-positions but scenario 'right' trains it on last-position/,
    );
    assert.throws(
      () => scoreScenario(asVal, summary, A.runs, A.all),
      /summary scores \d+ test windows but scenario 'trainAsVal' has \d+/,
    );
  });

  test('the view renders the comparison as an accessible table', () => {
    const root = fakeDocument().createElement('div');
    const wrong = [row(V.rows, 'gru'), row(A.rows, 'brnn'), row(V.rows, 'naive')];
    renderMistakes(
      root as unknown as HTMLElement,
      R.rows,
      wrong,
      ['trainAsVal', 'brnnAllPositions', 'biasBug'],
      unit,
      [
        { mistake: 'trainAsVal', rows: V.rows },
        { mistake: 'brnnAllPositions', rows: A.rows },
      ],
    );
    const tables = root.findAll('table');
    assert.equal(tables.length, 2);
    const [main, alone] = tables;
    assert.match(main.find('caption')!.text(), /index points/);
    const heads = main.findAll('th');
    assert.ok(heads.every((h) => ['col', 'row', 'colgroup'].includes(h.attributes.scope)));
    assert.ok(heads.some((h) => h.text() === 'MAE (index points)'));
    assert.ok(heads.some((h) => /Tutorial’s printed/.test(h.text())));
    const rows = main.find('tbody')!.findAll('tr');
    assert.deepEqual(
      rows.map((r) => r.find('th')!.text()),
      ['Bidirectional RNN', 'GRU', 'Naive (last value)'],
    );
    const gruCells = rows[1].findAll('td').map((c) => c.text());
    assert.match(gruCells[4], /^flattered by \d+\.\d%$/);
    assert.equal(alone.find('caption')!.text().startsWith('Each mistake alone'), true);
    assert.equal(root.findAll('li').length, 3);
    assert.match(root.text(), /Validation on the training data/);
    // Without biasBug there are no bias columns.
    renderMistakes(root as unknown as HTMLElement, R.rows, wrong, ['trainAsVal'], unit);
    assert.ok(!root.findAll('th').some((h) => /Tutorial’s printed/.test(h.text())));
  });
});

describe('changeOf', () => {
  const r = (ratio: number) => ({ ratio }) as ScenarioRow;
  test('words the change of MAE/naive', () => {
    assert.deepEqual(changeOf(r(1.2), r(0.9)), { text: 'flattered by 25.0%', cls: 'flattered' });
    assert.deepEqual(changeOf(r(1), r(1.5)), { text: 'worse by 50.0%', cls: 'worse' });
    assert.deepEqual(changeOf(r(1), r(1.0001)), { text: 'no change', cls: 'same' });
  });
});

/** Just enough of a DOM for the view: elements with children, attributes, class and text. */
interface FakeElement {
  tagName: string;
  className: string;
  attributes: Record<string, string>;
  children: Array<FakeElement | string>;
  ownerDocument: FakeDocument;
  append(...c: Array<FakeElement | string>): void;
  replaceChildren(...c: Array<FakeElement | string>): void;
  setAttribute(k: string, v: string): void;
  text(): string;
  findAll(tag: string): FakeElement[];
  find(tag: string): FakeElement | undefined;
}
interface FakeDocument {
  createElement(tag: string): FakeElement;
}
function fakeDocument(): FakeDocument {
  const doc: FakeDocument = {
    createElement(tag) {
      const e: FakeElement = {
        tagName: tag.toUpperCase(),
        className: '',
        attributes: {},
        children: [],
        ownerDocument: doc,
        append: (...c) => e.children.push(...c),
        replaceChildren: (...c) => {
          e.children = [...c];
        },
        setAttribute: (k, v) => {
          e.attributes[k] = v;
        },
        text: () => e.children.map((c) => (typeof c === 'string' ? c : c.text())).join(''),
        findAll: (t) =>
          e.children.flatMap((c) =>
            typeof c === 'string' ? [] : [...(c.tagName === t.toUpperCase() ? [c] : []), ...c.findAll(t)],
          ),
        find: (t) => e.findAll(t)[0],
      };
      return e;
    },
  };
  return doc;
}
