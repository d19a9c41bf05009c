/**
 * The built lab (packages/lab/dist/app, as `npm run build` leaves it) in real Chromium (rnnlab-testkit: Chromium
 * from @sparticuz/chromium driven by playwright-core, a 127.0.0.1 server, every request that leaves it aborted):
 *
 *   - it loads with no console error or warning, page error, failed or offsite request (checked after every test);
 *   - it trains LSTM and GRU in its Web Workers while the page stays usable (scrolls, answers a click), draws the
 *     loss curves, fills the metrics table and the verdict, and its numbers are Node's `compareModels` numbers for
 *     the same seed;
 *   - pause holds the epoch counter still, resume moves it on, stop ends the run and re-enables Train;
 *   - a malformed CSV shows the engine reader's own message, a good one trains (unit 'price');
 *   - the page's URL after a run reproduces it in a fresh page started from the keyboard (Tab to Train, Enter);
 *   - tutorial mode shows the mistakes flattering the BRNN, and one mistake switched on alone is the only one listed;
 *   - full-page screenshots at 1400 and 390 CSS pixels (packages/lab/dist/screenshots/), and at 390 px nothing is
 *     wider than the screen outside a box that scrolls sideways.
 *
 * Skipped with the reason when Chromium cannot start here.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type PriceSeries, parsePriceCsv, readPriceCsvBlob, sliceByDate } from 'rnnlab/data';
import { type CompareResults, prepareData } from 'rnnlab/forecast';
import { type CompareResult, compareModels, jobsFor } from 'rnnlab/node';
import { ROOT, type Session, startSession, trackProblems } from 'rnnlab-testkit';
import type { LabHook } from '../../src/main.js';

const APP = join(ROOT, 'packages/lab/dist/app/');
const APP_URL = '/packages/lab/dist/app/index.html';
const SCREENSHOTS = join(ROOT, 'packages/lab/dist/screenshots');
const VIEWPORT = { width: 1400, height: 900 };
/** Per hook and test: a hung browser fails the test instead of stalling `npm test`. */
const TIMEOUT = { timeout: 90_000 };

let session: Session | undefined;
let skipReason: string | undefined;
/** What went wrong on each page opened (console errors and warnings, page errors, failed requests). */
const problems: string[][] = [];
const open: Page[] = [];

before(async () => {
  assert.ok(
    existsSync(join(APP, 'index.html')) && existsSync(join(APP, 'main.js')),
    `${APP} is not built: run npm run build first (npm test does it in pretest)`,
  );
  const started = await startSession({ servedDirs: [APP], route: () => undefined, viewport: VIEWPORT });
  if ('skipReason' in started) skipReason = started.skipReason;
  else session = started;
}, TIMEOUT);

after(async () => {
  for (const p of open) await p.close().catch(() => {});
  await session?.close();
}, TIMEOUT);

/** Opens the lab with `hash` in a new page of the session and waits until the Dow Jones series is loaded. */
async function openLab(hash: string): Promise<{ page: Page; readyMs: number }> {
  const page = await session!.context.newPage();
  open.push(page);
  problems.push(trackProblems(page));
  await page.goto(`${session!.origin}${APP_URL}${hash}`);
  // The page says 'Ready' (and the hook leaves 'loading') once the Dow Jones series is loaded.
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid=status]')?.textContent?.startsWith('Ready') &&
      (window as unknown as { rnnlabLab: { state: string } }).rnnlabLab.state === 'idle',
    null,
    { timeout: 30_000, polling: 20 },
  );
  const readyMs = await page.evaluate(() => performance.now());
  return { page, readyMs };
}

async function closePage(page: Page): Promise<void> {
  await page.close();
  open.splice(open.indexOf(page), 1);
}

function lab(page: Page): Promise<LabHook> {
  return page.evaluate(() => (window as unknown as { rnnlabLab: LabHook }).rnnlabLab);
}

const state = (page: Page) =>
  page.evaluate(() => (window as unknown as { rnnlabLab: LabHook }).rnnlabLab.state);

/** Waits until training ends ('done', 'stopped' or 'error') and returns the final state. */
async function finished(page: Page, timeout = 60_000): Promise<string> {
  await page.waitForFunction(
    () =>
      ['done', 'stopped', 'error'].includes((window as unknown as { rnnlabLab: LabHook }).rnnlabLab.state),
    null,
    { timeout, polling: 100 },
  );
  return state(page);
}

const text = async (page: Page, testId: string) =>
  (await page.locator(`[data-testid=${testId}]`).textContent()) ?? '';

/** The epoch shown by a model's counter ('epoch 3/200' → 3). */
async function epochOf(page: Page, kind: string): Promise<number> {
  const t = await page.locator(`[data-testid=epoch-${kind}]`).textContent();
  const m = /^epoch (\d+)\//.exec(t ?? '');
  assert.ok(m, `epoch counter text '${t}'`);
  return Number(m[1]);
}

function noProblems(where: string): void {
  assert.deepEqual(
    [...problems.flat(), ...(session?.offsite ?? [])],
    [],
    `${where}: console errors, page errors, failed or offsite requests`,
  );
}

/** A deterministic random walk of `rows` business days, as a Date,Close CSV. */
function randomWalkCsv(rows: number): string {
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const lines = ['Date,Close'];
  const day = new Date(Date.UTC(2020, 0, 1));
  let price = 100;
  while (lines.length <= rows) {
    const wd = day.getUTCDay();
    if (wd !== 0 && wd !== 6) {
      lines.push(`${day.toISOString().slice(0, 10)},${price.toFixed(2)}`);
      price *= Math.exp((rand() - 0.5) * 0.04);
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return `${lines.join('\n')}\n`;
}

/** The message the engine's reader gives for `bytes` named `name` (as the page reads a picked file). */
async function readerMessage(bytes: Buffer, name: string): Promise<string> {
  const viaText = (() => {
    try {
      parsePriceCsv(bytes.toString('utf8'), name);
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail(`${name}: parsePriceCsv accepted it`);
  })();
  const viaBlob = await readPriceCsvBlob(new Blob([new Uint8Array(bytes)]), { sourceName: name }).then(
    () => assert.fail(`${name}: readPriceCsvBlob accepted it`),
    (e: Error) => e.message,
  );
  assert.equal(viaBlob, viaText, 'parsePriceCsv and readPriceCsvBlob word it the same');
  return viaBlob;
}

/** The page of the first three tests: loaded in the first, trains LSTM and GRU in the second, gives its link to the third. */
let first: { page: Page; results?: CompareResults } | undefined;

test('the built lab loads with no error, warning, failed or offsite request', TIMEOUT, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { page, readyMs } = await openLab('#models=lstm,gru&epochs=2&seeds=1');
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const csv = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/dji.csv'));
    return {
      dcl: n.domContentLoadedEventEnd,
      load: n.loadEventEnd,
      csv: (csv as PerformanceResourceTiming | undefined)?.responseEnd ?? Number.NaN,
    };
  });
  t.diagnostic(
    `Chromium ${session!.browser.version()} up in ${session!.launchMs} ms; page: DOMContentLoaded ` +
      `${nav.dcl.toFixed(0)} ms, load ${nav.load.toFixed(0)} ms, dji.csv fetched ${nav.csv.toFixed(0)} ms, ` +
      `Dow Jones shown and 'Ready' ${readyMs.toFixed(0)} ms ` +
      'after navigation start',
  );
  assert.match(await text(page, 'status'), /^Ready/);
  assert.match((await page.locator('#data-source').textContent()) ?? '', /^dji\.csv .*: \d+ rows, /);
  const s = (await lab(page)).settings;
  assert.deepEqual([s.models, s.epochs, s.seeds, s.seed], [['lstm', 'gru'], 2, 1, 0]);
  assert.equal(await page.locator('[data-testid=train]').isEnabled(), true);
  first = { page };
  noProblems('loading');
});

test(
  'LSTM and GRU train in the page, which stays usable, and give Node compareModels numbers',
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(first, 'the page of the first test is open');
    const { page } = first;
    await page.locator('[data-testid=train]').click();
    await page.waitForFunction(
      () => (window as unknown as { rnnlabLab: LabHook }).rnnlabLab.state !== 'idle',
    );

    // While training: the page scrolls (script and wheel) and answers a click.
    const before = await page.evaluate(() => window.scrollY);
    const scrolled = await page.evaluate(() => {
      window.scrollTo(0, 400);
      return {
        y: window.scrollY,
        state: (window as unknown as { rnnlabLab: LabHook }).rnnlabLab.state,
      };
    });
    assert.equal(scrolled.state, 'training', 'still training when the page scrolled');
    assert.ok(scrolled.y > before, `window.scrollTo moved the page: ${before} → ${scrolled.y}`);
    await page.mouse.move(700, 450);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((y) => window.scrollY < y, scrolled.y, { timeout: 10_000 });
    const wheeled = await page.evaluate(() => window.scrollY);
    const t0 = Date.now();
    await page.locator('[data-testid=copy-cli]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=cli]')?.textContent !== '', null, {
      timeout: 10_000,
    });
    const clickMs = Date.now() - t0;
    const cli = await text(page, 'cli');
    const during = await state(page);
    t.diagnostic(
      `while training: scroll ${before} → ${scrolled.y} (scrollTo) → ${wheeled} (wheel); copy-cli answered in ` +
        `${clickMs} ms; state then '${during}'`,
    );
    assert.equal(cli, 'rnnlab compare --models lstm,gru --epochs 2 --seeds 1');
    assert.ok(['training', 'done'].includes(during), `state '${during}' after the click`);

    assert.equal(await finished(page), 'done');
    const hook = await lab(page);
    t.diagnostic(`trained in ${hook.trainMs.toFixed(0)} ms (2 runs, 2 epochs)`);
    assert.equal(await text(page, 'epoch-lstm'), 'epoch 2/2');
    assert.equal(await text(page, 'epoch-gru'), 'epoch 2/2');
    assert.deepEqual(
      hook.runs.map((r) => [r.scenario, r.kind, r.seed, r.trainLoss.length, r.valLoss.length]).sort(),
      [
        ['right', 'gru', 0, 2, 2],
        ['right', 'lstm', 0, 2, 2],
      ],
    );

    // The loss chart drew both models' curves: their colours inside the plot (the legend is at the bottom).
    const drawn = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=loss-chart]')!;
      const img = c.getContext('2d')!.getImageData(0, 0, c.width, Math.floor(c.height * 0.6)).data;
      const count = (rgb: number[]) => {
        let n = 0;
        for (let i = 0; i < img.length; i += 4)
          if (img[i + 3]! > 200 && rgb.every((v, k) => Math.abs(img[i + k]! - v) < 40)) n++;
        return n;
      };
      return { lstm: count([0x00, 0x9e, 0x73]), gru: count([0xcc, 0x79, 0xa7]), w: c.width, h: c.height };
    });
    t.diagnostic(
      `loss chart ${drawn.w}×${drawn.h}: ${drawn.lstm} LSTM and ${drawn.gru} GRU pixels in its plot`,
    );
    assert.ok(drawn.lstm > 50 && drawn.gru > 50, 'both loss curves are drawn');

    const rows = await page
      .locator('[data-testid=metrics] tr[data-row]')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.getAttribute('data-row'), tr.querySelector('[data-metric=mae]')?.textContent]),
      );
    assert.deepEqual(rows.map((r) => r[0]).sort(), ['ar', 'drift', 'gru', 'lstm', 'mean_return', 'naive']);
    assert.ok((await text(page, 'verdict')).trim().length > 20, 'the verdict has text');

    // Node: the same data, jobs and seed.
    const started = Date.now();
    const series = parsePriceCsv(readFileSync(join(APP, 'dji.csv'), 'utf8'), 'dji.csv');
    const d = prepareData(sliceByDate(series, '2019-03-25:2024-03-20'), {
      target: 'close',
      seqLen: 16,
      horizon: 1,
    });
    const node: CompareResult = await compareModels(
      d,
      jobsFor(['lstm', 'gru'], [0], {
        model: { hiddenSize: 64, numLayers: 2 },
        train: { epochs: 2, lr: 1e-3, batchSize: 16 },
      }),
      { workers: 0, unit: 'index points' },
    );
    t.diagnostic(`Node compareModels in ${Date.now() - started} ms`);
    const page_ = hook.results!;
    for (const [name, mae] of rows) {
      const row = node.results.rows.find((r) => r.name === name && r.kind !== 'model')!;
      assert.equal(mae, row.mae.mean.toFixed(2), `${name}: MAE shown`);
    }
    const pick = (r: CompareResults) =>
      r.rows.map((x) => ({
        name: x.name,
        kind: x.kind,
        rank: x.rank,
        mae: x.mae,
        rmse: x.rmse,
        dm: x.dm,
        coverage: x.coverage,
      }));
    assert.deepStrictEqual(pick(page_), pick(node.results), 'rows: MAE, RMSE, DM p-values, coverage');
    assert.deepStrictEqual(page_, node.results, 'the whole CompareResults');
    for (const m of node.models) {
      const run = hook.runs.find((r) => r.kind === m.kind)!;
      assert.deepStrictEqual(
        { trainLoss: run.trainLoss, valLoss: run.valLoss },
        { trainLoss: m.history.map((h) => h.trainLoss), valLoss: m.history.map((h) => h.valLoss) },
        `${m.kind}: per-epoch losses`,
      );
    }
    first.results = page_;
    noProblems('training LSTM and GRU');
  },
);

test(
  'the page URL after a run reproduces it in a fresh page started from the keyboard',
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(first?.results, 'the LSTM and GRU run of the previous test finished');
    const url = first.page.url();
    t.diagnostic(`link: ${url}`);
    assert.match(url, /#.*models=lstm%2Cgru/);
    await closePage(first.page);
    const { page } = await openLab(url.slice(url.indexOf('#')));
    // Tab from the top of the page until the Train button has the focus, then Enter.
    let tabs = 0;
    let focused = '';
    while (tabs < 100 && focused !== 'train') {
      await page.keyboard.press('Tab');
      tabs++;
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    }
    t.diagnostic(`Train has the focus after ${tabs} Tab presses`);
    assert.equal(focused, 'train', 'Tab reaches the Train button');
    await page.keyboard.press('Enter');
    assert.equal(await finished(page), 'done', 'Enter on Train started the run and it finished');
    const hook = await lab(page);
    assert.deepStrictEqual(hook.results, first.results, 'the same numbers as the first run');
    await closePage(page);
    noProblems('link round trip');
  },
);

test('pause holds the epoch counter, resume moves it on, stop ends the run', TIMEOUT, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { page } = await openLab('#models=lstm&epochs=200&seeds=1');
  const train = page.locator('[data-testid=train]');
  const pause = page.locator('[data-testid=pause]');
  const stop = page.locator('[data-testid=stop]');
  assert.equal(await pause.isDisabled(), true);
  await train.click();
  await page.waitForFunction(
    () => /^epoch ([1-9]\d*)\//.test(document.querySelector('[data-testid=epoch-lstm]')?.textContent ?? ''),
    null,
    { timeout: 60_000, polling: 50 },
  );
  assert.equal(await train.isDisabled(), true, 'Train is disabled while training');
  await pause.click();
  assert.equal(await state(page), 'paused');
  assert.equal(await pause.textContent(), 'Resume');
  // An epoch that ended before the worker saw 'pause' may still arrive: let it, then watch for a second.
  await page.waitForTimeout(300);
  const held = await epochOf(page, 'lstm');
  await page.waitForTimeout(1_000);
  assert.equal(await epochOf(page, 'lstm'), held, 'the epoch counter does not move while paused');
  assert.equal(await state(page), 'paused');
  await pause.click();
  assert.equal(await state(page), 'training');
  await page.waitForFunction(
    (e) => {
      const m = /^epoch (\d+)\//.exec(document.querySelector('[data-testid=epoch-lstm]')?.textContent ?? '');
      return m !== null && Number(m[1]) > e;
    },
    held,
    { timeout: 60_000, polling: 50 },
  );
  const resumed = await epochOf(page, 'lstm');
  await stop.click();
  assert.equal(await finished(page), 'stopped');
  t.diagnostic(`paused at epoch ${held}, resumed to ${resumed}, then stopped`);
  assert.equal(await train.isEnabled(), true, 'Train is enabled again');
  assert.equal(await pause.isDisabled(), true);
  assert.equal(await stop.isDisabled(), true);
  assert.match(await text(page, 'status'), /^Stopped after 0 of 1 runs/);
  await closePage(page);
  noProblems('pause, resume, stop');
});

test("a malformed CSV shows the reader's message; a good one trains in 'price'", TIMEOUT, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { page } = await openLab('#models=gru&epochs=1&seeds=1');
  const input = page.locator('[data-testid=csv-input]');
  const error = page.locator('[data-testid=data-error]');
  const bad = [
    { name: 'no-close.csv', bytes: Buffer.from('Date,Open,Volume\n2020-01-02,10,5\n2020-01-03,11,6\n') },
    { name: 'bad-date.csv', bytes: Buffer.from('Date,Close\n2020-01-02,10\n2020-13-45,11\n2020-01-06,12\n') },
  ];
  for (const f of bad) {
    const expected = await readerMessage(f.bytes, f.name);
    await input.setInputFiles({ name: f.name, mimeType: 'text/csv', buffer: f.bytes });
    await error.waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForFunction(
      (m) => document.querySelector('[data-testid=data-error]')?.textContent === m,
      expected,
      {
        timeout: 10_000,
      },
    );
    t.diagnostic(`${f.name}: ${expected}`);
    assert.equal(await error.textContent(), expected);
  }
  const csv = Buffer.from(randomWalkCsv(400));
  const series: PriceSeries = parsePriceCsv(csv.toString('utf8'), 'walk.csv');
  await input.setInputFiles({ name: 'walk.csv', mimeType: 'text/csv', buffer: csv });
  await error.waitFor({ state: 'hidden', timeout: 10_000 });
  const source = (await page.locator('#data-source').textContent()) ?? '';
  assert.ok(
    source.startsWith(`walk.csv: 400 rows, ${series.dates[0]}..${series.dates[399]}`),
    `the page shows the file: '${source}'`,
  );
  await page.locator('[data-testid=train]').click();
  assert.equal(await finished(page), 'done');
  const hook = await lab(page);
  assert.equal(hook.settings.data, 'file');
  assert.equal(hook.settings.fileName, 'walk.csv');
  assert.equal(hook.results!.unit, 'price');
  assert.ok(
    hook.results!.testPeriod.to <= series.dates[399] && hook.results!.testPeriod.from > series.dates[0],
  );
  assert.match(page.url(), /#data=file&file=walk\.csv.*models=gru/);
  await closePage(page);
  noProblems('CSV upload');
});

/** The tutorial-mode page (tests 6 and 7 share it). */
let tutorial: Page | undefined;

test(
  'tutorial mode: the mistakes flatter the BRNN; one mistake alone is the only one listed',
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { page } = await openLab('#models=brnn,gru&epochs=2&seeds=1&tutorial=1');
    tutorial = page;
    const mistakes = ['reversed', 'trainAsVal', 'leakyScaler', 'brnnAllPositions', 'biasBug'];
    for (const m of mistakes)
      assert.equal(
        await page.locator(`[data-testid=mistake-${m}]`).isChecked(),
        true,
        `${m} is on by default`,
      );
    await page.locator('[data-testid=train]').click();
    assert.equal(await finished(page), 'done');
    let hook = await lab(page);
    const ratio = (rows: { name: string; ratio: number }[], name: string) =>
      rows.find((r) => r.name === name)!.ratio;
    const { right, wrong } = hook.tutorial!;
    t.diagnostic(
      `all mistakes, 2 epochs: MAE/naive BRNN ${ratio(right, 'brnn').toFixed(3)} done right vs ` +
        `${ratio(wrong, 'brnn').toFixed(3)} with the mistakes; GRU ${ratio(right, 'gru').toFixed(3)} vs ` +
        `${ratio(wrong, 'gru').toFixed(3)} (trained in ${hook.trainMs.toFixed(0)} ms)`,
    );
    assert.ok(await page.locator('[data-testid=mistakes-table]').isVisible(), 'the mistakes table is shown');
    assert.ok(ratio(wrong, 'brnn') < ratio(right, 'brnn'), 'the mistakes flatter the BRNN');
    assert.equal(wrong.find((r) => r.name === 'brnn')!.positions, 'all');
    assert.equal(
      await page.locator('[data-testid=mistakes-table] .mistakes-list li').count(),
      mistakes.length,
    );
    assert.match(
      (await page.locator('[data-testid=mistakes-table] tr', { hasText: 'Bidirectional' }).textContent()) ??
        '',
      /flattered by/,
    );
    assert.ok(await page.locator('#cells-section').isVisible(), 'the cells view is shown');
    assert.ok((await page.locator('#cells canvas').count()) > 0, 'the cells view drew its charts');
    noProblems('tutorial mode');

    // Screenshots of this finished page (the next test) come before the second run replaces it.
    await screenshots(t);

    // Only brnnAllPositions: switch the others off in the form, and one epoch to keep it short.
    for (const m of mistakes.filter((m) => m !== 'brnnAllPositions'))
      await page.locator(`[data-testid=mistake-${m}]`).uncheck();
    await page.locator('#epochs').fill('1');
    await page.locator('#epochs').dispatchEvent('change');
    assert.match(page.url(), /mistakes=brnnAllPositions(&|$)/);
    assert.match(page.url(), /epochs=1(&|$)/);
    await page.locator('[data-testid=train]').click();
    assert.equal(await finished(page), 'done');
    hook = await lab(page);
    assert.deepEqual(hook.settings.mistakes, ['brnnAllPositions']);
    const listed = await page.locator('[data-testid=mistakes-table] .mistakes-list li').allTextContents();
    assert.equal(listed.length, 1, `listed: ${listed.join(' | ')}`);
    assert.match(listed[0]!, /^Bidirectional RNN scored at every position/);
    const one = hook.tutorial!;
    t.diagnostic(
      `brnnAllPositions alone, 1 epoch: MAE/naive BRNN ${ratio(one.right, 'brnn').toFixed(3)} vs ` +
        `${ratio(one.wrong, 'brnn').toFixed(3)}`,
    );
    assert.equal(one.wrong.find((r) => r.name === 'brnn')!.positions, 'all');
    const gru = (rows: typeof one.right) => rows.find((r) => r.name === 'gru');
    assert.deepStrictEqual(gru(one.wrong), gru(one.right), 'the GRU is untouched by the BRNN-only mistake');
    noProblems('one mistake alone');
  },
);

/** Full-page screenshots of the finished tutorial page at 1400 and 390 px, and the layout check at 390 px. */
let layoutAt390: { screen: number; page: number; outside: string[]; scrolling: string[] } | undefined;
const shots: string[] = [];

async function screenshots(t: { diagnostic(m: string): void }): Promise<void> {
  const page = tutorial!;
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [1400, 390]) {
    await page.setViewportSize({ width, height: 900 });
    // From the top, with the settings panel (it scrolls in its own box at wide widths) at its top too.
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.getElementById('settings')!.scrollTop = 0;
      return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    const path = join(SCREENSHOTS, `lab-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
    t.diagnostic(`screenshot ${path}`);
  }
  layoutAt390 = await page.evaluate(() => {
    const screen = document.documentElement.clientWidth;
    const scrolls = (el: Element) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const outside: string[] = [];
    const boxes: string[] = [];
    const visit = (el: Element) => {
      const r = el.getBoundingClientRect();
      // Cut off on either side (an element wholly left of the screen, like the skip link, is hidden on purpose).
      if ((r.width > 0 || r.height > 0) && (r.right > screen + 0.5 || (r.left < -0.5 && r.right > 0)))
        outside.push(`${name(el)}: ${Math.round(r.left)}..${Math.round(r.right)}`);
      if (scrolls(el)) {
        if (el.scrollWidth > el.clientWidth + 1) boxes.push(name(el));
        return;
      }
      for (const child of Array.from(el.children)) visit(child);
    };
    visit(document.body);
    return { screen, page: document.documentElement.scrollWidth, outside, scrolling: boxes };
  });
  await page.setViewportSize(VIEWPORT);
}

test(
  'screenshots at 1400 and 390 px; at 390 px nothing overflows outside a sideways-scrolling box',
  TIMEOUT,
  async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(layoutAt390, 'the tutorial page was photographed');
    t.diagnostic(`screenshots: ${shots.join(', ')}`);
    t.diagnostic(`boxes that scroll sideways at 390 px: ${layoutAt390.scrolling.join(', ') || 'none'}`);
    assert.equal(layoutAt390.screen, 390);
    assert.ok(layoutAt390.page <= 390, `the page is ${layoutAt390.page} px wide at 390 px`);
    assert.deepEqual(
      layoutAt390.outside,
      [],
      'elements beyond the screen, not in a box that scrolls sideways',
    );
    await closePage(tutorial!);
    noProblems('the whole file');
  },
);
