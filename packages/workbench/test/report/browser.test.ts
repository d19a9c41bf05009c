/**
 * The report page in Chromium at phone width (390 CSS pixels), started by the workspace's browser harness
 * (`rnnlab-testkit`: Chromium from `@sparticuz/chromium` driven by `playwright-core`, a local server, no request may
 * leave 127.0.0.1). Checks that nothing is wider than the screen except inside a box that
 * scrolls sideways, that such a box says so, that every chart is fitted to its box, that the wheel over the forecast
 * chart scrolls the page (and only Ctrl + wheel zooms it), and that the page logs no error, so its
 * Content-Security-Policy lets it run. Skipped with the reason when Chromium cannot start here.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { MIME, type Session, startSession, trackProblems } from 'rnnlab-testkit';
import { renderHtml } from '../../src/report/html.js';
import { makeReportData } from './fixture.js';

const VIEWPORT = { width: 390, height: 800 };
const TIMEOUT = { timeout: 30_000 };

let session: Session | undefined;
let page: Page | undefined;
let skipReason: string | undefined;
/** Console errors and warnings, page errors, failed requests (a CSP violation is a console error). */
let problems: string[] = [];

before(async () => {
  const html = renderHtml(makeReportData({ horizon: true }));
  const started = await startSession({
    servedDirs: [],
    route: (path) => (path === '/index.html' ? { type: MIME['.html']!, body: html } : undefined),
    viewport: VIEWPORT,
  });
  if ('skipReason' in started) {
    skipReason = started.skipReason;
    return;
  }
  session = started;
  page = await session.context.newPage();
  problems = trackProblems(page);
  await page.goto(`${session.origin}/index.html`);
  await page.waitForSelector('body[data-charts="drawn"]', { timeout: 20_000 });
}, TIMEOUT);

after(async () => {
  await session?.close();
}, TIMEOUT);

test('at 390 px nothing is wider than the screen outside a box that scrolls sideways', TIMEOUT, async (t) => {
  if (skipReason || !page) return t.skip(skipReason);
  const layout = await page.evaluate(() => {
    const screen = document.documentElement.clientWidth;
    const scrolls = (el: Element) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    // Every element outside the screen, not descending into boxes that scroll sideways (what is in them may be
    // wider than the screen: the box itself must not).
    const outside: string[] = [];
    const boxes: Element[] = [];
    const visit = (el: Element) => {
      const r = el.getBoundingClientRect();
      if ((r.width > 0 || r.height > 0) && (r.left < -0.5 || r.right > screen + 0.5))
        outside.push(`${name(el)}: ${Math.round(r.left)}..${Math.round(r.right)}`);
      if (scrolls(el)) {
        if (el.scrollWidth > el.clientWidth + 1) boxes.push(el);
        return;
      }
      for (const child of Array.from(el.children)) visit(child);
    };
    visit(document.body);
    const hinted = (el: Element) => {
      const hint = el.previousElementSibling as HTMLElement | null;
      return hint?.className === 'scroll-hint' && !hint.hidden && hint.getBoundingClientRect().height > 0;
    };
    const charts = Array.from(document.querySelectorAll('.chart')).map((el) => ({
      name: el.id,
      box: el.clientWidth,
      drawn: Number(el.querySelector('svg')?.getAttribute('width')),
    }));
    return {
      screen,
      page: document.documentElement.scrollWidth,
      outside,
      scrolling: boxes.map(name),
      unhinted: boxes.filter((el) => !hinted(el)).map(name),
      charts,
    };
  });
  t.diagnostic(`boxes that scroll sideways: ${layout.scrolling.join(', ') || 'none'}`);
  assert.equal(layout.screen, VIEWPORT.width);
  assert.equal(layout.page, VIEWPORT.width, 'the page itself does not scroll sideways');
  assert.deepEqual(layout.outside, [], 'elements beyond the screen, not in a box that scrolls');
  assert.deepEqual(layout.unhinted, [], 'every box that scrolls sideways has a visible hint above it');
  assert.ok(layout.scrolling.length > 0, 'the metrics table is too wide for a phone and scrolls in its box');
  assert.deepEqual(
    layout.charts.map((c) => c.name),
    ['chart-series', 'chart-mae', 'chart-predictions', 'chart-loss', 'chart-horizon'],
  );
  for (const c of layout.charts) {
    assert.ok(c.drawn > 0 && c.drawn <= c.box, `${c.name}: drawn ${c.drawn} px wide in a ${c.box} px box`);
  }
  assert.deepEqual([...problems, ...session!.offsite], [], 'console errors, page errors or offsite requests');
});

test('the wheel over the forecast chart scrolls the page; only Ctrl + wheel zooms it', TIMEOUT, async (t) => {
  if (skipReason || !page) return t.skip(skipReason);
  const p = page;
  const state = () =>
    p.evaluate(() => {
      const views = (window as unknown as { rnnlabViews: Record<string, import('vega').View> }).rnnlabViews;
      return { scrollY: window.scrollY, domain: views.predictions!.scale('x').domain().map(Number) };
    });
  /** The middle of the first panel's plot that is on screen, in viewport pixels. */
  const plotCenter = () =>
    p.evaluate(() => {
      const plots = document.querySelectorAll('#chart-predictions svg .role-scope path.background');
      const centers = Array.from(plots).map((plot) => {
        const r = plot.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      });
      return centers.find((c) => c.y > 0 && c.y < window.innerHeight) ?? { x: -1, y: -1 };
    });
  await p.evaluate(() => document.getElementById('chart-predictions')!.scrollIntoView({ block: 'start' }));
  const start = await state();
  const at = await plotCenter();
  assert.ok(at.y > 0 && at.y < VIEWPORT.height, `the plot is on screen (y ${at.y})`);

  await p.mouse.move(at.x, at.y);
  await p.mouse.wheel(0, 300);
  await p.waitForFunction((y) => window.scrollY > y, start.scrollY, { timeout: 5_000 });
  const scrolled = await state();
  assert.ok(scrolled.scrollY > start.scrollY, `the page scrolled: ${start.scrollY} → ${scrolled.scrollY}`);
  assert.deepEqual(scrolled.domain, start.domain, 'a plain wheel does not zoom');

  const again = await plotCenter();
  assert.ok(again.y > 0, 'a panel of the plot is on screen');
  await p.mouse.move(again.x, again.y);
  await p.keyboard.down('Control');
  await p.mouse.wheel(0, -300);
  await p.keyboard.up('Control');
  await p.waitForFunction(
    (d) => {
      const views = (window as unknown as { rnnlabViews: Record<string, import('vega').View> }).rnnlabViews;
      const now = views.predictions!.scale('x').domain().map(Number);
      return now[1]! - now[0]! < d[1]! - d[0]!;
    },
    start.domain,
    { timeout: 5_000 },
  );
  const zoomed = await state();
  assert.equal(zoomed.scrollY, scrolled.scrollY, 'Ctrl + wheel zooms the chart instead of scrolling');

  await p.evaluate(() =>
    document.querySelector<HTMLButtonElement>('button[data-reset="predictions"]')!.click(),
  );
  await p.waitForFunction(
    (d) => {
      const views = (window as unknown as { rnnlabViews: Record<string, import('vega').View> }).rnnlabViews;
      const now = views.predictions?.scale('x')?.domain().map(Number);
      return now?.[0] === d[0] && now?.[1] === d[1];
    },
    start.domain,
    { timeout: 5_000 },
  );
  assert.equal((await state()).scrollY, scrolled.scrollY, 'Reset zoom does not move the page');
  assert.deepEqual([...problems, ...session!.offsite], [], 'console errors, page errors or offsite requests');
});
