/** Checkpoints: round trip through safetensors, clear errors for files that do not describe a model, PyTorch loading. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CheckpointData } from '../../src/forecast/checkpoint.js';
import { SequenceRegressor } from '../../src/forecast/models.js';
import { predictLast } from '../../src/forecast/predict.js';
import { manualSeed } from '../../src/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/node/checkpoint_file.js';
import { writeSafetensorsFile } from '../../src/node/safetensors_file.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnlab-ckpt-'));
const data: CheckpointData = {
  target: 'close',
  features: ['close'],
  seqLen: 4,
  scalers: [{ kind: 'standard' as const, mean: 100, std: 5, unbiased: true }],
  targetScaler: { kind: 'standard' as const, mean: 100, std: 5, unbiased: true },
  source: 'test',
  trainedThrough: '2020-01-01',
};

describe('checkpoint', () => {
  test('round trip keeps weights, config and data settings; predictions are identical', () => {
    manualSeed(3);
    const m = new SequenceRegressor({ kind: 'gru', hiddenSize: 8, numLayers: 2 });
    const path = join(dir, 'gru.safetensors');
    saveCheckpoint(path, m, m.config, data);
    const { model, data: d } = loadCheckpoint(path);
    assert.deepEqual(model.config, m.config);
    assert.deepEqual(d, JSON.parse(JSON.stringify(data)));
    const x = Float32Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i));
    assert.deepEqual(Array.from(predictLast(model, x, 3, 4, 1)), Array.from(predictLast(m, x, 3, 4, 1)));
    assert.deepEqual(
      model.namedParameters().map(([n]) => n),
      [
        'gru.weight_ih_l0',
        'gru.weight_hh_l0',
        'gru.bias_ih_l0',
        'gru.bias_hh_l0',
        'gru.weight_ih_l1',
        'gru.weight_hh_l1',
        'gru.bias_ih_l1',
        'gru.bias_hh_l1',
        'linear.weight',
        'linear.bias',
      ],
    );
  });

  test('weights that do not fit the declared config are an error naming the file and the mismatch', () => {
    const m = new SequenceRegressor({ kind: 'lstm', hiddenSize: 8, numLayers: 1 });
    const path = join(dir, 'lie.safetensors');
    saveCheckpoint(path, m, { ...m.config, hiddenSize: 16 }, data);
    assert.throws(
      () => loadCheckpoint(path),
      (e: Error) =>
        e.message.startsWith(path) &&
        /size mismatch: lstm.weight_ih_l0 is \[32, 1\], expected \[64, 1\]/.test(e.message),
    );
  });

  test('a safetensors file without rnnlab metadata is rejected', () => {
    const path = join(dir, 'plain.safetensors');
    writeSafetensorsFile(path, { w: { shape: [1], data: Float32Array.of(1) } }, {});
    assert.throws(
      () => loadCheckpoint(path),
      /metadata "format" is missing, expected "rnnlab-checkpoint\/v1"/,
    );
  });

  test('a truncated file is rejected with the file name', () => {
    const m = new SequenceRegressor({ kind: 'drnn', hiddenSize: 4, numLayers: 1 });
    const path = join(dir, 'cut.safetensors');
    saveCheckpoint(path, m, m.config, data);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    assert.throws(
      () => loadCheckpoint(path),
      (e: Error) => e.message.includes(path) && /truncated|beyond|range/i.test(e.message),
    );
  });

  const python = ['/usr/bin/python3', 'python3'].find(
    (p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  );
  test("PyTorch loads the weights into the tutorial's LSTM class and gives the same predictions", {
    skip: python === undefined ? 'PyTorch not installed (apt-get install python3-torch)' : false,
  }, () => {
    manualSeed(5);
    const m = new SequenceRegressor({ kind: 'lstm', hiddenSize: 16, numLayers: 2 });
    const path = join(dir, 'torch.safetensors');
    saveCheckpoint(path, m, m.config, data);
    const x = Float32Array.from({ length: 2 * 4 }, (_, i) => Math.cos(i));
    const ours = Array.from(predictLast(m, x, 2, 4, 1));
    // The tutorial's class, and a safetensors reader in plain Python (no safetensors package needed).
    const script = `
import json, struct, sys, torch, torch.nn as nn
class LSTM(nn.Module):
    def __init__(self, input_size, output_size, hidden_size, num_layers):
        super(LSTM, self).__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, output_size)
    def forward(self, x):
        output, _ = self.lstm(x)
        return self.linear(output)
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
meta = header.pop('__metadata__')
state = {k: torch.frombuffer(bytearray(raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]]), dtype=torch.float32).reshape(v['shape']) for k, v in header.items()}
cfg = json.loads(meta['rnnlab.model'])
model = LSTM(cfg['inputSize'], cfg['outputSize'], cfg['hiddenSize'], cfg['numLayers'])
model.load_state_dict(state)
x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float32).reshape(2, 4, 1)
print(json.dumps(model(x)[:, -1, 0].tolist()))
`;
    const r = spawnSync(python!, ['-c', script, path, JSON.stringify(Array.from(x))], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const theirs = JSON.parse(r.stdout.trim()) as number[];
    for (const [i, v] of theirs.entries()) {
      assert.ok(Math.abs(v - ours[i]) < 1e-5, `prediction ${i}: torch ${v} vs rnnlab ${ours[i]}`);
    }
  });
});
