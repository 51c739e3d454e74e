// The crawl orchestrator: one source (fetch with conditional GET, parse, keep recent entries, full text for
// thin ones, store new articles in one transaction, write the source state and a history row), and every
// due source at once within global and per-host limits, without penalising sources for our own outage.
import { yieldToEventLoop } from '../event-loop.ts';
import type { Logger } from 'pino';
import type { CrawlSettings } from '../config/crawl-spec.ts';
import type { Source } from '../store/content-types.ts';
import type {
  ArticlesRepo,
  CrawlLogLine,
  CrawlRunStatus,
  InsertArticlesResult,
  NewArticle,
  NewCrawlRun,
  SourcesRepo,
  SourceStatePatch,
  SourceStateWrite,
} from '../store/crawl-types.ts';
import { pageToArticle, withFullText, type EntryArticle } from './entry-article.ts';
import { extractArticle, type PageExtractor, type PageLoader } from './extract/extract-article.ts';
import { extractListLinks } from './extract/page-source.ts';
import { decodeBody } from './fetch/charset.ts';
import { isFetchError } from './fetch/errors.ts';
import {
  DEFAULT_PAGE_ACCEPT,
  type FetchOutcome,
  type HttpFetcher,
  type RedirectHop,
} from './fetch/http-fetcher.ts';
import type { ParsedSummary } from './feed-jobs.ts';
import { mapLimit } from './map-limit.ts';
import type { CrawlParser } from './parse-pool.ts';
import { contentHash } from './sources/content-hash.ts';
import { isLikelyOutage, isWithinMaxAge } from './sources/crawl-policy.ts';
import {
  stateAfterFailure,
  stateAfterOutage,
  stateAfterSuccess,
  type StatePolicy,
} from './sources/source-state.ts';
import { normalizeUrl } from './sources/url-normalize.ts';
import { WorkGate } from './work-gate.ts';

export type CrawlCoreSettings = Pick<
  CrawlSettings,
  | 'concurrency'
  | 'bodyConcurrency'
  | 'robots'
  | 'timeZone'
  | 'fullTextMinChars'
  | 'fullTextConcurrency'
  | 'fullTextMaxPerCrawl'
  | 'pageMaxLinks'
  | 'autoDisableAfterMs'
  | 'redirectPromoteAfter'
>;

export interface CrawlDeps {
  sources: SourcesRepo;
  articles: ArticlesRepo;
  fetcher: HttpFetcher;
  /** Feed parsing, entry cleaning and page extraction (worker threads, or inline). */
  parser: CrawlParser;
  /** The shared headless browser for `browser` sources (started on first use). */
  browser: () => PageLoader;
  settings: CrawlCoreSettings;
  /**
   * Feed bodies parsed and built at once across a run; the other fetched bodies wait here, so the main
   * thread's backlog (and the API's latency) stays bounded while 304s and fetches go on.
   */
  bodyGate?: WorkGate;
  signal?: AbortSignal;
  executionId?: string | null;
  log?: Logger;
  now?: () => number;
  random?: () => number;
}

export interface SourceCrawlResult {
  sourceId: string;
  name: string;
  url: string;
  status: CrawlRunStatus;
  httpStatus: number | null;
  errorCode?: string;
  errorMessage?: string;
  itemsFound: number;
  itemsNew: number;
  newArticleIds: string[];
  durationMs: number;
  /** The stored URL moved to this permanent redirect target. */
  promotedTo?: string;
  /** Set when the failure disabled the source. */
  disabledReason?: string;
  /** The failure was not counted: every source failed at once. */
  outage?: boolean;
}

interface Fetched {
  status: number;
  notModified: boolean;
  etag?: string;
  lastModified?: string;
  redirects: RedirectHop[];
  ttlMinutes?: number;
  maxAgeMs?: number;
  retryAfterMs?: number;
  publishedAt?: number[];
  itemsFound: number;
  articles: NewArticle[];
  /** Hash of a body that came without validators (null: it had some); absent when no body was read. */
  bodyHash?: string | null;
  /** The body matched the last one's hash: handled as a 304. */
  unchangedBody?: boolean;
}

const MAX_LOG_LINES = 50;

/** The page loader over HTTP, with robots.txt per configuration. */
export function httpLoader(fetcher: HttpFetcher, robots: boolean): PageLoader {
  return {
    async loadPage(url, options) {
      const res = await fetcher.fetch(url, { ...options, checkRobots: robots, accept: DEFAULT_PAGE_ACCEPT });
      return {
        html: decodeBody(res.bytes, { contentType: res.contentType, kind: 'html' }).text,
        finalUrl: res.finalUrl,
      };
    },
  };
}

class Journal {
  readonly lines: CrawlLogLine[] = [];
  constructor(
    private readonly now: () => number,
    private readonly log: Logger | undefined,
    private readonly sourceId: string,
  ) {}
  add(level: CrawlLogLine['level'], msg: string): void {
    if (this.lines.length < MAX_LOG_LINES) this.lines.push({ ts: this.now(), level, msg });
    else if (this.lines.length === MAX_LOG_LINES)
      this.lines.push({ ts: this.now(), level: 'warn', msg: 'more lines left out' });
    // Details stay in the source's history; the execution log gets the failures.
    this.log?.[level === 'error' ? 'warn' : 'debug']({ sourceId: this.sourceId }, msg);
  }
}

function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return !!signal?.aborted || (isFetchError(err) && err.code === 'ABORTED');
}

function codeOf(err: unknown): string {
  if (isFetchError(err)) return err.code;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : 'INTERNAL';
}

function messageOf(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).slice(0, 1000);
}

/** Article extraction on the crawl's parser threads, off the thread that serves the API. */
function extractOnParserThreads(deps: CrawlDeps): PageExtractor {
  return (html, url, options) => deps.parser.extractPage(html, url, options);
}

/** Full text for the thin entries, a few at a time; a page that fails keeps the feed text. */
async function addFullText(
  articles: EntryArticle[],
  loader: PageLoader,
  source: Source,
  deps: CrawlDeps,
  journal: Journal,
): Promise<EntryArticle[]> {
  const wanted = articles.map((a, i) => ({ a, i })).filter(({ a }) => a.needsFullText);
  const limited = wanted.slice(0, deps.settings.fullTextMaxPerCrawl);
  if (wanted.length > limited.length)
    journal.add('info', `full text for ${limited.length} of ${wanted.length} thin entries (cap per crawl)`);
  const out = articles.slice();
  await mapLimit(
    limited,
    deps.settings.fullTextConcurrency,
    async ({ a, i }) => {
      try {
        const page = await extractArticle(
          loader,
          a.url,
          {
            signal: deps.signal,
            headers: source.headers ?? undefined,
            proxy: source.proxy ?? undefined,
            defaultTimeZone: deps.settings.timeZone,
          },
          extractOnParserThreads(deps),
        );
        if (page) out[i] = withFullText(a, page);
        else journal.add('warn', `no article text found at ${a.url}`);
      } catch (err) {
        if (isAbort(err, deps.signal)) throw err;
        journal.add('warn', `full text of ${a.url} failed (${codeOf(err)}): ${messageOf(err)}`);
      }
    },
    deps.signal,
  );
  return out;
}

async function newOnly<T extends { canonicalUrl: string; guid: string | null }>(
  sourceId: string,
  items: T[],
  articles: ArticlesRepo,
): Promise<T[]> {
  if (items.length === 0) return items;
  const known = await articles.findExisting(sourceId, {
    canonicalUrls: items.map((x) => x.canonicalUrl),
    guids: items.flatMap((x) => (x.guid === null ? [] : [x.guid])),
  });
  return items.filter(
    (x) => !known.canonicalUrls.has(x.canonicalUrl) && !(x.guid !== null && known.guids.has(x.guid)),
  );
}

/** A source's own request settings and its validators for a conditional GET. */
function conditionalRequest(source: Source, signal: AbortSignal | undefined) {
  return {
    etag: source.etag ?? undefined,
    lastModified: source.lastModified ?? undefined,
    headers: source.headers ?? undefined,
    proxy: source.proxy ?? undefined,
    signal,
  };
}

/** Parses a feed body (on a parser thread) and builds the entries this source does not have yet. */
async function readEntries(
  source: Source,
  deps: CrawlDeps,
  r: FetchOutcome,
  now: number,
  journal: Journal,
): Promise<{ parsed: ParsedSummary; articles: EntryArticle[] }> {
  const handle = await deps.parser.parse({
    bytes: r.bytes,
    contentType: r.contentType,
    finalUrl: r.finalUrl,
    timeZone: deps.settings.timeZone,
    maxFetchDays: source.maxFetchDays,
    now,
  });
  const parsed = handle.summary;
  try {
    await yieldToEventLoop();
    for (const w of parsed.warnings.slice(0, 10)) journal.add('warn', w);
    if (parsed.recent.length < parsed.total)
      journal.add(
        'info',
        `${parsed.total - parsed.recent.length} entries older than ${source.maxFetchDays} days skipped`,
      );
    const fresh = await newOnly(
      source.id,
      parsed.recent.map((id, index) => ({ index, canonicalUrl: id.canonicalUrl, guid: id.guid })),
      deps.articles,
    );
    const articles = await handle.build(
      fresh.map((f) => f.index),
      {
        sourceUrl: r.finalUrl,
        siteUrl: parsed.link,
        useDescriptionAsSummary: source.useDescriptionAsSummary,
        fullText: source.fullText,
        fullTextMinChars: deps.settings.fullTextMinChars,
      },
    );
    return { parsed, articles };
  } finally {
    handle.release();
  }
}

async function crawlFeed(source: Source, deps: CrawlDeps, now: number, journal: Journal): Promise<Fetched> {
  const r = await deps.fetcher.fetch(source.url, conditionalRequest(source, deps.signal));
  const common = {
    status: r.status,
    etag: r.etag,
    lastModified: r.lastModified,
    redirects: r.redirects,
    maxAgeMs: r.maxAgeMs,
    retryAfterMs: r.retryAfterMs,
  };
  // 304: nothing to decode, parse or store.
  if (r.notModified) return { ...common, notModified: true, itemsFound: 0, articles: [] };
  // Without ETag or Last-Modified, the same bytes as last time are as good as a 304.
  const bodyHash = r.etag || r.lastModified ? null : contentHash(r.bytes);
  if (bodyHash && bodyHash === source.bodyHash)
    return { ...common, notModified: true, unchangedBody: true, bodyHash, itemsFound: 0, articles: [] };
  const read = () => readEntries(source, deps, r, now, journal);
  const { parsed, articles: built } = await (deps.bodyGate ? deps.bodyGate.run(read) : read());
  let articles = built;
  if (articles.some((a) => a.needsFullText)) {
    const loader =
      source.type === 'browser' ? deps.browser() : httpLoader(deps.fetcher, deps.settings.robots);
    articles = await addFullText(articles, loader, source, deps, journal);
  }
  return {
    ...common,
    notModified: false,
    bodyHash,
    ttlMinutes: parsed.ttlMinutes,
    publishedAt: parsed.publishedAt,
    itemsFound: parsed.total,
    articles: articles.map(({ needsFullText: _n, ...a }) => a),
  };
}

/** `page` and `browser` sources: article links on the listing page, each article extracted. */
async function crawlListing(
  source: Source,
  deps: CrawlDeps,
  now: number,
  journal: Journal,
): Promise<Fetched> {
  const loader = source.type === 'browser' ? deps.browser() : httpLoader(deps.fetcher, deps.settings.robots);
  let listing: { html: string; finalUrl: string };
  let common: Omit<Fetched, 'notModified' | 'itemsFound' | 'articles'>;
  if (source.type === 'browser') {
    listing = await loader.loadPage(source.url, {
      signal: deps.signal,
      headers: source.headers ?? undefined,
      proxy: source.proxy ?? undefined,
    });
    common = { status: 200, redirects: [] };
  } else {
    const res = await deps.fetcher.fetch(source.url, {
      ...conditionalRequest(source, deps.signal),
      checkRobots: deps.settings.robots,
      accept: DEFAULT_PAGE_ACCEPT,
    });
    common = {
      status: res.status,
      etag: res.etag,
      lastModified: res.lastModified,
      redirects: res.redirects,
      maxAgeMs: res.maxAgeMs,
      retryAfterMs: res.retryAfterMs,
    };
    if (res.notModified) return { ...common, notModified: true, itemsFound: 0, articles: [] };
    listing = {
      html: decodeBody(res.bytes, { contentType: res.contentType, kind: 'html' }).text,
      finalUrl: res.finalUrl,
    };
  }
  const links = extractListLinks(listing.html, listing.finalUrl, {
    selector: source.selectors?.list,
    max: deps.settings.pageMaxLinks,
  });
  if (links.length === 0) journal.add('warn', `no article links found on ${listing.finalUrl}`);
  const fresh = await newOnly(
    source.id,
    links.map((l) => ({ ...l, canonicalUrl: normalizeUrl(l.url), guid: null })),
    deps.articles,
  );
  const selectors = source.selectors?.content
    ? { title: source.selectors.title, content: source.selectors.content }
    : undefined;
  const pages = await mapLimit(
    fresh,
    deps.settings.fullTextConcurrency,
    async (link) => {
      try {
        const page = await extractArticle(
          loader,
          link.url,
          {
            signal: deps.signal,
            selectors,
            headers: source.headers ?? undefined,
            proxy: source.proxy ?? undefined,
            defaultTimeZone: deps.settings.timeZone,
          },
          extractOnParserThreads(deps),
        );
        if (!page) journal.add('warn', `no article text found at ${link.url}`);
        return page ? pageToArticle(link, page) : undefined;
      } catch (err) {
        if (isAbort(err, deps.signal)) throw err;
        journal.add('warn', `article ${link.url} failed (${codeOf(err)}): ${messageOf(err)}`);
        return undefined;
      }
    },
    deps.signal,
  );
  deps.signal?.throwIfAborted();
  const articles = pages.filter(
    (a): a is NewArticle => !!a && isWithinMaxAge(a.publishedAt ?? undefined, now, source.maxFetchDays),
  );
  const publishedAt = articles.flatMap((a) => (a.publishedAt === null ? [] : [a.publishedAt]));
  return {
    ...common,
    notModified: false,
    publishedAt: publishedAt.length ? publishedAt : undefined,
    itemsFound: links.length,
    articles,
  };
}

export interface PendingCrawl {
  result: SourceCrawlResult;
  /** Writes a failure (counted, or as an outage). Absent when the crawl succeeded (already written). */
  commitFailure?: (outage: boolean) => Promise<SourceCrawlResult>;
}

function policyOf(deps: CrawlDeps): StatePolicy {
  return {
    redirectPromoteAfter: deps.settings.redirectPromoteAfter,
    autoDisableAfterMs: deps.settings.autoDisableAfterMs,
    random: deps.random,
  };
}

/**
 * Crawls one source; a success is written at once, a failure is handed back to be written once the caller
 * knows whether the whole run looks like an outage. Throws only when aborted (nothing is written then).
 */
export async function crawlSourceDeferred(source: Source, deps: CrawlDeps): Promise<PendingCrawl> {
  const now = deps.now ?? Date.now;
  const started = now();
  const journal = new Journal(now, deps.log, source.id);
  const base = { sourceId: source.id, name: source.name, url: source.url };
  const run = (status: CrawlRunStatus, more: Partial<NewCrawlRun>): NewCrawlRun => ({
    sourceId: source.id,
    executionId: deps.executionId ?? null,
    url: source.url,
    status,
    httpStatus: null,
    errorCode: null,
    errorMessage: null,
    itemsFound: 0,
    itemsNew: 0,
    outage: false,
    startedAt: started,
    finishedAt: now(),
    durationMs: now() - started,
    log: journal.lines,
    ...more,
  });
  let fetched: Fetched;
  try {
    fetched =
      source.type === 'feed'
        ? await crawlFeed(source, deps, started, journal)
        : await crawlListing(source, deps, started, journal);
  } catch (err) {
    if (isAbort(err, deps.signal)) throw deps.signal?.reason ?? err;
    const code = codeOf(err);
    const message = messageOf(err);
    const status = isFetchError(err) ? err.status : undefined;
    const retryAfterMs = isFetchError(err) ? err.retryAfterMs : undefined;
    journal.add('error', `${code}: ${message}`);
    if (code === 'INTERNAL') deps.log?.error({ err, sourceId: source.id }, 'crawl failed unexpectedly');
    const result: SourceCrawlResult = {
      ...base,
      status: 'failed',
      httpStatus: status ?? null,
      errorCode: code,
      errorMessage: message,
      itemsFound: 0,
      itemsNew: 0,
      newArticleIds: [],
      durationMs: now() - started,
    };
    const facts = { now: started, code, message, status, retryAfterMs };
    return {
      result,
      commitFailure: async (outage) => {
        const patch: SourceStatePatch = outage
          ? stateAfterOutage(source, facts, policyOf(deps))
          : stateAfterFailure(source, facts, policyOf(deps));
        if (patch.disabledReason) journal.add('error', patch.disabledReason);
        await deps.sources.updateState(
          source.id,
          patch,
          run('failed', { httpStatus: status ?? null, errorCode: code, errorMessage: message, outage }),
          now(),
        );
        return {
          ...result,
          ...(outage ? { outage } : {}),
          ...(patch.disabledReason ? { disabledReason: patch.disabledReason } : {}),
        };
      },
    };
  }

  await yieldToEventLoop();
  const fetchedAt = now();
  const status: CrawlRunStatus = fetched.notModified ? 'not_modified' : 'ok';
  const facts = { ...fetched, now: started };
  // A permanent redirect due for promotion must not take another source's URL: looked up before the write.
  const promoting = stateAfterSuccess(
    source,
    { ...facts, itemsNew: 0, message: '' },
    policyOf(deps),
  ).promotedTo;
  const holder = promoting ? await deps.sources.getByUrl(promoting) : undefined;
  let written: { inserted: InsertArticlesResult; patch: SourceStatePatch } | undefined;
  // The source's state is made from what was inserted and written in the same transaction as the articles.
  const stateFor = (inserted: InsertArticlesResult): SourceStateWrite => {
    const itemsNew = inserted.insertedIds.length;
    const message = fetched.unchangedBody
      ? 'not modified (the same body as last time; the server sends no ETag or Last-Modified)'
      : fetched.notModified
        ? 'not modified'
        : `${itemsNew} new of ${fetched.itemsFound}${inserted.crossSource ? ` (${inserted.crossSource} also in other sources)` : ''}`;
    journal.add('info', `HTTP ${fetched.status}: ${message}`);
    const { patch, promotedTo } = stateAfterSuccess(source, { ...facts, itemsNew, message }, policyOf(deps));
    if (promotedTo && holder && holder.id !== source.id) {
      delete patch.url;
      patch.pendingRedirectUrl = null;
      patch.pendingRedirectCount = 0;
      journal.add(
        'warn',
        `permanent redirect to ${promotedTo} not applied: source ${holder.name} has that URL`,
      );
    } else if (promotedTo)
      journal.add(
        'info',
        `permanent redirect repeated ${deps.settings.redirectPromoteAfter} times: URL is now ${promotedTo}`,
      );
    written = { inserted, patch };
    const record = run(status, { httpStatus: fetched.status, itemsFound: fetched.itemsFound, itemsNew });
    return { patch, run: record, now: now() };
  };
  if (fetched.articles.length)
    await deps.articles.insertForSource(source.id, fetched.articles, fetchedAt, stateFor);
  else {
    const state = stateFor({ insertedIds: [], duplicates: 0, crossSource: 0 });
    await deps.sources.updateState(source.id, state.patch, state.run, state.now);
  }
  if (!written) throw new Error('the articles repository did not write the source state');
  const { inserted, patch } = written;
  return {
    result: {
      ...base,
      status,
      httpStatus: fetched.status,
      itemsFound: fetched.itemsFound,
      itemsNew: inserted.insertedIds.length,
      newArticleIds: inserted.insertedIds,
      durationMs: now() - started,
      ...(patch.url ? { promotedTo: patch.url } : {}),
    },
  };
}

/** Crawls one source and writes its state, whatever the outcome. Throws only when aborted. */
export async function crawlSource(source: Source, deps: CrawlDeps): Promise<SourceCrawlResult> {
  const pending = await crawlSourceDeferred(source, deps);
  return pending.commitFailure ? pending.commitFailure(false) : pending.result;
}

export interface CrawlSourcesHooks {
  progress?: (current: number, total: number, message: string) => void;
  count?: (delta: { processed?: number; success?: number; failed?: number }) => void;
}

export interface CrawlSourcesOptions {
  /** Crawl these sources (active or not) instead of the due ones. */
  sourceIds?: string[];
  /** Crawl every active source, due or not. */
  force?: boolean;
  /** Sources being crawled elsewhere in this process right now; they are skipped. */
  inFlight?: Set<string>;
}

export interface CrawlSourcesSummary {
  sources: number;
  succeeded: number;
  notModified: number;
  failed: number;
  skipped: number;
  articlesFound: number;
  articlesNew: number;
  newArticleIds: string[];
  /** Every source failed at the network level at once; failures were not counted against them. */
  outage: boolean;
  durationMs: number;
  results: SourceCrawlResult[];
}

/** Crawls the due (or the given) sources concurrently; failures are written once outage is decided. */
export async function crawlSources(
  deps: CrawlDeps,
  options: CrawlSourcesOptions = {},
  hooks: CrawlSourcesHooks = {},
): Promise<CrawlSourcesSummary> {
  const now = deps.now ?? Date.now;
  const started = now();
  let candidates: Source[];
  if (options.sourceIds?.length) {
    const found = await Promise.all(options.sourceIds.map((id) => deps.sources.get(id)));
    candidates = found.filter((s): s is Source => !!s);
  } else if (options.force) {
    candidates = (await deps.sources.list({ active: true, limit: 1_000_000 })).items;
  } else {
    candidates = await deps.sources.listDue(started);
  }
  const inFlight = options.inFlight;
  const due = inFlight ? candidates.filter((s) => !inFlight.has(s.id)) : candidates;
  const skipped = candidates.length - due.length;
  const total = due.length;
  hooks.progress?.(0, total, total ? 'crawling' : 'no source is due');
  let done = 0;
  const runDeps: CrawlDeps = { ...deps, bodyGate: new WorkGate(deps.settings.bodyConcurrency) };
  const pending = await mapLimit(
    due,
    deps.settings.concurrency,
    async (source) => {
      inFlight?.add(source.id);
      try {
        const p = await crawlSourceDeferred(source, runDeps);
        done++;
        hooks.count?.({ processed: 1, ...(p.commitFailure ? { failed: 1 } : { success: 1 }) });
        hooks.progress?.(done, total, source.name);
        return p;
      } finally {
        inFlight?.delete(source.id);
      }
    },
    deps.signal,
  );
  deps.signal?.throwIfAborted();
  const outage = isLikelyOutage(pending.map((p) => ({ ok: !p.commitFailure, code: p.result.errorCode })));
  if (outage)
    deps.log?.warn(`every one of ${total} sources failed at the network level: failures not counted`);
  const results: SourceCrawlResult[] = [];
  for (const p of pending) results.push(p.commitFailure ? await p.commitFailure(outage) : p.result);
  const sum = (f: (r: SourceCrawlResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    sources: total,
    succeeded: results.filter((r) => r.status === 'ok').length,
    notModified: results.filter((r) => r.status === 'not_modified').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped,
    articlesFound: sum((r) => r.itemsFound),
    articlesNew: sum((r) => r.itemsNew),
    newArticleIds: results.flatMap((r) => r.newArticleIds),
    outage,
    durationMs: now() - started,
    results,
  };
}
