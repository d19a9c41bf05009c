/** The README's example runs as written (importing the package by its name) and its loss goes down. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';

/** The package README (published to npm) and the repository README. */
const READMES = ['../../README.md', '../../../../README.md'];

for (const path of READMES)
  test(`${path.replace(/^(\.\.\/)+/, '')} example runs and trains`, () => {
    const root = new URL('../../', import.meta.url);
    const readme = readFileSync(new URL(path, import.meta.url), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(code, 'README has a ```js example');
    const file = new URL(`dist/readme-example-${READMES.indexOf(path)}.mjs`, root);
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file.pathname], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const losses = r.stdout
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[1]));
    assert.equal(losses.length, 5);
    assert.ok(losses[4] < losses[0] / 2, `loss falls: ${losses.join(', ')}`);
  });
