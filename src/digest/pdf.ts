// PDF through the system Chromium. One browser per renderer, reused across renders; start()/stop().
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { AppError } from '../errors.ts';

export type PdfLayout = 'a4' | 'single-page';

export interface PdfRendererOptions {
  /** Default /usr/bin/chromium (Debian package); never a downloaded browser. */
  executablePath?: string;
  /** How long the browser may take to start. Default 30 s. */
  launchTimeoutMs?: number;
  /** Per-render limit. Default 30 s. */
  renderTimeoutMs?: number;
  /** Parent directory for the throwaway profile. Default the OS temp dir. */
  tempDir?: string;
}

export interface RenderPdfOptions {
  /** A4 pages (default) or one tall page holding the whole digest. */
  layout?: PdfLayout;
  signal?: AbortSignal;
}

export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

const A4_WIDTH_PX = 794; // 210 mm at 96 dpi
// Chromium refuses page sizes beyond ~200 inches; a longer digest is cut into a few tall pages.
const MAX_PAGE_HEIGHT_PX = 19_000;

export class PdfRenderer {
  private readonly executablePath: string;
  private readonly launchTimeoutMs: number;
  private readonly renderTimeoutMs: number;
  private readonly tempDir: string;
  private context: BrowserContext | null = null;
  private profileDir: string | null = null;
  private launching: Promise<BrowserContext> | null = null;
  private started = false;

  constructor(options: PdfRendererOptions = {}) {
    this.executablePath = options.executablePath ?? '/usr/bin/chromium';
    this.launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
    this.renderTimeoutMs = options.renderTimeoutMs ?? 30_000;
    this.tempDir = options.tempDir ?? tmpdir();
  }

  async start(): Promise<void> {
    this.started = true;
    await this.browser();
  }

  async stop(): Promise<void> {
    this.started = false;
    const launching = this.launching;
    this.launching = null;
    const context = this.context ?? (launching ? await launching.catch(() => null) : null);
    this.context = null;
    if (context) await context.close().catch(() => undefined);
    await this.dropProfile();
  }

  /** Render a standalone HTML page to PDF bytes. */
  async render(html: string, options: RenderPdfOptions = {}): Promise<Buffer> {
    if (!this.started) throw new AppError('UNAVAILABLE', 'PDF renderer is not started');
    options.signal?.throwIfAborted();
    const context = await this.browser();
    const page = await context.newPage();
    const onAbort = () => void page.close().catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      page.setDefaultTimeout(this.renderTimeoutMs);
      await page.setContent(html, { waitUntil: 'load', timeout: this.renderTimeoutMs });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      if ((options.layout ?? 'a4') === 'a4') {
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      }
      await page.emulateMedia({ media: 'screen' });
      // A short viewport so scrollHeight measures the content, not the window.
      await page.setViewportSize({ width: A4_WIDTH_PX, height: 100 });
      const height = Math.min(
        (await page.evaluate(() => Math.ceil(document.documentElement.scrollHeight))) + 2,
        MAX_PAGE_HEIGHT_PX,
      );
      // The page's own @page rule (A4, margins) would win over pdf() options: replace it.
      await page.evaluate((css) => {
        const style = document.createElement('style');
        style.textContent = css;
        document.head.append(style);
      }, `@page{size:${A4_WIDTH_PX}px ${height}px;margin:0}`);
      return await page.pdf({ printBackground: true, preferCSSPageSize: true });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      throw new AppError('INTERNAL', `PDF rendering failed: ${(err as Error).message}`, undefined, {
        cause: err,
      });
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await page.close().catch(() => undefined);
    }
  }

  /**
   * Names of the installed fonts Chromium actually uses to draw the text of `selector` on the page:
   * a health check that a CJK font is present (otherwise Chinese prints as empty boxes).
   */
  async fontsUsed(html: string, selector = 'body'): Promise<string[]> {
    if (!this.started) throw new AppError('UNAVAILABLE', 'PDF renderer is not started');
    const context = await this.browser();
    const page = await context.newPage();
    try {
      await page.setContent(html, { waitUntil: 'load', timeout: this.renderTimeoutMs });
      const cdp = await context.newCDPSession(page);
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
      const names = new Set<string>();
      for (const nodeId of nodeIds) {
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
        for (const f of fonts) names.add(f.familyName);
      }
      await cdp.detach();
      return [...names];
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  /** The running browser, launching it (again, after a crash) when needed. */
  private async browser(): Promise<BrowserContext> {
    if (this.context) return this.context;
    this.launching ??= this.launch().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async launch(): Promise<BrowserContext> {
    await this.dropProfile();
    const profileDir = await mkdtemp(path.join(this.tempDir, 'newsdesk-chromium-'));
    this.profileDir = profileDir;
    let context: BrowserContext;
    try {
      context = await (
        await loadChromium()
      ).launchPersistentContext(profileDir, {
        executablePath: this.executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS],
        timeout: this.launchTimeoutMs,
        offline: true,
        javaScriptEnabled: false,
        serviceWorkers: 'block',
        acceptDownloads: false,
      });
    } catch (err) {
      await this.dropProfile();
      throw new AppError(
        'UNAVAILABLE',
        `cannot start Chromium at ${this.executablePath}: ${(err as Error).message}`,
        undefined,
        {
          cause: err,
        },
      );
    }
    // The page is self-contained: anything that tries to leave the machine is refused.
    await context.route(/^(?!data:|about:)/, (route) => route.abort('blockedbyclient'));
    context.on('close', () => {
      if (this.context === context) this.context = null;
    });
    if (!this.started) {
      await context.close().catch(() => undefined);
      await this.dropProfile();
      throw new AppError('UNAVAILABLE', 'PDF renderer stopped while starting');
    }
    this.context = context;
    return context;
  }

  private async dropProfile(): Promise<void> {
    const dir = this.profileDir;
    this.profileDir = null;
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** playwright-core costs ~57 MB and seconds of start-up: load it at the first browser launch, not at import. */
async function loadChromium() {
  return (await import('playwright-core')).chromium;
}
