/**
 * What the Chromium tests share: Chromium (the binary inside the `@sparticuz/chromium` npm package, driven by
 * `playwright-core`), a local HTTP server on 127.0.0.1 that answers in-memory routes (pages, esbuild bundles, worker
 * scripts) and files under a few allowed folders, with extra headers where asked (e.g. for cross-origin isolation), an
 * esbuild bundler for page entries, and `openPage`, which loads a page, waits for the `window.rnnlabResult` it sets,
 * and fails on any console error or warning, page error, failed request, HTTP error or request that leaves 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';

/** The workspace root (this file runs from packages/testkit/dist/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const MIME: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/** An in-memory response. */
export interface Served {
  type: string;
  body: string | Uint8Array;
}

export interface SessionOptions {
  /** Absolute folders (ending in '/') whose files the server may send, for the extensions in MIME. */
  servedDirs: string[];
  /** In-memory routes, asked first with the decoded path; undefined falls through to the files. */
  route(path: string): Served | undefined;
  viewport?: { width: number; height: number };
  /**
   * Extra response headers by path, e.g. CROSS_ORIGIN_ISOLATION for the pages (and their workers) that need
   * `crossOriginIsolated` (SharedArrayBuffer); none by default.
   */
  headers?(path: string): Record<string, string> | undefined;
  /**
   * Launch Chromium without @sparticuz/chromium's `--disable-web-security`, which (besides relaxing CORS) keeps
   * every page from being `crossOriginIsolated` whatever its headers say.
   */
  webSecurity?: boolean;
}

/** The headers that make a page cross-origin isolated (`crossOriginIsolated`, SharedArrayBuffer). */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** A running Chromium with one browser context and the local server its pages load from. */
export interface Session {
  browser: Browser;
  context: BrowserContext;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests the pages made to anything but the local server (aborted); openPage fails on any. */
  offsite: string[];
  /** Milliseconds Chromium took to start. */
  launchMs: number;
  close(): Promise<void>;
}

export interface PageOutcome {
  /** Set by the page when it failed. */
  error?: string;
}

async function serveFiles(req: IncomingMessage, res: ServerResponse, options: SessionOptions): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const send = (status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { ...options.headers?.(path), 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const routed = options.route(path);
  if (routed) return send(200, routed.type, routed.body);
  const file = resolve(ROOT, `.${path}`);
  const type = MIME[extname(file)];
  if (type !== undefined && options.servedDirs.some((d) => file.startsWith(d))) {
    try {
      return send(200, type, await readFile(file));
    } catch {}
  }
  send(404, 'text/plain', `not found: ${path}`);
}

/** How long a test process may hold the extraction lock before another one takes it over. */
const EXTRACT_LOCK_MS = 120_000;

/**
 * Runs `fn` holding a lock folder in the OS temp folder. The first `executablePath()` of @sparticuz/chromium
 * extracts the browser to <tmp>/chromium, and a concurrent call (`npm test` runs test files in parallel) treats
 * the half-written file as ready; the lock makes the other test processes wait for the extraction.
 */
async function withExtractLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), 'rnnlab-chromium-extract.lock');
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const since = await stat(lock).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - since > EXTRACT_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Starts Chromium, the local server and a browser context whose requests may only reach that server. Returns the
 * reason instead when the packages are missing or Chromium cannot start here (the caller skips its tests).
 */
export async function startSession(options: SessionOptions): Promise<Session | { skipReason: string }> {
  const started = Date.now();
  let chromium: typeof import('@sparticuz/chromium').default;
  let playwright: typeof import('playwright-core').chromium;
  try {
    chromium = (await import('@sparticuz/chromium')).default;
    playwright = (await import('playwright-core')).chromium;
  } catch (e) {
    return {
      skipReason: `@sparticuz/chromium or playwright-core is not installed (run npm ci at the repo root): ${e}`,
    };
  }
  let browser: Browser;
  try {
    const executablePath = await withExtractLock(() => chromium.executablePath());
    const args = options.webSecurity
      ? chromium.args.filter((a) => a !== '--disable-web-security')
      : chromium.args;
    browser = await playwright.launch({ executablePath, args, headless: true });
  } catch (e) {
    return {
      skipReason: `Chromium from @sparticuz/chromium cannot start on this machine: ${String(e).slice(0, 400)}`,
    };
  }
  const launchMs = Date.now() - started;
  const server: Server = createServer((req, res) => void serveFiles(req, res, options));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const offsite: string[] = [];
  const context = await browser.newContext(options.viewport ? { viewport: options.viewport } : {});
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  return {
    browser,
    context,
    origin,
    offsite,
    launchMs,
    async close() {
      await browser.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * Bundles `entryFile` with esbuild for browsers (format esm, platform browser, es2022), in memory: returns the
 * output files by their path under `/bundle/` (e.g. '/bundle/page_entry.js'), to be served as they are.
 */
export async function bundleForBrowser(entryFile: string): Promise<Map<string, Uint8Array>> {
  const esbuild = await import('esbuild');
  const built = await esbuild.build({
    entryPoints: [entryFile],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/bundle',
    write: false,
    logLevel: 'silent',
  });
  assert.deepEqual(built.warnings, [], 'esbuild warnings');
  return new Map(built.outputFiles.map((out) => [out.path, out.contents]));
}

/**
 * Collects what must never happen on a page: console errors and warnings, page errors, failed requests and HTTP
 * errors. The returned array fills as the page runs; a test asserts it is empty.
 */
export function trackProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/**
 * Opens `path` in a new page, waits (up to `resultTimeout` ms) for the `window.rnnlabResult` it sets, and checks
 * that the page reported no error and nothing went wrong on the way. Pages share the session's browser context:
 * Chromium from @sparticuz/chromium runs `--single-process`, where closing a context kills it.
 */
export async function openPage<R extends PageOutcome>(
  session: Session,
  path: string,
  options: { screenshot?: string; resultTimeout?: number } = {},
): Promise<R> {
  const page = await session.context.newPage();
  const problems = trackProblems(page);
  try {
    await page.goto(`${session.origin}${path}`);
    await page.waitForFunction(() => 'rnnlabResult' in window, null, {
      timeout: options.resultTimeout ?? 30_000,
    });
    const result = await page.evaluate(() => (window as unknown as { rnnlabResult: R }).rnnlabResult);
    if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
    assert.equal(result.error, undefined, `${path}: the page failed`);
    assert.deepEqual(
      [...problems, ...session.offsite],
      [],
      `${path}: console errors, page errors or failed requests`,
    );
    return result;
  } finally {
    await page.close();
  }
}

/** `x` as JSON that is safe inside an inline <script> (null for undefined). */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x ?? null).replace(/</g, '\\u003c');
}
