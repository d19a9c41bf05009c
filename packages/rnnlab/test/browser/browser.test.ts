/**
 * rnnlab in a real browser: Chromium (the binary shipped inside the `@sparticuz/chromium` npm package, driven by
 * `playwright-core`) loads pages from a local HTTP server on 127.0.0.1 that import the public API
 *   - bundled by esbuild (format esm, platform browser), and
 *   - as plain ES modules through an import map ('rnnlab', 'rnnlab/data' → dist/src/…),
 * trains the tutorial LSTM a few Adam steps on the shipped Dow Jones CSV (test/browser/tutorial_steps.ts), on the
 * main thread and in a Web Worker, with the default kernels (relaxed SIMD in Chromium) and with the plain-SIMD
 * build forced by `globalThis.RNNLAB_KERNELS = 'simd'`. Every run must give Node's numbers bit for bit (losses and a
 * hash of the trained weights) for the same kernel build: the in-process run, or a child Node process run with
 * RNNLAB_KERNELS set to the build. (Workers get the bundle: Chromium applies import maps to documents only.)
 * No console error, page error or failed request is allowed, and no request may leave 127.0.0.1. One results page
 * is saved as a screenshot (rnnlab-browser.png in the OS temp folder).
 * If Chromium cannot start here, the tests are skipped with the reason.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  bundleForBrowser,
  MIME,
  openPage as openHarnessPage,
  ROOT,
  type Session,
  scriptJson,
  startSession,
} from 'rnnlab-testkit';
import { type TutorialSteps, trainTutorialSteps } from './tutorial_steps.js';

type Build = 'relaxed-simd' | 'simd';

const CSV_PATH = join(ROOT, 'packages/rnnlab/data/dji.csv');
/** What the server may send from disk: the engine's build output and its data. */
const SERVED_DIRS = ['packages/rnnlab/dist/', 'packages/rnnlab/data/'].map((d) => join(ROOT, d));
const CSV_URL = '/packages/rnnlab/data/dji.csv';
const BUNDLED_ENTRY = '/bundle/page_entry.js';
const PLAIN_ENTRY = '/packages/rnnlab/dist/test/browser/page_entry.js';
const IMPORT_MAP = {
  imports: {
    rnnlab: '/packages/rnnlab/dist/src/index.js',
    'rnnlab/data': '/packages/rnnlab/dist/src/data/index.js',
  },
};
const SCREENSHOT = join(tmpdir(), 'rnnlab-browser.png');
/** Per hook and test: a hung browser fails the test instead of stalling `npm test`. */
const TIMEOUT = { timeout: 60_000 };

/**
 * The module worker: sets the kernel choice, imports the entry (bundled: workers have no import maps) and posts the
 * result or the error back.
 */
const WORKER_JS = `self.onmessage = async ({ data }) => {
  try {
    if (data.kernels) globalThis.RNNLAB_KERNELS = data.kernels;
    const { runTutorialSteps } = await import(data.entry);
    self.postMessage({ result: await runTutorialSteps(data.csv) });
  } catch (e) {
    self.postMessage({ error: String((e && e.stack) || e) });
  }
};
`;

interface PageSpec {
  title: string;
  entry: string;
  importMap: boolean;
  /** Set as globalThis.RNNLAB_KERNELS by a classic script before any module loads. */
  kernels?: Build;
  /** Also run in a Web Worker (bundled entry only). */
  worker: boolean;
  /** Node's run, shown as the first row of the results table. */
  reference?: TutorialSteps;
}

interface PageResult {
  main?: TutorialSteps;
  worker?: TutorialSteps | null;
  error?: string;
}

/** A tiny results page: runs the entry on the main thread (and in a worker), lists the losses in a table. */
function pageHtml(spec: PageSpec): string {
  const json = scriptJson;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${spec.title}</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
  table { border-collapse: collapse; } th, td { border: 1px solid #bbb; padding: 4px 8px; text-align: right; }
  th, td { white-space: nowrap; } th:first-child, td:first-child { text-align: left; }
</style>
${spec.importMap ? `<script type="importmap">${json(IMPORT_MAP)}</script>` : ''}
${spec.kernels ? `<script>globalThis.RNNLAB_KERNELS = ${json(spec.kernels)};</script>` : ''}
</head><body>
<h3>${spec.title}</h3>
<table id="results"><thead><tr><th>where</th><th>kernels</th><th>windows</th>
<th>loss 1</th><th>loss 2</th><th>loss 3</th><th>loss 4</th><th>params hash</th></tr></thead><tbody></tbody></table>
<p id="status">running…</p>
<script type="module">
const entry = ${json(spec.entry)}, csv = ${json(CSV_URL)}, kernels = ${json(spec.kernels)};
const reference = ${json(spec.reference)};
const row = (where, r) => {
  const tr = document.createElement('tr');
  for (const cell of [where, r.kernelBuild, r.windows, ...r.losses, r.paramsHash]) {
    const td = document.createElement('td');
    td.textContent = String(cell);
    tr.append(td);
  }
  document.querySelector('#results tbody').append(tr);
};
const inWorker = () => new Promise((resolve, reject) => {
  const worker = new Worker('/worker.js', { type: 'module' });
  worker.onmessage = ({ data }) => { worker.terminate(); data.error ? reject(new Error(data.error)) : resolve(data.result); };
  worker.onerror = (e) => reject(new Error('worker: ' + e.message));
  worker.postMessage({ entry, csv, kernels });
});
try {
  if (reference) row('Node (' + reference.kernelBuild + ')', reference);
  const { runTutorialSteps } = await import(entry);
  const main = await runTutorialSteps(csv);
  row('Chromium main thread', main);
  const worker = ${spec.worker} ? await inWorker() : null;
  if (worker) row('Chromium Web Worker', worker);
  document.querySelector('#status').textContent = 'done';
  window.rnnlabResult = { main, worker };
} catch (e) {
  document.querySelector('#status').textContent = String(e);
  window.rnnlabResult = { error: String((e && e.stack) || e) };
}
</script>
</body></html>
`;
}

let session: Session | undefined;
let skipReason: string | undefined;
const bundle = new Map<string, Uint8Array>();
const pages = new Map<string, PageSpec>();
const csvText = readFileSync(CSV_PATH, 'utf8');
/** Node's runs, by kernel build. */
const nodeRuns = new Map<Build, TutorialSteps>();

/** The in-memory routes: the results pages, the worker script and the esbuild bundle. */
function route(path: string) {
  const page = pages.get(path);
  if (page) return { type: MIME['.html']!, body: pageHtml(page) };
  if (path === '/worker.js') return { type: MIME['.js']!, body: WORKER_JS };
  const bundled = bundle.get(path);
  if (bundled) return { type: MIME['.js']!, body: bundled };
  return undefined;
}

/** Node's run of the same code: in this process if its build matches, else a child process with RNNLAB_KERNELS. */
async function nodeRun(build: Build): Promise<TutorialSteps> {
  const known = nodeRuns.get(build);
  if (known) return known;
  const script =
    `import { readFileSync } from 'node:fs';\n` +
    `import { trainTutorialSteps } from ${JSON.stringify(new URL('./tutorial_steps.js', import.meta.url).href)};\n` +
    `process.stdout.write(JSON.stringify(trainTutorialSteps(readFileSync(${JSON.stringify(CSV_PATH)}, 'utf8'))));\n`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, RNNLAB_KERNELS: build },
  });
  const run = JSON.parse(stdout) as TutorialSteps;
  assert.equal(run.kernelBuild, build, `Node child process run with RNNLAB_KERNELS=${build}`);
  nodeRuns.set(build, run);
  return run;
}

/** Opens `path`, waits for its result and checks nothing went wrong on the way (see rnnlab-testkit's `openPage`). */
function openPage(path: string, screenshot?: string): Promise<PageResult> {
  return openHarnessPage<PageResult>(session!, path, { screenshot });
}

/** Asserts a browser run equals Node's run of the same build, bit for bit (deepStrictEqual compares with Object.is). */
function assertSameBits(where: string, actual: TutorialSteps | null | undefined, node: TutorialSteps): void {
  assert.ok(actual, `${where}: no result`);
  assert.deepStrictEqual(actual, node, `${where} differs from Node (${node.kernelBuild})`);
}

before(async () => {
  const started = await startSession({
    servedDirs: SERVED_DIRS,
    route,
    viewport: { width: 1100, height: 240 },
  });
  if ('skipReason' in started) {
    skipReason = started.skipReason;
    return;
  }
  session = started;
  const launched = Date.now();
  for (const [path, contents] of await bundleForBrowser(
    fileURLToPath(new URL('./page_entry.js', import.meta.url)),
  ))
    bundle.set(path, contents);
  assert.ok(bundle.has(BUNDLED_ENTRY), `esbuild wrote ${[...bundle.keys()].join(', ')}`);
  const bundled = Date.now();

  const inProcess = trainTutorialSteps(csvText);
  nodeRuns.set(inProcess.kernelBuild as Build, inProcess);
  const kb = (bundle.get(BUNDLED_ENTRY)!.length / 1024).toFixed(0);
  console.log(
    `browser test setup: Chromium ${session.browser.version()} up in ${session.launchMs} ms, esbuild bundle ` +
      `${kb} KiB in ${bundled - launched} ms, Node run (${inProcess.kernelBuild}) in ${Date.now() - bundled} ms`,
  );
}, TIMEOUT);

after(async () => {
  await session?.close();
}, TIMEOUT);

test(
  'esbuild bundle in Chromium, main thread and Web Worker: relaxed SIMD, same bits as Node',
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    const node = await nodeRun('relaxed-simd');
    pages.set('/bundled.html', {
      title: 'rnnlab in Chromium (esbuild bundle): tutorial LSTM, 4 Adam steps',
      entry: BUNDLED_ENTRY,
      importMap: false,
      worker: true,
      reference: node,
    });
    const started = Date.now();
    const { main, worker } = await openPage('/bundled.html', SCREENSHOT);
    t.diagnostic(`page with worker: ${Date.now() - started} ms; screenshot ${SCREENSHOT}`);
    t.diagnostic(`losses ${JSON.stringify(main?.losses)}, params hash ${main?.paramsHash}`);
    assert.equal(main?.kernelBuild, 'relaxed-simd', 'Chromium compiles the relaxed-SIMD build by default');
    assert.equal(main.windows, 1241, 'windows of 16 days over 2019-03-25..2024-03-20 (1257 trading days)');
    assertSameBits('bundled, main thread', main, node);
    assertSameBits('bundled, Web Worker', worker, node);
  },
);

test('plain ES modules with an import map in Chromium: same bits as Node', TIMEOUT, async (t) => {
  if (skipReason) return t.skip(skipReason);
  pages.set('/plain.html', {
    title: 'rnnlab in Chromium (import map, no bundler)',
    entry: PLAIN_ENTRY,
    importMap: true,
    worker: false,
  });
  const { main } = await openPage('/plain.html');
  assert.equal(main?.kernelBuild, 'relaxed-simd');
  assertSameBits('import map, main thread', main, await nodeRun('relaxed-simd'));
});

test(
  "forced plain SIMD (globalThis.RNNLAB_KERNELS = 'simd'): same bits as Node under RNNLAB_KERNELS=simd",
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    const node = await nodeRun('simd');
    assert.notEqual(
      node.paramsHash,
      (await nodeRun('relaxed-simd')).paramsHash,
      'the two builds train to different weights (fused vs separate multiply-add), so matching one proves which ran',
    );
    const spec = { kernels: 'simd', reference: node } as const;
    pages.set('/bundled-simd.html', {
      ...spec,
      title: 'bundled, simd',
      entry: BUNDLED_ENTRY,
      importMap: false,
      worker: true,
    });
    pages.set('/plain-simd.html', {
      ...spec,
      title: 'import map, simd',
      entry: PLAIN_ENTRY,
      importMap: true,
      worker: false,
    });
    const bundled = await openPage('/bundled-simd.html');
    const plain = await openPage('/plain-simd.html');
    t.diagnostic(
      `simd losses ${JSON.stringify(bundled.main?.losses)}, params hash ${bundled.main?.paramsHash}`,
    );
    assert.equal(bundled.main?.kernelBuild, 'simd', "kernelBuild reports 'simd' when forced");
    assertSameBits('bundled, simd, main thread', bundled.main, node);
    assertSameBits('bundled, simd, Web Worker', bundled.worker, node);
    assertSameBits('import map, simd, main thread', plain.main, node);
  },
);
