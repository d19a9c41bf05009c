/**
 * The seed tutorial ("进阶循环神经网络", advanced recurrent networks: PyTorch, Dow Jones closes, DRNN / BRNN / LSTM /
 * GRU) ported to rnnlab's public API, step by step, with the tutorial's flaws fixed and each fix explained where
 * it happens.
 *
 *   npm run build && node packages/rnnlab/dist/examples/tutorial.js [epochs]     (or EPOCHS=5; default 20)
 *
 * Prints the data and split, each model's parameters, one line per epoch (training and validation MSE of the four
 * models, on the z-scored series) and each model's test MAE in index points next to the naive last-value forecast.
 */
import { manualSeed, nn, noGrad, optim, type Tensor, tensor, zeros } from 'rnnlab';
import { DataLoader, makeWindows, StandardScaler, splitWindows } from 'rnnlab/data';
import { mae } from 'rnnlab/forecast';
import { loadDataset } from 'rnnlab/node';

const epochs = Number(process.argv[2] ?? process.env.EPOCHS ?? 20);
if (!Number.isInteger(epochs) || epochs < 1) {
  console.error(`tutorial: epochs must be an integer ≥ 1, got "${process.argv[2] ?? process.env.EPOCHS}".`);
  process.exit(2);
}
manualSeed(0); // one generator: parameter initialisation and the DataLoader's shuffles

// ── The four models, as in the tutorial ───────────────────────────────────────────────────────────────────────
// Modules assigned to properties register in assignment order, so namedParameters() gives PyTorch's names:
// rnn.weight_ih_l0, …, linear.weight, linear.bias. `model.forward(x)` is PyTorch's `model(x)`.

/** Deep (stacked) Elman RNN, tanh, zero initial state, a Linear head at every time step. */
class DRNN extends nn.Module {
  hiddenSize: number;
  numLayers: number;
  rnn: nn.RNN;
  linear: nn.Linear;

  constructor(inputSize: number, outputSize: number, hiddenSize: number, numLayers: number) {
    super();
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.rnn = new nn.RNN(inputSize, hiddenSize, numLayers, { batchFirst: true });
    this.linear = new nn.Linear(hiddenSize, outputSize);
  }

  /** x (B, T, input) → (B, T, output). */
  forward(x: Tensor): Tensor {
    const state = zeros([this.numLayers, x.shape[0]!, this.hiddenSize]);
    const [output] = this.rnn.forward(x, state);
    return this.linear.forward(output);
  }
}

/**
 * Bidirectional RNN: both directions' features concatenated, so the head takes 2·hidden inputs. A caveat the
 * tutorial does not mention: at every position but the last, the reverse direction has already read the next
 * day's value (position i's target is position i+1's input), so its training loss is optimistic; only the last
 * position — the one evaluated below — is an honest forecast.
 */
class BRNN extends nn.Module {
  hiddenSize: number;
  numLayers: number;
  rnn: nn.RNN;
  linear: nn.Linear;

  constructor(inputSize: number, outputSize: number, hiddenSize: number, numLayers: number) {
    super();
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.rnn = new nn.RNN(inputSize, hiddenSize, numLayers, { batchFirst: true, bidirectional: true });
    this.linear = new nn.Linear(hiddenSize * 2, outputSize);
  }

  forward(x: Tensor): Tensor {
    const state = zeros([this.numLayers * 2, x.shape[0]!, this.hiddenSize]); // one state per layer and direction
    const [output] = this.rnn.forward(x, state);
    return this.linear.forward(output);
  }
}

class LSTM extends nn.Module {
  hiddenSize: number;
  numLayers: number;
  lstm: nn.LSTM;
  linear: nn.Linear;

  constructor(inputSize: number, outputSize: number, hiddenSize: number, numLayers: number) {
    super();
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.lstm = new nn.LSTM(inputSize, hiddenSize, numLayers, { batchFirst: true });
    this.linear = new nn.Linear(hiddenSize, outputSize);
  }

  forward(x: Tensor): Tensor {
    const [output] = this.lstm.forward(x);
    return this.linear.forward(output);
  }
}

class GRU extends nn.Module {
  hiddenSize: number;
  numLayers: number;
  gru: nn.GRU;
  linear: nn.Linear;

  constructor(inputSize: number, outputSize: number, hiddenSize: number, numLayers: number) {
    super();
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.gru = new nn.GRU(inputSize, hiddenSize, numLayers, { batchFirst: true });
    this.linear = new nn.Linear(hiddenSize, outputSize);
  }

  forward(x: Tensor): Tensor {
    const [output] = this.gru.forward(x);
    return this.linear.forward(output);
  }
}

// ── Data ──────────────────────────────────────────────────────────────────────────────────────────────────────
// The tutorial: dji = pdr.DataReader('^DJI', 'stooq'). stooq returns the rows newest first and the tutorial never
// sorts them, so it trains on a time-reversed series. rnnlab's CSV reader returns rows sorted by date, ascending;
// loadDataset reads the Dow Jones file shipped with the package and keeps the tutorial's window.
const dji = loadDataset(undefined, '2019-03-25:2024-03-20');
const close = dji.columns.close!;
const num = dji.rows;
console.log(
  `data: ${num} days ${dji.dates[0]}..${dji.dates[num - 1]}, close ${close[0]!.toFixed(2)} → ${close[num - 1]!.toFixed(2)}`,
);

// ── Held-out parts and z-score ────────────────────────────────────────────────────────────────────────────────
// The tutorial has no held-out data (its "validation" loss is computed on the training batches) and normalises
// with the mean and std of the whole series: x = (x - mean(x)) / std(x), so the later prices leak into what the
// model sees while training (look-ahead). Here the 16-day windows are split chronologically (70% train, 15%
// validation, 15% test; windows straddling a boundary are dropped), and the scaler is fitted on the training days
// only. The split depends only on the number of days and seqLen, so it is computed on windows of the raw series.
const seqLen = 16;
const split = splitWindows(makeWindows({ inputs: close, seqLen }));
const scaler = new StandardScaler().fit(close.subarray(0, split.trainEnd)); // unbiased std, like torch.std
const x = scaler.transform(close);
for (const [name, part] of Object.entries({ train: split.train, val: split.val, test: split.test })) {
  console.log(
    `${name}: ${part.windows.length} windows, days ${dji.dates[part.firstDay]}..${dji.dates[part.lastDay]}`,
  );
}
console.log(
  `z-score fitted on the ${split.trainEnd} training days: mean ${scaler.mean.toFixed(2)}, std ${scaler.std.toFixed(2)}`,
);

// ── 16-day windows and the DataLoader ─────────────────────────────────────────────────────────────────────────
// X[:, i] = x[i : num-seqLen+i], Y[:, i] = x[i+1 : num-seqLen+i+1]: a next-day target at every position.
const windows = makeWindows({ inputs: x, seqLen, dates: dji.dates });
const batchSize = 16;
const trainLoader = new DataLoader(windows, { batchSize, shuffle: true, indices: split.train.windows });
const valLoader = new DataLoader(windows, { batchSize: 256, indices: split.val.windows });
const testLoader = new DataLoader(windows, { batchSize: 256, indices: split.test.windows });

// ── Models, optimizers, loss ──────────────────────────────────────────────────────────────────────────────────
const inputSize = 1;
const outputSize = 1;
const numHiddens = 64;
const nLayers = 2;
const lr = 0.001;
const modelNames = ['DRNN', 'BRNN', 'LSTM', 'GRU'];
type Model = DRNN | BRNN | LSTM | GRU;
const models: Model[] = [
  new DRNN(inputSize, outputSize, numHiddens, nLayers),
  new BRNN(inputSize, outputSize, numHiddens, nLayers),
  new LSTM(inputSize, outputSize, numHiddens, nLayers),
  new GRU(inputSize, outputSize, numHiddens, nLayers),
];
// The tutorial's comparison loop calls `trainer.zero_grad(); trainer.step()` — the optimizer of the DRNN trained
// before — instead of each model's own `optimizer`, so none of the four compared models is trained (and its
// `lr = 0.1` is set but never used). Here each model steps its own Adam.
const opts = models.map((model) => new optim.Adam(model.parameters(), { lr }));
const criterion = new nn.MSELoss({ reduction: 'none' });

models.forEach((model, i) => {
  const params = model.namedParameters();
  const shapes = params.map(([name, p]) => `${name} [${p.shape.join(', ')}]`).join(', ');
  console.log(`${modelNames[i]}: ${model.numParameters()} parameters in ${params.length} tensors: ${shapes}`);
});

/** Mean squared error per element of `model` over the batches of `loader`, without recording gradients. */
function meanLoss(model: Model, loader: DataLoader): number {
  model.eval();
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (const batch of loader) {
      const loss = criterion.forward(
        model.forward(tensor(batch.x, batch.xShape)).squeeze(-1),
        tensor(batch.y, batch.yShape),
      );
      total += loss.sum().item();
      count += loss.numel();
    }
  });
  model.train();
  return total / count;
}

// ── Training ──────────────────────────────────────────────────────────────────────────────────────────────────
// Every batch trains the four models in turn, as in the tutorial; the loss is the squared error summed over the
// batch and the 16 positions (MSELoss(reduction='none') then .sum()). The progress line shows each model's mean
// training MSE over the epoch and its MSE on the validation windows.
const started = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  const trainTotal = models.map(() => 0);
  let trainCount = 0;
  for (const batch of trainLoader) {
    const X = tensor(batch.x, batch.xShape); // (B, 16, 1)
    const Y = tensor(batch.y, batch.yShape); // (B, 16)
    models.forEach((model, i) => {
      const optimizer = opts[i]!;
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(X).squeeze(-1), Y);
      const total = loss.sum();
      total.backward();
      optimizer.step();
      trainTotal[i]! += total.item();
    });
    trainCount += Y.numel();
  }
  const train = trainTotal.map((t, i) => `${modelNames[i]} ${(t / trainCount).toFixed(4)}`).join('  ');
  const val = models.map((m, i) => `${modelNames[i]} ${meanLoss(m, valLoader).toFixed(4)}`).join('  ');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`epoch ${epoch + 1}/${epochs}  train MSE  ${train}  |  val MSE  ${val}  (${seconds} s)`);
}

// ── Evaluation on the test windows, in index points ───────────────────────────────────────────────────────────
// The tutorial prints each model's "bias" = torch.sum(x[seq_len:num] - rnn_preds[:, seq_len-1]): an (N,) series
// minus an (N, 1) column broadcasts to an N×N matrix, so the number is N·(Σx − Σŷ), not a sum of per-day errors;
// as a signed sum it also lets errors cancel, and it is computed on the training data. Here: the mean absolute
// error of the next-day close (the last position of each test window, scaled back to points), next to the naive
// forecast "tomorrow's close = today's close", which a next-day model can match just by copying its input.
const actual: number[] = [];
const naive: number[] = [];
for (const batch of testLoader) {
  for (const id of batch.index) {
    actual.push(close[windows.targetIndex[id]!]!);
    naive.push(close[windows.lastInputIndex[id]!]!);
  }
}
const naiveMae = mae(actual, naive);
models.forEach((model, i) => {
  model.eval();
  const predicted: number[] = [];
  noGrad(() => {
    for (const batch of testLoader) {
      const out = model.forward(tensor(batch.x, batch.xShape)); // (B, 16, 1)
      const last = out.select(1, seqLen - 1).squeeze(-1); // prediction for the day after each window, z-scored
      predicted.push(...scaler.inverse(last.data));
    }
  });
  const m = mae(actual, predicted);
  console.log(
    `${modelNames[i]} test MAE ${m.toFixed(2)} points over ${actual.length} days ` +
      `(naive last value ${naiveMae.toFixed(2)}; ratio ${(m / naiveMae).toFixed(3)})`,
  );
});
