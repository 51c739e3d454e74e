// End-to-end harness: a real newsdesk app (temp SQLite) listening on 127.0.0.1:0 and one headless system
// Chromium per test file, with a fresh profile. Screenshots go to test-artifacts/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp, type TestAppOptions } from '../helpers/app.ts';

export const SCREENSHOT_DIR = path.resolve(process.cwd(), 'test-artifacts', 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // No name resolves: a page that tried to load anything from the internet would fail, not leak.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export interface Harness {
  t: TestApp;
  base: string;
  context: BrowserContext;
  /** Open (or reuse) a page; the viewport defaults to a desktop size. */
  page(): Promise<Page>;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Full page by default; `viewport` keeps just what is on screen (long lists). */
  screenshot(page: Page, name: string, opts?: { viewport?: boolean }): Promise<void>;
  /** Navigate to a dashboard path and wait until the page says it is rendered. */
  open(page: Page, uiPath: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: TestAppOptions = {}): Promise<Harness> {
  const t = await createTestApp(opts);
  await t.http.listen({ host: '127.0.0.1', port: 0 });
  const address = t.http.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${address.port}`;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    });
  } catch (err) {
    await t.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  // Nothing leaves the machine: every host name fails to resolve (see CHROMIUM_ARGS), and any request
  // that is not to a local address is recorded; close() fails the file when there was one (a CDN, a
  // tracker). Playwright's request routing is not used because it turns the HTTP cache off.
  const foreign: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1')
      foreign.push(request.url());
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  let first: Page | undefined;
  const harness: Harness = {
    t,
    base,
    context,
    async page() {
      first ??= context.pages()[0] ?? (await context.newPage());
      return first;
    },
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async screenshot(page, name, opts = {}) {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: !opts.viewport });
    },
    async open(page, uiPath) {
      await page.goto(`${base}/ui${uiPath}`);
      await page.waitForFunction(
        () => document.body.dataset.ready !== undefined && document.body.dataset.ready !== '',
      );
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await t.close();
      if (foreign.length) throw new Error(`requests left the machine: ${foreign.join(', ')}`);
    },
  };
  return harness;
}

/** Milliseconds from navigation start until the page marked itself rendered. */
export async function pageLoadMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const ready = document.body.dataset.ready;
    const mark = performance.getEntriesByName(`newsdesk:ready:${ready}`).at(-1);
    return mark ? mark.startTime : Number.NaN;
  });
}

/** Page errors and console errors, to assert a page ran cleanly. */
export function collectErrors(page: Page, ignore: RegExp[] = []): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (!ignore.some((re) => re.test(text))) errors.push(`console: ${text}`);
  });
  return errors;
}

/** True when nothing on the page is wider than the viewport (usable on a phone without sideways scroll). */
export async function fitsViewport(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}
