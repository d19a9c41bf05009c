/**
 * `rnnlab info` lists names and shapes computed from the config, without building the models: they match the
 * real models', and absurd sizes are refused at once naming the flag (`--layers 100000` took 37 s and 3.5 GB).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MODEL_KINDS, ModelConfigError, SequenceRegressor } from 'rnnlab/forecast';
import { modelPrintout } from '../../src/cli/info.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('the printout lists exactly the names and shapes of the models as built', () => {
  for (const [input, output, hidden, layers] of [
    [16, 16, 64, 2],
    [1, 1, 3, 1],
    [5, 2, 7, 3],
  ] as const) {
    const expected = MODEL_KINDS.flatMap((kind) => {
      const m = new SequenceRegressor({
        kind,
        inputSize: input,
        outputSize: output,
        hiddenSize: hidden,
        numLayers: layers,
      });
      return [
        `${kind.toUpperCase()}(${input}, ${output}, ${hidden}, ${layers})`,
        ...m.namedParameters().map(([name, p]) => `    ${name} : [${p.shape.join(', ')}]`),
        '',
      ];
    });
    assert.equal(modelPrintout(input, output, hidden, layers), expected.join('\n'));
  }
});

test('absurd sizes fail at once with a ModelConfigError naming the flag', () => {
  const t0 = performance.now();
  assert.throws(
    () => modelPrintout(16, 16, 64, 100000),
    (e: Error) =>
      e instanceof ModelConfigError &&
      e.message === '--layers: numLayers must be an integer in [1, 100], got 100000.',
  );
  assert.throws(
    () => modelPrintout(16, 16, 100000, 2),
    /^ModelConfigError: --hidden: hiddenSize must be an integer in \[1, 65536\], got 100000\.$/,
  );
  // DRNN(16, hidden 40000, 2 layers): 40000·(16 + 40000 + 2) + 40000·(40000 + 40000 + 2) floats ≈ 19.2 GB.
  assert.throws(
    () => modelPrintout(16, 16, 40000, 2),
    /^ModelConfigError: --hidden or --layers: DRNN\(input 16, hidden 40000, layers 2\) needs 19\.2 GB for its parameters alone, more than the 4\.29 GB of WebAssembly memory/,
  );
  assert.ok(performance.now() - t0 < 500, `${performance.now() - t0} ms`);
});

test('the command: `info --layers 100000` exits 1 with one line, fast', () => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [main, 'info', '--layers', '100000'], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr.trim(),
    'rnnlab: error: --layers: numLayers must be an integer in [1, 100], got 100000.',
  );
  assert.ok(ms < 10_000, `${ms} ms (a Node start plus the check; it was 37 s)`);
});
