// The crawler's HTTP client: undici with timeouts, size limits, manual redirects, conditional GET,
// per-host politeness, robots.txt for pages, proxies and an SSRF guard on every hop.
import type { Readable } from 'node:stream';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { FetchError, classifyNetworkError, isFetchError } from './errors.ts';
import { readBody } from './body.ts';
import { InMemoryHostLimiter, type HostLimiter } from './host-limiter.ts';
import { parseCacheMaxAge, parseRetryAfter } from './retry-after.ts';
import { RobotsCache } from './robots.ts';
import { SsrfGuard, type Resolver } from './ssrf.ts';

export interface RedirectHop {
  from: string;
  to: string;
  status: number;
  /** 301 and 308 are permanent; 302, 303 and 307 are not. */
  permanent: boolean;
}

export interface FetchOutcome {
  /** The URL asked for. */
  url: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** Decompressed body; empty when `notModified`. */
  bytes: Uint8Array;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** 304: the caller's copy is current (etag / lastModified are carried over from the request). */
  notModified: boolean;
  redirects: RedirectHop[];
  /** Retry-After, when the response carried one. */
  retryAfterMs?: number;
  /** Cache-Control max-age / s-maxage. */
  maxAgeMs?: number;
  durationMs: number;
}

export interface FetchRequestOptions {
  etag?: string;
  lastModified?: string;
  /** Extra request headers (per-source), e.g. Cookie or Referer. */
  headers?: Record<string, string>;
  /** http(s)://[user:pass@]host:port proxy for this request (overrides the global one; '' disables it). */
  proxy?: string;
  signal?: AbortSignal;
  /** Honour robots.txt (page and article fetches; feeds are meant for machines). */
  checkRobots?: boolean;
  /** Overrides the fetcher's Accept header. */
  accept?: string;
  maxBytes?: number;
}

export interface HttpFetcherOptions {
  userAgent?: string;
  /** Product token matched in robots.txt; defaults to the first word of the User-Agent. */
  robotsUserAgent?: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Longest silence between body chunks. */
  bodyTimeoutMs?: number;
  /** Whole request including redirects and body. */
  totalTimeoutMs?: number;
  maxBodyBytes?: number;
  maxRedirects?: number;
  /** Global proxy for every request without a per-request one. */
  proxy?: string;
  /** Hosts or CIDRs exempt from the SSRF guard (e.g. ["127.0.0.1/32"] in tests). */
  allowPrivate?: readonly string[];
  /** Replaces DNS resolution for the SSRF check and connections. */
  resolve?: Resolver;
  hostLimiter?: HostLimiter;
  maxConcurrentPerHost?: number;
  minDelayPerHostMs?: number;
  robotsTtlMs?: number;
  /** Connections kept per origin by the pool. */
  connectionsPerOrigin?: number;
}

export const DEFAULT_USER_AGENT = 'newsdesk/0.1 (+https://github.com/newsdesk; feed reader)';
export const DEFAULT_FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';
export const DEFAULT_PAGE_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const SENSITIVE_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function headerValue(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : v;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    const s = headerValue(v);
    if (s !== undefined) out[k.toLowerCase()] = s;
  }
  return out;
}

function sameResource(a: string): string {
  const u = new URL(a);
  u.hash = '';
  return u.href;
}

export class HttpFetcher {
  private readonly opts: Required<
    Pick<
      HttpFetcherOptions,
      | 'userAgent'
      | 'connectTimeoutMs'
      | 'headersTimeoutMs'
      | 'bodyTimeoutMs'
      | 'totalTimeoutMs'
      | 'maxBodyBytes'
      | 'maxRedirects'
    >
  > &
    HttpFetcherOptions;
  private readonly guard: SsrfGuard;
  private readonly limiter: HostLimiter;
  private readonly ownsLimiter: boolean;
  private readonly robots: RobotsCache;
  private agent?: Agent;
  private readonly proxies = new Map<string, ProxyAgent>();
  private closed = false;

  constructor(options: HttpFetcherOptions = {}) {
    this.opts = {
      userAgent: DEFAULT_USER_AGENT,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 20_000,
      bodyTimeoutMs: 30_000,
      totalTimeoutMs: 60_000,
      maxBodyBytes: 15 * 1024 * 1024,
      maxRedirects: 5,
      ...options,
    };
    this.guard = new SsrfGuard({ allow: options.allowPrivate, resolve: options.resolve });
    this.ownsLimiter = !options.hostLimiter;
    this.limiter =
      options.hostLimiter ??
      new InMemoryHostLimiter({
        maxConcurrentPerHost: options.maxConcurrentPerHost ?? 2,
        minDelayMs: options.minDelayPerHostMs ?? 0,
      });
    const token = options.robotsUserAgent ?? this.opts.userAgent.split(/[\s/]/)[0];
    this.robots = new RobotsCache({
      userAgent: token,
      ttlMs: options.robotsTtlMs,
      fetchRobots: async (robotsUrl, signal) => {
        const res = await this.fetch(robotsUrl, {
          signal,
          accept: 'text/plain,*/*;q=0.5',
          maxBytes: 512 * 1024,
        }).catch((err) => {
          if (isFetchError(err) && err.status && err.status >= 400 && err.status < 500)
            return { status: err.status, bytes: new Uint8Array() };
          throw err;
        });
        return { status: res.status, text: new TextDecoder().decode(res.bytes) };
      },
    });
  }

  /** The shared pooled dispatcher (created lazily so constructing a fetcher opens nothing). */
  private dispatcherFor(proxy: string | undefined): Dispatcher {
    if (this.closed) throw new Error('HttpFetcher is closed');
    const timeouts = { headersTimeout: this.opts.headersTimeoutMs, bodyTimeout: this.opts.bodyTimeoutMs };
    if (proxy) {
      let p = this.proxies.get(proxy);
      if (!p) {
        p = new ProxyAgent({ uri: proxy, ...timeouts, connect: { timeout: this.opts.connectTimeoutMs } });
        this.proxies.set(proxy, p);
      }
      return p;
    }
    if (!this.agent) {
      this.agent = new Agent({
        ...timeouts,
        connections: this.opts.connectionsPerOrigin ?? 8,
        keepAliveTimeout: 4_000,
        connect: {
          timeout: this.opts.connectTimeoutMs,
          lookup: this.guard.connectLookup,
          rejectUnauthorized: true,
        },
      });
    }
    return this.agent;
  }

  /** Whether robots.txt lets this fetcher's user agent fetch `url`. */
  robotsAllowed(url: string, signal?: AbortSignal): Promise<boolean> {
    return this.robots.isAllowed(url, signal);
  }

  /**
   * GETs a URL. Resolves with the outcome for 2xx and 304; throws FetchError otherwise
   * (UPSTREAM_HTTP_<status> carries `retryAfterMs` for 429/503).
   */
  async fetch(url: string, options: FetchRequestOptions = {}): Promise<FetchOutcome> {
    const started = Date.now();
    const timeout = AbortSignal.timeout(this.opts.totalTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const redirects: RedirectHop[] = [];
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      throw new FetchError('INVALID_URL', `not a URL: ${url}`, { url });
    }
    const visited = new Set<string>();
    const baseHeaders: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: options.accept ?? DEFAULT_FEED_ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
      ...lowerKeys(options.headers),
    };
    if (options.etag) baseHeaders['if-none-match'] = options.etag;
    if (options.lastModified) baseHeaders['if-modified-since'] = options.lastModified;
    const proxy = options.proxy !== undefined ? options.proxy || undefined : this.opts.proxy;
    const maxBytes = options.maxBytes ?? this.opts.maxBodyBytes;
    const originalOrigin = current.origin;

    try {
      for (;;) {
        if (current.protocol !== 'http:' && current.protocol !== 'https:')
          throw new FetchError('INVALID_URL', `unsupported scheme ${current.protocol}`, {
            url: current.href,
            redirects,
          });
        visited.add(sameResource(current.href));
        await this.guard.assertAllowed(current).catch((err) => {
          // Behind a proxy the name may only resolve there; an internal answer is still refused.
          if (proxy && isFetchError(err) && err.code === 'DNS') return [];
          throw err;
        });
        if (options.checkRobots && !(await this.robots.isAllowed(current.href, signal)))
          throw new FetchError('ROBOTS', `robots.txt disallows ${current.href}`, {
            url: current.href,
            redirects,
          });

        const headers = { ...baseHeaders };
        if (current.origin !== originalOrigin) for (const h of SENSITIVE_HEADERS) delete headers[h];
        const release = await this.limiter.acquire(current.host, signal);
        let res: Dispatcher.ResponseData;
        try {
          res = await request(current, {
            method: 'GET',
            headers,
            dispatcher: this.dispatcherFor(proxy),
            signal,
          });
        } catch (err) {
          release();
          throw err;
        }
        let releaseOnce = release;
        const done = () => {
          releaseOnce();
          releaseOnce = () => {};
        };
        try {
          const h = flattenHeaders(res.headers as Record<string, string | string[] | undefined>);
          const status = res.statusCode;
          if (REDIRECT_STATUSES.has(status) && h.location) {
            await res.body.dump().catch(() => {});
            done();
            const next = new URL(h.location, current);
            next.hash = '';
            redirects.push({
              from: current.href,
              to: next.href,
              status,
              permanent: status === 301 || status === 308,
            });
            if (visited.has(sameResource(next.href)))
              throw new FetchError('REDIRECT_LOOP', `redirect loop at ${next.href}`, { url, redirects });
            if (redirects.length > this.opts.maxRedirects)
              throw new FetchError('TOO_MANY_REDIRECTS', `more than ${this.opts.maxRedirects} redirects`, {
                url,
                redirects,
              });
            current = next;
            continue;
          }
          const retryAfterMs = parseRetryAfter(h['retry-after']);
          const base = {
            url,
            finalUrl: current.href,
            status,
            headers: h,
            contentType: h['content-type'],
            redirects,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
            ...(parseCacheMaxAge(h['cache-control']) !== undefined
              ? { maxAgeMs: parseCacheMaxAge(h['cache-control']) }
              : {}),
          };
          if (status === 304) {
            await res.body.dump().catch(() => {});
            return {
              ...base,
              bytes: new Uint8Array(),
              etag: h.etag ?? options.etag,
              lastModified: h['last-modified'] ?? options.lastModified,
              notModified: true,
              durationMs: Date.now() - started,
            };
          }
          if (status < 200 || status >= 300) {
            await res.body.dump().catch(() => {});
            throw new FetchError(`UPSTREAM_HTTP_${status}`, `HTTP ${status} from ${current.href}`, {
              url,
              status,
              retryAfterMs,
              redirects,
            });
          }
          const declared = Number(h['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            res.body.destroy();
            throw new FetchError('TOO_LARGE', `content-length ${declared} exceeds ${maxBytes} bytes`, {
              url,
              redirects,
            });
          }
          const bytes = await readBody(res.body as unknown as Readable, {
            url: current.href,
            contentEncoding: h['content-encoding'],
            maxBytes,
            signal,
          });
          return {
            ...base,
            bytes,
            etag: h.etag,
            lastModified: h['last-modified'],
            notModified: false,
            durationMs: Date.now() - started,
          };
        } catch (err) {
          if (!res.body.destroyed) res.body.destroy();
          throw err;
        } finally {
          done();
        }
      }
    } catch (err) {
      if (isFetchError(err)) {
        if (err.redirects || !redirects.length) throw err;
        throw new FetchError(
          err.code,
          err.message,
          { url, status: err.status, retryAfterMs: err.retryAfterMs, redirects },
          { cause: err.cause },
        );
      }
      if (options.signal?.aborted)
        throw new FetchError('ABORTED', 'fetch cancelled', { url, redirects }, { cause: err });
      if (timeout.aborted)
        throw new FetchError(
          'UPSTREAM_TIMEOUT',
          `no complete response within ${this.opts.totalTimeoutMs} ms`,
          { url, redirects },
          { cause: err },
        );
      const classified = classifyNetworkError(err, current!.href);
      throw new FetchError(classified.code, classified.message, { url, redirects }, { cause: err });
    }
  }

  /** Closes pooled connections; the fetcher cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing: Promise<void>[] = [];
    if (this.agent) closing.push(this.agent.close());
    for (const p of this.proxies.values()) closing.push(p.close());
    this.proxies.clear();
    this.robots.clear();
    if (this.ownsLimiter) (this.limiter as InMemoryHostLimiter).close();
    await Promise.allSettled(closing);
  }

  /** Alias so the fetcher fits start()/stop() lifecycles. */
  stop(): Promise<void> {
    return this.close();
  }
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}
