/** The lab's settings: URL-hash round trips, clear errors for bad links, and the equivalent CLI command. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  cliCommand,
  DEFAULTS,
  type LabSettings,
  parseHash,
  SettingsError,
  seedList,
  settingsProblem,
  toHash,
} from '../src/settings.js';

const custom: LabSettings = {
  ...DEFAULTS,
  range: '2020-01-02:2023-12-29',
  models: ['lstm', 'gru'],
  hidden: 32,
  layers: 1,
  seqLen: 20,
  target: 'log_return',
  horizon: 3,
  epochs: 5,
  lr: 0.003,
  batchSize: 32,
  seed: 7,
  seeds: 2,
  tutorial: true,
  mistakes: ['reversed', 'leakyScaler'],
};

describe('settings in the URL hash', () => {
  test('the defaults make an empty hash, and an empty hash gives the defaults', () => {
    assert.equal(toHash(DEFAULTS), '');
    assert.deepEqual(parseHash(''), DEFAULTS);
    assert.deepEqual(parseHash('#'), DEFAULTS);
  });

  test('every field survives a round trip', () => {
    const hash = toHash(custom);
    assert.equal(
      hash,
      '#range=2020-01-02%3A2023-12-29&models=lstm%2Cgru&hidden=32&layers=1&seqLen=20&horizon=3&epochs=5&batchSize=32' +
        '&seed=7&seeds=2&target=log_return&lr=0.003&tutorial=1&mistakes=reversed%2CleakyScaler',
    );
    assert.deepEqual(parseHash(hash), custom);
  });

  test('a user file is named in the link and its range defaults to every row', () => {
    const s: LabSettings = { ...DEFAULTS, data: 'file', fileName: 'my prices.csv', range: '' };
    assert.equal(toHash(s), '#data=file&file=my+prices.csv');
    assert.deepEqual(parseHash(toHash(s)), s);
  });

  test('bad links are refused with the field and the fix', () => {
    const bad: Array<[string, RegExp]> = [
      ['#hidden=abc', /hidden must be a number, got 'abc'/],
      ['#hidden=0', /hidden must be an integer from 1 to 512, got 0/],
      ['#epochs=2.5', /epochs must be an integer/],
      ['#models=lstm,transformer', /unknown model 'transformer'.*drnn, brnn, lstm, gru/],
      ['#colour=red', /unknown setting 'colour'/],
      ['#target=open', /target must be 'close' or 'log_return'/],
      ['#mistakes=reversed,typo', /unknown mistake 'typo'/],
      ['#range=2020/01/01:', /range must be START:END/],
      ['#models=', /choose at least one model/],
    ];
    for (const [hash, message] of bad)
      assert.throws(
        () => parseHash(hash),
        (e) => e instanceof SettingsError && message.test(e.message),
        hash,
      );
  });

  test('settingsProblem passes the defaults and names a bad learning rate', () => {
    assert.equal(settingsProblem(DEFAULTS), null);
    assert.match(settingsProblem({ ...DEFAULTS, lr: 5 }) ?? '', /learning rate must be between/);
  });
});

describe('copy as CLI command', () => {
  test('the defaults are plain `rnnlab compare`', () => {
    assert.equal(cliCommand(DEFAULTS), 'rnnlab compare');
  });

  test('changed settings become the matching flags, and the CLI accepts them', () => {
    const cmd = cliCommand(custom);
    assert.equal(
      cmd,
      'rnnlab compare --range 2020-01-02:2023-12-29 --models lstm,gru --hidden 32 --layers 1 --seq-len 20 ' +
        '--target log_return --horizon 3 --epochs 5 --lr 0.003 --batch-size 32 --seed 7 --seeds 2',
    );
    // The real CLI parses every flag (and rejects nothing): run its option parsing with --help after the flags.
    const cli = fileURLToPath(new URL('../../../workbench/dist/src/cli/main.js', import.meta.url));
    const out = execFileSync(process.execPath, [cli, ...cmd.split(' ').slice(1), '--help'], {
      encoding: 'utf8',
    });
    assert.match(out, /Usage: rnnlab compare/);
  });

  test('a file name with spaces is quoted for the shell', () => {
    const cmd = cliCommand({ ...DEFAULTS, data: 'file', fileName: "my prices's.csv", range: '' });
    assert.equal(cmd, `rnnlab compare --csv 'my prices'\\''s.csv'`);
  });

  test('seeds are consecutive from the first seed, as compare --seed S --seeds N', () => {
    assert.deepEqual(seedList({ seed: 4, seeds: 3 }), [4, 5, 6]);
  });
});
