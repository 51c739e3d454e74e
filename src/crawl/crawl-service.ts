// The crawler as the app uses it: one long-lived HTTP fetcher and (only when a `browser` source needs it)
// one headless Chromium, the crawl runs, and the source-list chores around them (validation, discovery,
// OPML). start()/stop(): nothing opens before first use, stop() closes what was opened.
import type { Logger } from 'pino';
import type { CrawlSettings } from '../config/crawl-spec.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Source } from '../store/content-types.ts';
import type { ArticlesRepo, NewSource, SourcesRepo } from '../store/crawl-types.ts';
import { BrowserFetcher } from './browser/browser-fetcher.ts';
import {
  crawlSource,
  crawlSources,
  type CrawlDeps,
  type CrawlSourcesHooks,
  type CrawlSourcesOptions,
  type CrawlSourcesSummary,
  type SourceCrawlResult,
} from './crawl-source.ts';
import type { PageLoader } from './extract/extract-article.ts';
import { decodeBody } from './fetch/charset.ts';
import { isFetchError, type FetchError } from './fetch/errors.ts';
import type { HostLimiter } from './fetch/host-limiter.ts';
import { DEFAULT_FEED_ACCEPT, HttpFetcher } from './fetch/http-fetcher.ts';
import { parseFeedResponse } from './fetch-feed.ts';
import { inlineCrawlParser, WorkerCrawlParser, type CrawlParser } from './parse-pool.ts';
import { discoverFeeds, type DiscoveredFeed } from './parse/discover.ts';
import { FeedParseError } from './parse/feed.ts';
import { generateOpmlDocument, parseOpml } from './parse/opml.ts';

/** A limiter shared by every worker (distributed mode), made on first use. */
export type HostLimiterFactory = (opts: {
  maxConcurrentPerHost: number;
  minDelayMs: number;
}) => Promise<HostLimiter & { close(): Promise<void> | void }>;

export interface CrawlServiceOptions {
  sources: SourcesRepo;
  articles: ArticlesRepo;
  settings: CrawlSettings;
  logger: Logger;
  hostLimiterFactory?: HostLimiterFactory;
}

export interface RunContext extends CrawlSourcesHooks {
  signal?: AbortSignal;
  executionId?: string | null;
  log?: Logger;
}

export interface Discovered {
  /** The URL asked for and where it ended after redirects. */
  url: string;
  finalUrl: string;
  /** The URL itself is a feed (then `feeds` holds just it). */
  isFeed: boolean;
  title?: string;
  feeds: DiscoveredFeed[];
}

export interface OpmlImportReport {
  created: Source[];
  skipped: { url: string; reason: string }[];
}

/** http(s) with a host, no credentials; the message says what is wrong. */
export function checkSourceUrl(raw: string, field = 'url'): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new ValidationError(`${field}: not a URL: ${raw.slice(0, 200)}`, { field });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ValidationError(`${field}: only http and https URLs can be crawled (got ${u.protocol})`, {
      field,
    });
  if (!u.hostname) throw new ValidationError(`${field}: the URL has no host`, { field });
  u.hash = '';
  return u.href;
}

/** Fetch failures of user-initiated requests (discovery) as app errors the API maps to 4xx/5xx. */
function upstreamError(err: FetchError): AppError {
  if (err.code === 'SSRF_BLOCKED' || err.code === 'INVALID_URL')
    return new ValidationError(`url: ${err.message}`, { field: 'url' });
  if (err.code === 'UPSTREAM_TIMEOUT')
    return new AppError('UPSTREAM_TIMEOUT', err.message, { code: err.code });
  return new AppError('UPSTREAM_HTTP', `${err.code}: ${err.message}`, { code: err.code, status: err.status });
}

export class CrawlService {
  /** Sources being crawled by this process right now. */
  readonly inFlight = new Set<string>();
  readonly settings: CrawlSettings;
  readonly #opts: CrawlServiceOptions;
  #fetcher?: Promise<HttpFetcher>;
  #limiter?: { close(): Promise<void> | void };
  #browser?: BrowserFetcher;
  #parser?: CrawlParser;
  #stopped = false;

  constructor(opts: CrawlServiceOptions) {
    this.#opts = opts;
    this.settings = opts.settings;
  }

  /** The shared fetcher (made on first use). */
  fetcher(): Promise<HttpFetcher> {
    if (this.#stopped) return Promise.reject(new AppError('UNAVAILABLE', 'the crawler is stopped'));
    this.#fetcher ??= (async () => {
      const s = this.settings;
      const limiter = await this.#opts.hostLimiterFactory?.({
        maxConcurrentPerHost: s.perHostConcurrency,
        minDelayMs: s.perHostDelayMs,
      });
      this.#limiter = limiter;
      return new HttpFetcher({
        // Absent, not undefined: the fetcher's defaults apply to missing keys only.
        ...(s.userAgent ? { userAgent: s.userAgent } : {}),
        ...(s.proxy ? { proxy: s.proxy } : {}),
        allowPrivate: s.allowPrivate,
        connectTimeoutMs: s.connectTimeoutMs,
        headersTimeoutMs: s.headersTimeoutMs,
        bodyTimeoutMs: s.bodyTimeoutMs,
        totalTimeoutMs: s.totalTimeoutMs,
        maxBodyBytes: s.maxBodyBytes,
        maxRedirects: s.maxRedirects,
        hostLimiter: limiter,
        maxConcurrentPerHost: s.perHostConcurrency,
        minDelayPerHostMs: s.perHostDelayMs,
        robotsTtlMs: s.robotsTtlMs,
        // Enough sockets that per-host politeness, not the pool, is the limit.
        connectionsPerOrigin: Math.max(2, s.perHostConcurrency),
      });
    })();
    return this.#fetcher;
  }

  /** The shared Chromium for `browser` sources; launched by its first page. */
  browser(): PageLoader {
    this.#browser ??= new BrowserFetcher({
      executablePath: this.settings.chromiumPath,
      maxPages: this.settings.browserPages,
      userAgent: this.settings.userAgent,
      allowPrivate: this.settings.allowPrivate,
      navigationTimeoutMs: this.settings.totalTimeoutMs,
    });
    return this.#browser;
  }

  /** Feed parsing and page extraction: worker threads (started on first use), or inline with 0 threads. */
  parser(): CrawlParser {
    this.#parser ??=
      this.settings.parseThreads > 0
        ? new WorkerCrawlParser({
            threads: this.settings.parseThreads,
            onFallback: (err) =>
              this.#opts.logger.warn(
                { err },
                'crawl parser threads could not start: parsing on the main thread',
              ),
          })
        : inlineCrawlParser;
    return this.#parser;
  }

  get browserRunning(): boolean {
    return this.#browser?.running ?? false;
  }

  async #deps(ctx: RunContext): Promise<CrawlDeps> {
    return {
      sources: this.#opts.sources,
      articles: this.#opts.articles,
      fetcher: await this.fetcher(),
      parser: this.parser(),
      browser: () => this.browser(),
      settings: this.settings,
      signal: ctx.signal,
      executionId: ctx.executionId,
      log: ctx.log ?? this.#opts.logger,
    };
  }

  /** Crawl the due sources (or all active ones with `force`, or the given ids). */
  async crawlDue(
    options: Omit<CrawlSourcesOptions, 'inFlight'>,
    ctx: RunContext = {},
  ): Promise<CrawlSourcesSummary> {
    return crawlSources(await this.#deps(ctx), { ...options, inFlight: this.inFlight }, ctx);
  }

  /** Crawl one source now, due or not; undefined when this process is crawling it already. */
  async crawlOne(sourceId: string, ctx: RunContext = {}): Promise<SourceCrawlResult | undefined> {
    const source = await this.#opts.sources.get(sourceId);
    if (!source) throw new NotFoundError('source', sourceId);
    if (this.inFlight.has(sourceId)) return undefined;
    this.inFlight.add(sourceId);
    try {
      return await crawlSource(source, await this.#deps(ctx));
    } finally {
      this.inFlight.delete(sourceId);
    }
  }

  /** The feeds a site advertises, or the URL itself when it is a feed. */
  async discover(url: string, signal?: AbortSignal): Promise<Discovered> {
    const target = checkSourceUrl(url);
    const fetcher = await this.fetcher();
    let res;
    try {
      res = await fetcher.fetch(target, {
        signal,
        accept: `text/html,application/xhtml+xml;q=0.9,${DEFAULT_FEED_ACCEPT}`,
        maxBytes: Math.min(this.settings.maxBodyBytes, 5 * 1024 * 1024),
      });
    } catch (err) {
      if (isFetchError(err)) throw upstreamError(err);
      throw err;
    }
    const type = (res.contentType ?? '').toLowerCase();
    const head = new TextDecoder()
      .decode(res.bytes.subarray(0, 512))
      .trimStart()
      .replace(/^\uFEFF/, '');
    const looksLikeFeed =
      /(rss|atom|rdf|xml|feed\+json|json)/.test(type) ||
      /^(<\?xml|<rss|<feed|<rdf:RDF)/i.test(head) ||
      head.startsWith('{');
    if (looksLikeFeed && !/html/.test(type)) {
      try {
        const { feed } = parseFeedResponse(res, { defaultTimeZone: this.settings.timeZone });
        const kind = feed.format === 'cdf' ? 'unknown' : feed.format;
        return {
          url: target,
          finalUrl: res.finalUrl,
          isFeed: true,
          title: feed.title,
          feeds: [{ url: res.finalUrl, type: kind, ...(feed.title ? { title: feed.title } : {}) }],
        };
      } catch {
        // Not a feed after all: read it as a page.
      }
    }
    const html = decodeBody(res.bytes, { contentType: res.contentType, kind: 'html' }).text;
    const found = discoverFeeds(html, res.finalUrl);
    const title = /<title[^>]*>([^<]{1,300})<\/title>/i.exec(html)?.[1]?.trim();
    return {
      url: target,
      finalUrl: res.finalUrl,
      isFeed: false,
      ...(title ? { title } : {}),
      feeds: found.feeds,
    };
  }

  /** Creates a source per new feed URL of the OPML document; existing and invalid URLs are reported. */
  async importOpml(xml: string): Promise<OpmlImportReport> {
    let doc;
    try {
      doc = parseOpml(xml);
    } catch (err) {
      if (err instanceof FeedParseError) throw new AppError('PARSE', err.message);
      throw err;
    }
    const report: OpmlImportReport = { created: [], skipped: [] };
    for (const entry of doc.sources) {
      let url: string;
      try {
        url = checkSourceUrl(entry.xmlUrl, 'xmlUrl');
      } catch (err) {
        report.skipped.push({ url: entry.xmlUrl, reason: (err as Error).message });
        continue;
      }
      const input: NewSource = {
        name: entry.title.slice(0, 200) || url,
        url,
        type: 'feed',
        description:
          entry.description?.slice(0, 2000) ?? (entry.category ? `category: ${entry.category}` : null),
      };
      try {
        report.created.push(await this.#opts.sources.create(input));
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        report.skipped.push({ url, reason: 'a source with this URL exists already' });
      }
    }
    return report;
  }

  /** OPML 2.0 of the feed sources (page and browser sources are not feeds and are left out). */
  async exportOpml(now = new Date()): Promise<string> {
    const { items } = await this.#opts.sources.list({ type: 'feed', limit: 1_000_000 });
    return generateOpmlDocument(
      'newsdesk sources',
      items.map((s) => ({
        title: s.name,
        xmlUrl: s.url,
        ...(s.description ? { description: s.description } : {}),
      })),
      now,
    );
  }

  async start(): Promise<void> {
    // Nothing to open ahead of use: the fetcher and the browser start on demand.
  }

  /** Closes the fetcher's connections, the browser and a shared limiter; call after the engine stopped. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const fetcher = await this.#fetcher?.catch(() => undefined);
    await Promise.allSettled([
      fetcher?.close(),
      this.#browser?.stop(),
      this.#limiter?.close(),
      this.#parser?.close(),
    ]);
  }
}
