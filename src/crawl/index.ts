// The crawler library: fetching, decoding, parsing, extraction and source policies.
// crawl-source.ts (the orchestrator) composes these with the store and the task engine.

export { FetchError, isFetchError, type FetchErrorCode } from './fetch/errors.ts';
export {
  HttpFetcher,
  DEFAULT_USER_AGENT,
  DEFAULT_FEED_ACCEPT,
  DEFAULT_PAGE_ACCEPT,
  type FetchOutcome,
  type FetchRequestOptions,
  type HttpFetcherOptions,
  type RedirectHop,
} from './fetch/http-fetcher.ts';
export { InMemoryHostLimiter, type HostLimiter, type Release } from './fetch/host-limiter.ts';
export { RobotsCache, type RobotsCacheOptions } from './fetch/robots.ts';
export { SsrfGuard, type Resolver, type SsrfOptions } from './fetch/ssrf.ts';
export { parseRetryAfter, parseCacheMaxAge } from './fetch/retry-after.ts';
export {
  decodeBody,
  canonicalEncoding,
  charsetFromContentType,
  type DecodedText,
  type DecodeOptions,
} from './fetch/charset.ts';

export { fetchFeed, parseFeedResponse, type FetchFeedOptions, type FetchFeedResult } from './fetch-feed.ts';
export { parseFeedText, FeedParseError, type ParseFeedOptions } from './parse/feed.ts';
export type { ParsedFeed, FeedEntry, FeedEnclosure, FeedFormat } from './parse/types.ts';
export { parseDate, type DateParseOptions } from './parse/dates.ts';
export { htmlToText, resolveUrl } from './parse/text.ts';
export { parseOpml, generateOpmlDocument, type OpmlDocument, type OpmlSource } from './parse/opml.ts';
export { discoverFeeds, COMMON_FEED_PATHS, type DiscoveredFeed, type Discovery } from './parse/discover.ts';

export {
  extractArticle,
  extractArticleHtml,
  httpPageLoader,
  type ArticleResult,
  type ExtractArticleOptions,
  type PageLoader,
} from './extract/extract-article.ts';
export { extractArticleFromHtml, type ExtractedArticle, type ExtractOptions } from './extract/readability.ts';
export {
  extractListLinks,
  extractWithSelectors,
  type ArticleSelectors,
  type ListingLink,
  type ListLinksOptions,
} from './extract/page-source.ts';
export { sanitizeArticleHtml, htmlToPlainText } from './extract/sanitize.ts';
export { scorePage, aggregate as aggregateScores } from './extract/shingle-metric.ts';

export { BrowserFetcher, CHROMIUM_ARGS, type BrowserFetcherOptions } from './browser/browser-fetcher.ts';

export { normalizeUrl, isTrackingParam } from './sources/url-normalize.ts';
export { contentHash, articleContentHash } from './sources/content-hash.ts';
export {
  nextCheckAt,
  nextCheckAfterFailure,
  failureBackoffMs,
  adaptiveIntervalMs,
  entriesPerWeek,
  hintFloorMs,
  shouldAutoDisable,
  type NextCheckInput,
  type FeedHints,
  type BackoffOptions,
  type DisablePolicy,
} from './sources/schedule-policy.ts';
export {
  decideRedirect,
  permanentTarget,
  type RedirectMemory,
  type RedirectDecision,
} from './sources/redirect-policy.ts';
export {
  isLikelyOutage,
  isWithinMaxAge,
  filterByMaxAge,
  type CrawlResultSummary,
  type OutageOptions,
} from './sources/crawl-policy.ts';
