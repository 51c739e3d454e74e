// Pages that need JavaScript: one shared headless Chromium (the system package, never a downloaded
// build), a fresh context per page, a small cap on pages open at once, and the SSRF guard on every request.
import type { Browser, BrowserContext } from 'playwright-core';
import { FetchError, classifyNetworkError, isFetchError } from '../fetch/errors.ts';
import { DEFAULT_USER_AGENT } from '../fetch/http-fetcher.ts';
import { SsrfGuard, type Resolver } from '../fetch/ssrf.ts';
import type { PageLoader } from '../extract/extract-article.ts';

export interface BrowserFetcherOptions {
  executablePath?: string;
  /** Pages rendered at the same time (default 2). */
  maxPages?: number;
  navigationTimeoutMs?: number;
  /** Extra time after load for late scripts (default 500 ms). */
  settleMs?: number;
  userAgent?: string;
  allowPrivate?: readonly string[];
  resolve?: Resolver;
  /** Skip images, fonts and media (default true): text is all the crawler needs. */
  blockHeavyResources?: boolean;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class BrowserFetcher implements PageLoader {
  private browser?: Browser;
  private starting?: Promise<Browser>;
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly guard: SsrfGuard;
  private readonly opts: Required<Omit<BrowserFetcherOptions, 'allowPrivate' | 'resolve'>>;
  private readonly allowed = new Map<string, boolean>();

  constructor(options: BrowserFetcherOptions = {}) {
    this.opts = {
      executablePath: options.executablePath ?? '/usr/bin/chromium',
      maxPages: options.maxPages ?? 2,
      navigationTimeoutMs: options.navigationTimeoutMs ?? 30_000,
      settleMs: options.settleMs ?? 500,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      blockHeavyResources: options.blockHeavyResources ?? true,
    };
    this.guard = new SsrfGuard({ allow: options.allowPrivate, resolve: options.resolve });
  }

  get running(): boolean {
    return !!this.browser;
  }

  /** Launches Chromium (idempotent; loadPage also starts it on first use). */
  async start(): Promise<void> {
    await this.ensureBrowser();
  }

  /** Closes the browser and removes its profile. */
  async stop(): Promise<void> {
    const browser = this.browser ?? (await this.starting?.catch(() => undefined));
    this.browser = undefined;
    this.starting = undefined;
    await browser?.close().catch(() => {});
    this.allowed.clear();
  }

  private ensureBrowser(): Promise<Browser> {
    if (this.browser) return Promise.resolve(this.browser);
    this.starting ??= (async () => {
      // launch() gives every browser a fresh temporary profile (user-data-dir) and deletes it on close.
      const browser = await (
        await loadChromium()
      ).launch({
        executablePath: this.opts.executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      this.browser = browser;
      return browser;
    })();
    return this.starting;
  }

  private async slot(signal?: AbortSignal): Promise<() => void> {
    while (this.active >= this.opts.maxPages) {
      if (signal?.aborted) throw new FetchError('ABORTED', 'render cancelled');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.active++;
    return () => {
      this.active--;
      this.waiters.shift()?.();
    };
  }

  private async hostAllowed(url: string): Promise<boolean> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    const cached = this.allowed.get(u.host);
    if (cached !== undefined) return cached;
    const ok = await this.guard.assertAllowed(u).then(
      () => true,
      () => false,
    );
    this.allowed.set(u.host, ok);
    return ok;
  }

  /** Renders `url` and returns the DOM after scripts ran. */
  async loadPage(
    url: string,
    options: { signal?: AbortSignal; headers?: Record<string, string>; proxy?: string } = {},
  ): Promise<{ html: string; finalUrl: string }> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new FetchError('INVALID_URL', `not a URL: ${url}`, { url });
    }
    await this.guard.assertAllowed(target);
    const browser = await this.ensureBrowser();
    const release = await this.slot(options.signal);
    let context: BrowserContext | undefined;
    const onAbort = () => void context?.close().catch(() => {});
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      context = await browser.newContext({
        userAgent: this.opts.userAgent,
        extraHTTPHeaders: options.headers,
        ...(options.proxy ? { proxy: { server: options.proxy } } : {}),
        javaScriptEnabled: true,
        serviceWorkers: 'block',
      });
      await context.route('**/*', async (route) => {
        const req = route.request();
        if (this.opts.blockHeavyResources && ['image', 'media', 'font'].includes(req.resourceType()))
          return route.abort();
        if (!(await this.hostAllowed(req.url()))) return route.abort('blockedbyclient');
        return route.continue();
      });
      const page = await context.newPage();
      page.setDefaultNavigationTimeout(this.opts.navigationTimeoutMs);
      const response = await page.goto(url, { waitUntil: 'load' });
      if (options.signal?.aborted) throw new FetchError('ABORTED', 'render cancelled', { url });
      if (response && response.status() >= 400)
        throw new FetchError(`UPSTREAM_HTTP_${response.status()}`, `HTTP ${response.status()} from ${url}`, {
          url,
          status: response.status(),
        });
      await page
        .waitForLoadState('networkidle', { timeout: Math.min(5_000, this.opts.navigationTimeoutMs) })
        .catch(() => {});
      if (this.opts.settleMs) await page.waitForTimeout(this.opts.settleMs);
      return { html: await page.content(), finalUrl: page.url() };
    } catch (err) {
      if (isFetchError(err)) throw err;
      if (options.signal?.aborted)
        throw new FetchError('ABORTED', 'render cancelled', { url }, { cause: err });
      const msg = (err as Error)?.message ?? String(err);
      if (/Timeout .* exceeded/i.test(msg))
        throw new FetchError('UPSTREAM_TIMEOUT', `page did not load: ${msg}`, { url }, { cause: err });
      if (/ERR_BLOCKED_BY_CLIENT/.test(msg))
        throw new FetchError(
          'SSRF_BLOCKED',
          `navigation to an internal address refused: ${url}`,
          { url },
          { cause: err },
        );
      if (/ERR_NAME_NOT_RESOLVED/.test(msg)) throw new FetchError('DNS', msg, { url }, { cause: err });
      if (/ERR_CERT|SSL/.test(msg)) throw new FetchError('TLS', msg, { url }, { cause: err });
      throw classifyNetworkError(err, url);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await context?.close().catch(() => {});
      release();
    }
  }
}

/** playwright-core costs ~57 MB and seconds of start-up: load it at the first browser launch, not at import. */
async function loadChromium() {
  return (await import('playwright-core')).chromium;
}
