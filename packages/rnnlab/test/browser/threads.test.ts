/**
 * Data-parallel training in Chromium (harness.ts): a cross-origin isolated page (COOP/COEP headers) starts a Web
 * Worker that trains threads_job.ts's GRU through `webThreads` (rnnlab/browser) — replica Web Workers sharing
 * memory with it — on 1 thread and twice on 2. The 2-thread runs must give the same bits twice and Node's 2-thread
 * run (nodeReplicaThreads) bit for bit, and stay within float rounding of the 1-thread run, which must equal
 * Node's. `webThreads` on the page's main thread, and on a page without the headers, must fall back to one thread
 * with a warning that says why. If Chromium cannot start here, the tests are skipped with the reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runModelJob } from 'rnnlab/forecast';
import { nodeReplicaThreads } from 'rnnlab/node';
import {
  bundleForBrowser,
  CROSS_ORIGIN_ISOLATION,
  MIME,
  openPage,
  ROOT,
  type Session,
  scriptJson,
  startSession,
} from 'rnnlab-testkit';
import type { ThreadRuns } from './threads_entry.js';
import { type RunBits, runBits, threadsData, withThreads } from './threads_job.js';

const CSV_PATH = join(ROOT, 'packages/rnnlab/data/dji.csv');
const CSV_URL = '/packages/rnnlab/data/dji.csv';
const SERVED_DIRS = ['packages/rnnlab/data/'].map((d) => join(ROOT, d));
const ENTRY = '/bundle/threads_entry.js';
const REPLICA = '/bundle/replica_worker.js';
/** Paths under this prefix are served without the cross-origin isolation headers. */
const OPEN = '/open/';
const TIMEOUT = { timeout: 90_000 };

/** The driving worker: imports the entry, runs it and posts the result or the error back. */
const WORKER_JS = `self.onmessage = async ({ data }) => {
  try {
    const { runThreads } = await import(data.entry);
    self.postMessage({ result: await runThreads(data.csv, data.replica) });
  } catch (e) {
    self.postMessage({ error: String((e && e.stack) || e) });
  }
};
`;

interface PageResult {
  mainThread?: { threads: number; warning: string | undefined };
  worker?: ThreadRuns;
  error?: string;
}

/** A page that asks for threads on its main thread and, if `worker`, trains in a Web Worker. */
function pageHtml(worker: boolean): string {
  const json = scriptJson;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rnnlab threads</title><link rel="icon" href="data:,"></head>
<body><p id="status">running…</p>
<script type="module">
const inWorker = () => new Promise((resolve, reject) => {
  const worker = new Worker('/threads-worker.js', { type: 'module' });
  worker.onmessage = ({ data }) => { worker.terminate(); data.error ? reject(new Error(data.error)) : resolve(data.result); };
  worker.onerror = (e) => reject(new Error('worker: ' + e.message));
  worker.postMessage({ entry: ${json(ENTRY)}, csv: ${json(CSV_URL)}, replica: ${json(REPLICA)} });
});
try {
  const { fallback } = await import(${json(ENTRY)});
  const mainThread = await fallback();
  const worker = ${worker} ? await inWorker() : undefined;
  document.querySelector('#status').textContent = 'done';
  window.rnnlabResult = { mainThread, worker };
} catch (e) {
  document.querySelector('#status').textContent = String(e);
  window.rnnlabResult = { error: String((e && e.stack) || e) };
}
</script></body></html>
`;
}

let session: Session | undefined;
let skipReason: string | undefined;
const bundle = new Map<string, Uint8Array>();

function route(path: string) {
  if (path === '/isolated.html') return { type: MIME['.html']!, body: pageHtml(true) };
  if (path === `${OPEN}plain.html`) return { type: MIME['.html']!, body: pageHtml(false) };
  if (path === '/threads-worker.js') return { type: MIME['.js']!, body: WORKER_JS };
  const bundled = bundle.get(path.startsWith(OPEN) ? path.slice(OPEN.length - 1) : path);
  if (bundled) return { type: MIME['.js']!, body: bundled };
  return undefined;
}

before(async () => {
  const started = await startSession({
    servedDirs: SERVED_DIRS,
    route,
    headers: (path) => (path.startsWith(OPEN) ? undefined : CROSS_ORIGIN_ISOLATION),
    webSecurity: true,
  });
  if ('skipReason' in started) {
    skipReason = started.skipReason;
    return;
  }
  session = started;
  for (const entry of [
    fileURLToPath(new URL('./threads_entry.js', import.meta.url)),
    fileURLToPath(new URL('../../src/browser/replica_worker.js', import.meta.url)),
  ])
    for (const [path, contents] of await bundleForBrowser(entry)) bundle.set(path, contents);
  assert.ok(bundle.has(ENTRY) && bundle.has(REPLICA), `esbuild wrote ${[...bundle.keys()].join(', ')}`);
}, TIMEOUT);

after(async () => {
  await session?.close();
}, TIMEOUT);

test(
  'Web Workers with SharedArrayBuffer: 2 threads reproducible, equal to Node bit for bit, close to 1 thread',
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    const d = threadsData(readFileSync(CSV_PATH, 'utf8'));
    const node: Record<number, RunBits> = {
      1: runBits(runModelJob(d, withThreads(1))),
      2: runBits(runModelJob(d, withThreads(2), { replicas: nodeReplicaThreads })),
    };
    const { mainThread, worker } = await openPage<PageResult>(session!, '/isolated.html', {
      resultTimeout: 60_000,
    });
    assert.ok(worker, 'the worker ran');
    t.diagnostic(`Chromium: 1 thread ${worker.msOne.toFixed(0)} ms, 2 threads ${worker.msTwo.toFixed(0)} ms`);
    assert.equal(worker.crossOriginIsolated, true);
    assert.equal(worker.warning, undefined);
    assert.equal(worker.threads, 2);
    assert.deepStrictEqual(worker.one, node[1], '1 thread: same bits as Node');
    assert.deepStrictEqual(worker.two, node[2], '2 threads: same bits as Node on 2 threads');
    assert.deepStrictEqual(worker.twoAgain, worker.two, '2 threads twice: same bits');
    assert.notEqual(worker.two.weightsHash, worker.one.weightsHash);
    assert.ok(Math.abs(worker.two.trainLoss - worker.one.trainLoss) <= 1e-5 * worker.one.trainLoss);
    assert.ok(Math.abs(worker.two.firstWeight - worker.one.firstWeight) <= 1e-5);
    assert.equal(mainThread?.threads, 1);
    assert.match(
      mainThread?.warning ?? '',
      /training on 1 thread instead of 2: the page's main thread may not wait/,
    );
  },
);

test(
  'without cross-origin isolation: one thread and a warning that names the headers',
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { mainThread } = await openPage<PageResult>(session!, `${OPEN}plain.html`);
    assert.equal(mainThread?.threads, 1);
    assert.match(
      mainThread?.warning ?? '',
      /training on 1 thread instead of 2: the page is not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/,
    );
  },
);
