// Config keys of crawling: HTTP client, politeness, SSRF allow-list, full text, scheduling policies.
import { z } from 'zod';
import { defaultThreadCount } from './threads.ts';
import { isValidTimeZone } from '../time.ts';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const proxyUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^/\s]+/i.test(v), {
    message: 'must be an http(s) proxy URL, e.g. http://proxy:3128',
  })
  .optional();

/** Comma-separated hosts, IPs or CIDRs (kept as text so `config print` shows it). */
const allowList = z
  .string()
  .default('')
  .refine((v) => v.split(',').every((e) => /^[\w.*:-]*(\/\d{1,3})?$/.test(e.trim())), {
    message: 'use comma-separated hosts, IPs or CIDRs, e.g. 127.0.0.1,10.0.0.0/8,intranet.example',
  });

export const crawlConfigSpec = {
  NEWSDESK_CRAWL_USER_AGENT: [
    z.string().min(1).max(500).optional(),
    'User-Agent of every crawler request (default: newsdesk/<version> with a project link).',
  ],
  NEWSDESK_CRAWL_PROXY: [
    proxyUrl,
    'HTTP(S) proxy for every crawler request without a per-source proxy. Secret (may hold a password).',
  ],
  NEWSDESK_CRAWL_ALLOW_PRIVATE: [
    allowList,
    'Hosts, IPs or CIDRs the crawler may reach although they are loopback/private/link-local (default none: such addresses are refused).',
  ],
  NEWSDESK_CRAWL_CONNECT_TIMEOUT_MS: [
    int(100, 600_000).default(10_000),
    'Crawler: time to open a connection.',
  ],
  NEWSDESK_CRAWL_HEADERS_TIMEOUT_MS: [
    int(100, 600_000).default(20_000),
    'Crawler: time until the response headers arrive.',
  ],
  NEWSDESK_CRAWL_BODY_TIMEOUT_MS: [
    int(100, 600_000).default(30_000),
    'Crawler: longest silence between body chunks.',
  ],
  NEWSDESK_CRAWL_TOTAL_TIMEOUT_MS: [
    int(100, 3_600_000).default(60_000),
    'Crawler: whole request including redirects and body.',
  ],
  NEWSDESK_CRAWL_MAX_BODY_BYTES: [
    int(1024, 1024 * 1024 * 1024).default(15 * 1024 * 1024),
    'Largest response body, also after decompression (a gzip bomb is refused).',
  ],
  NEWSDESK_CRAWL_MAX_REDIRECTS: [
    int(0, 20).default(5),
    'Redirects followed per request (loops are detected).',
  ],
  NEWSDESK_CRAWL_CONCURRENCY: [int(1, 256).default(32), 'Sources crawled at once by one crawl.sources run.'],
  NEWSDESK_CRAWL_BODY_CONCURRENCY: [
    int(1, 256).default(8),
    'Of those, feed bodies parsed and turned into articles at once; the others wait with their response (304s never wait), which keeps the API responsive during a large crawl.',
  ],
  NEWSDESK_CRAWL_PER_HOST_CONCURRENCY: [
    int(1, 64).default(2),
    'Requests in flight per host (shared by all workers in distributed mode).',
  ],
  NEWSDESK_CRAWL_PER_HOST_DELAY_MS: [
    int(0, 600_000).default(250),
    'Minimum gap between two request starts to the same host.',
  ],
  NEWSDESK_CRAWL_ROBOTS: [
    bool.default(true),
    'Honour robots.txt for page and article fetches (feeds are meant for machines).',
  ],
  NEWSDESK_CRAWL_ROBOTS_TTL_MS: [int(0).default(3_600_000), 'How long a robots.txt is cached per host.'],
  NEWSDESK_CRAWL_TIMEZONE: [
    z.string().refine(isValidTimeZone, { message: 'not a valid IANA time zone' }).optional(),
    'Zone for feed dates written without an offset (default: NEWSDESK_TIMEZONE).',
  ],
  NEWSDESK_CRAWL_FULLTEXT_MIN_CHARS: [
    int(0, 100_000).default(200),
    'Fetch the article page when an entry carries less text than this (0: only for sources with full text on).',
  ],
  NEWSDESK_CRAWL_FULLTEXT_CONCURRENCY: [int(1, 32).default(4), 'Article pages fetched at once per source.'],
  NEWSDESK_CRAWL_FULLTEXT_MAX_PER_CRAWL: [
    int(0, 1000).default(30),
    'Most article pages fetched per source and crawl (the rest keep the feed text).',
  ],
  NEWSDESK_CRAWL_PAGE_MAX_LINKS: [
    int(1, 1000).default(30),
    '`page`/`browser` sources: most article links followed per crawl.',
  ],
  NEWSDESK_CRAWL_AUTO_DISABLE_DAYS: [
    int(0, 3650).default(14),
    'Disable a source (with the reason shown) after it failed continuously this long and at least 20 times; 0 never.',
  ],
  NEWSDESK_CRAWL_REDIRECT_PROMOTE_AFTER: [
    int(1, 100).default(3),
    'A permanent redirect (301/308) replaces the stored URL after this many crawls in a row; temporary ones never do.',
  ],
  NEWSDESK_CRAWL_PARSE_THREADS: [
    int(0, 16).optional(),
    'Worker threads that parse feeds, clean entries and extract article pages (0: on the main thread; default: CPU cores − 1, 1 to 4).',
  ],
  NEWSDESK_CRAWL_BROWSER_PAGES: [
    int(1, 16).default(2),
    '`browser` sources: pages the shared Chromium renders at once.',
  ],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

export const CRAWL_SECRET_KEYS = ['NEWSDESK_CRAWL_PROXY'] as const;

type CrawlSpec = typeof crawlConfigSpec;
export type CrawlRaw = { [K in keyof CrawlSpec]: z.output<CrawlSpec[K][0]> };

export interface CrawlSettings {
  /** Undefined: the fetcher's default. */
  userAgent?: string;
  proxy?: string;
  allowPrivate: string[];
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  totalTimeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  concurrency: number;
  /** Feed bodies parsed and built at once within a run. */
  bodyConcurrency: number;
  perHostConcurrency: number;
  perHostDelayMs: number;
  robots: boolean;
  robotsTtlMs: number;
  timeZone: string;
  fullTextMinChars: number;
  fullTextConcurrency: number;
  fullTextMaxPerCrawl: number;
  pageMaxLinks: number;
  /** 0 = never. */
  autoDisableAfterMs: number;
  redirectPromoteAfter: number;
  browserPages: number;
  /** 0 = parse on the main thread. */
  parseThreads: number;
  /** System Chromium for `browser` sources (shared with PDF printing). */
  chromiumPath: string;
}

const DAY = 86_400_000;

/** Typed crawl settings from the parsed config (`config.raw`); `timeZone` falls back to the service zone. */
export function crawlSettings(
  raw: CrawlRaw & { NEWSDESK_TIMEZONE: string; NEWSDESK_CHROMIUM_PATH?: string },
): CrawlSettings {
  return {
    userAgent: raw.NEWSDESK_CRAWL_USER_AGENT,
    proxy: raw.NEWSDESK_CRAWL_PROXY,
    allowPrivate: raw.NEWSDESK_CRAWL_ALLOW_PRIVATE.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    connectTimeoutMs: raw.NEWSDESK_CRAWL_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: raw.NEWSDESK_CRAWL_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: raw.NEWSDESK_CRAWL_BODY_TIMEOUT_MS,
    totalTimeoutMs: raw.NEWSDESK_CRAWL_TOTAL_TIMEOUT_MS,
    maxBodyBytes: raw.NEWSDESK_CRAWL_MAX_BODY_BYTES,
    maxRedirects: raw.NEWSDESK_CRAWL_MAX_REDIRECTS,
    concurrency: raw.NEWSDESK_CRAWL_CONCURRENCY,
    bodyConcurrency: raw.NEWSDESK_CRAWL_BODY_CONCURRENCY,
    perHostConcurrency: raw.NEWSDESK_CRAWL_PER_HOST_CONCURRENCY,
    perHostDelayMs: raw.NEWSDESK_CRAWL_PER_HOST_DELAY_MS,
    robots: raw.NEWSDESK_CRAWL_ROBOTS,
    robotsTtlMs: raw.NEWSDESK_CRAWL_ROBOTS_TTL_MS,
    timeZone: raw.NEWSDESK_CRAWL_TIMEZONE ?? raw.NEWSDESK_TIMEZONE,
    fullTextMinChars: raw.NEWSDESK_CRAWL_FULLTEXT_MIN_CHARS,
    fullTextConcurrency: raw.NEWSDESK_CRAWL_FULLTEXT_CONCURRENCY,
    fullTextMaxPerCrawl: raw.NEWSDESK_CRAWL_FULLTEXT_MAX_PER_CRAWL,
    pageMaxLinks: raw.NEWSDESK_CRAWL_PAGE_MAX_LINKS,
    autoDisableAfterMs: raw.NEWSDESK_CRAWL_AUTO_DISABLE_DAYS * DAY,
    redirectPromoteAfter: raw.NEWSDESK_CRAWL_REDIRECT_PROMOTE_AFTER,
    browserPages: raw.NEWSDESK_CRAWL_BROWSER_PAGES,
    parseThreads: raw.NEWSDESK_CRAWL_PARSE_THREADS ?? defaultThreadCount(),
    chromiumPath: raw.NEWSDESK_CHROMIUM_PATH ?? '/usr/bin/chromium',
  };
}
