/**
 * The PyTorch parity fixtures in a real browser, on both kernel builds: Chromium (rnnlab-testkit) loads a page that
 * imports an esbuild bundle of fixtures_entry.ts, fetches recurrent.json, linear.json, mse.json and adam.json from
 * the local server and checks every case through the public API (torch_parity.ts: outputs, final states, the loss
 * and every gradient, Adam's steps and state, within the Node suites' float32 tolerance), on the main thread and
 * in a Web Worker, with the default kernels (relaxed SIMD in Chromium) and with the plain-SIMD build forced by
 * `globalThis.RNNLAB_KERNELS = 'simd'`. Each run must check exactly the fixture's cases, each case exactly the
 * fields listed below from the fixture itself, and every row must be ok; the same checker run in Node must give
 * the same rows, errors included, bit for bit (the two runtimes execute the same kernels). No console error, page
 * error or failed request is allowed. If Chromium cannot start here, the tests are skipped with the reason.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  bundleForBrowser,
  MIME,
  openPage,
  ROOT,
  type Served,
  type Session,
  scriptJson,
  startSession,
} from 'rnnlab-testkit';
import { F32, torchFixture } from '../support/fixtures.js';
import type { FixturesRun } from './fixtures_entry.js';
import {
  checkTorchFixtures,
  FIXTURE_NAMES,
  FIXTURE_TOLERANCE,
  type FieldCheck,
  type FixtureName,
  type TorchFixtures,
} from './torch_parity.js';

type Build = 'relaxed-simd' | 'simd';

const FIXTURES_URL = '/packages/rnnlab/test/fixtures/torch/';
/** What the server may send from disk: the engine's build output (wasm) and the fixture files. */
const SERVED_DIRS = ['packages/rnnlab/dist/', 'packages/rnnlab/test/fixtures/torch/'].map((d) =>
  join(ROOT, d),
);
const ENTRY = '/bundle/fixtures_entry.js';
/** Per hook and test: a hung browser fails the test instead of stalling `npm test`. */
const TIMEOUT = { timeout: 60_000 };

const fixtures = Object.fromEntries(FIXTURE_NAMES.map((n) => [n, torchFixture(n)])) as TorchFixtures;

/** The module worker: sets the kernel choice, imports the bundled entry, posts the run or the error back. */
const WORKER_JS = `self.onmessage = async ({ data }) => {
  try {
    if (data.kernels) globalThis.RNNLAB_KERNELS = data.kernels;
    const { runTorchFixtures } = await import(data.entry);
    self.postMessage({ result: await runTorchFixtures(data.fixtures) });
  } catch (e) {
    self.postMessage({ error: String((e && e.stack) || e) });
  }
};
`;

interface PageResult {
  main?: FixturesRun;
  worker?: FixturesRun;
  error?: string;
}

/** The fixtures page: checks on the main thread, then in a worker; lists cases, rows and worst errors per file. */
function pageHtml(kernels: Build | undefined): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rnnlab PyTorch fixtures (${kernels ?? 'default kernels'})</title>
<link rel="icon" href="data:,">
${kernels ? `<script>globalThis.RNNLAB_KERNELS = ${scriptJson(kernels)};</script>` : ''}
</head><body>
<pre id="summary">running…</pre>
<script type="module">
const entry = ${scriptJson(ENTRY)}, fixtures = ${scriptJson(FIXTURES_URL)}, kernels = ${scriptJson(kernels)};
const summary = (where, run) => {
  const lines = [where + ' (' + run.kernelBuild + ', ' + run.ms.toFixed(0) + ' ms)'];
  for (const name of new Set(run.checks.map((r) => r.fixture))) {
    const rows = run.checks.filter((r) => r.fixture === name);
    const worst = Math.max(...rows.map((r) => r.maxAbsErr));
    lines.push('  ' + name + '.json: ' + new Set(rows.map((r) => r.case)).size + ' cases, ' + rows.length +
      ' fields, ' + rows.filter((r) => !r.ok).length + ' failed, max |err| ' + worst.toExponential(2));
  }
  return lines.join('\\n');
};
const inWorker = () => new Promise((resolve, reject) => {
  const worker = new Worker('/fixtures-worker.js', { type: 'module' });
  worker.onmessage = ({ data }) => { worker.terminate(); data.error ? reject(new Error(data.error)) : resolve(data.result); };
  worker.onerror = (e) => reject(new Error('worker: ' + e.message));
  worker.postMessage({ entry, fixtures, kernels });
});
try {
  const { runTorchFixtures } = await import(entry);
  const main = await runTorchFixtures(fixtures);
  const worker = await inWorker();
  document.querySelector('#summary').textContent = summary('main thread', main) + '\\n' + summary('Web Worker', worker);
  window.rnnlabResult = { main, worker };
} catch (e) {
  document.querySelector('#summary').textContent = String(e);
  window.rnnlabResult = { error: String((e && e.stack) || e) };
}
</script>
</body></html>
`;
}

let session: Session | undefined;
let skipReason: string | undefined;
let bundle = new Map<string, Uint8Array>();

function route(path: string): Served | undefined {
  if (path === '/fixtures.html') return { type: MIME['.html']!, body: pageHtml(undefined) };
  if (path === '/fixtures-simd.html') return { type: MIME['.html']!, body: pageHtml('simd') };
  if (path === '/fixtures-worker.js') return { type: MIME['.js']!, body: WORKER_JS };
  const bundled = bundle.get(path);
  return bundled && { type: MIME['.js']!, body: bundled };
}

/** The fields the checker must report for case `c` of `fixture`, read from the fixture (names as torch_parity.ts). */
// biome-ignore lint/suspicious/noExplicitAny: a fixture case, indexed by the fixtures README's fields
function expectedFields(fixture: FixtureName, c: any): string[] {
  if (fixture === 'recurrent') {
    return [
      'parameter names',
      'output',
      'h_n',
      ...(c.module === 'LSTM' ? ['c_n'] : []),
      'loss',
      'grad input',
      ...(c.inputs.h0 ? ['grad h0'] : []),
      ...(c.inputs.c0 ? ['grad c0'] : []),
      ...c.param_names.map((n: string) => `grad ${n}`),
    ];
  }
  if (fixture === 'linear') {
    return ['output', 'loss', 'grad input', 'grad weight', ...(c.params.bias ? ['grad bias'] : [])];
  }
  if (fixture === 'mse') {
    return ['none', 'mean', 'sum'].flatMap((r) => [`${r}: output`, `${r}: grad input`, `${r}: grad target`]);
  }
  const names: string[] = c.param_names;
  return [
    ...Array.from({ length: c.steps }, (_, s) => names.map((n) => `${n} after step ${s + 1}`)).flat(),
    ...names.flatMap((n) => [
      `${n} step`,
      `${n} exp_avg`,
      `${n} exp_avg_sq`,
      ...(c.hyperparameters.amsgrad ? [`${n} max_exp_avg_sq`] : []),
    ]),
  ];
}

/** The run checked every case of every file, each with all its fields, and every row is ok. */
function assertAllCasesPass(where: string, run: FixturesRun | undefined, build: Build): void {
  assert.ok(run, `${where}: no result`);
  assert.equal(run.kernelBuild, build, `${where}: kernel build`);
  for (const name of FIXTURE_NAMES) {
    const rows: FieldCheck[] = run.checks.filter((r) => r.fixture === name);
    const cases: { name: string }[] = fixtures[name].cases;
    assert.deepEqual(
      [...new Set(rows.map((r) => r.case))],
      cases.map((c) => c.name),
      `${where}: the cases of ${name}.json`,
    );
    for (const c of cases) {
      assert.deepEqual(
        rows.filter((r) => r.case === c.name).map((r) => r.field),
        expectedFields(name, c),
        `${where}: ${name}.json ${c.name}: fields checked`,
      );
    }
  }
  const failed = run.checks.filter((r) => !r.ok);
  assert.deepEqual(
    failed.slice(0, 8).map((r) => `${r.fixture}.json ${r.case} ${r.field}: ${r.detail}`),
    [],
    `${where}: ${failed.length} of ${run.checks.length} fields out of tolerance`,
  );
}

/** Per file: cases, fields and the largest max |err| with where it is. */
function describeRun(run: FixturesRun): string {
  return FIXTURE_NAMES.map((name) => {
    const rows = run.checks.filter((r) => r.fixture === name);
    const worst = rows.reduce((w, r) => (r.maxAbsErr > w.maxAbsErr ? r : w));
    return (
      `${name}: ${fixtures[name].cases.length} cases, ${rows.length} fields, max |err| ` +
      `${worst.maxAbsErr.toExponential(2)} (${worst.case} ${worst.field})`
    );
  }).join('; ');
}

/** The same checker in Node with the given build: in this process, or a child process with RNNLAB_KERNELS. */
async function nodeChecks(build: Build): Promise<FieldCheck[]> {
  const { kernelBuild } = await import('rnnlab');
  if (kernelBuild === build) return checkTorchFixtures(fixtures);
  const script =
    `import { torchFixture } from ${JSON.stringify(new URL('../support/fixtures.js', import.meta.url).href)};\n` +
    `import { checkTorchFixtures, FIXTURE_NAMES } from ${JSON.stringify(new URL('./torch_parity.js', import.meta.url).href)};\n` +
    'const fx = Object.fromEntries(FIXTURE_NAMES.map((n) => [n, torchFixture(n)]));\n' +
    'process.stdout.write(JSON.stringify(checkTorchFixtures(fx)));\n';
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, RNNLAB_KERNELS: build },
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout) as FieldCheck[];
}

before(async () => {
  const started = await startSession({ servedDirs: SERVED_DIRS, route });
  if ('skipReason' in started) {
    skipReason = started.skipReason;
    return;
  }
  session = started;
  const bundling = Date.now();
  bundle = await bundleForBrowser(fileURLToPath(new URL('./fixtures_entry.js', import.meta.url)));
  assert.ok(bundle.has(ENTRY), `esbuild wrote ${[...bundle.keys()].join(', ')}`);
  console.log(
    `fixtures test setup: Chromium ${session.browser.version()} up in ${session.launchMs} ms, ` +
      `esbuild bundle ${(bundle.get(ENTRY)!.length / 1024).toFixed(0)} KiB in ${Date.now() - bundling} ms`,
  );
}, TIMEOUT);

after(async () => {
  await session?.close();
}, TIMEOUT);

test("the checker's tolerance is the Node suites' float32 tolerance", () => {
  assert.deepEqual({ ...FIXTURE_TOLERANCE }, F32);
});

for (const [build, path] of [
  ['relaxed-simd', '/fixtures.html'],
  ['simd', '/fixtures-simd.html'],
] as const) {
  const how = build === 'simd' ? "forced with globalThis.RNNLAB_KERNELS = 'simd'" : 'the default in Chromium';
  test(
    `PyTorch fixtures in Chromium, ${build} kernels (${how}): main thread and Web Worker`,
    TIMEOUT,
    async (t) => {
      if (skipReason) return t.skip(skipReason);
      const started = Date.now();
      const { main, worker } = await openPage<PageResult>(session!, path);
      t.diagnostic(
        `page: ${Date.now() - started} ms (checks: main thread ${main?.ms.toFixed(0)} ms, ` +
          `worker ${worker?.ms.toFixed(0)} ms)`,
      );
      assertAllCasesPass(`Chromium main thread, ${build}`, main, build);
      assertAllCasesPass(`Chromium Web Worker, ${build}`, worker, build);
      t.diagnostic(describeRun(main!));
      const node = await nodeChecks(build);
      assert.deepStrictEqual(
        main!.checks,
        node,
        `Chromium main thread vs Node, ${build}: same rows, same bits`,
      );
      assert.deepStrictEqual(
        worker!.checks,
        node,
        `Chromium Web Worker vs Node, ${build}: same rows, same bits`,
      );
    },
  );
}
