// Fetch (or take) an article page and extract its main text. Pages honour robots.txt.
import { decodeBody } from '../fetch/charset.ts';
import type { FetchRequestOptions, HttpFetcher } from '../fetch/http-fetcher.ts';
import { DEFAULT_PAGE_ACCEPT } from '../fetch/http-fetcher.ts';
import { parseDate } from '../parse/dates.ts';
import { extractWithSelectors, type ArticleSelectors } from './page-source.ts';
import { extractArticleFromHtml, type ExtractOptions, type ExtractedArticle } from './readability.ts';

/** Anything that can return a page's HTML: the HTTP fetcher, or the browser for `browser` sources. */
export interface PageLoader {
  loadPage(
    url: string,
    options: { signal?: AbortSignal; headers?: Record<string, string>; proxy?: string },
  ): Promise<{ html: string; finalUrl: string }>;
}

/** What extraction itself needs: plain data, so it can be handed to a worker thread. */
export interface PageExtractOptions extends ExtractOptions {
  selectors?: ArticleSelectors;
  /** Zone for a metadata date without an offset. */
  defaultTimeZone?: string;
}

export interface ExtractArticleOptions
  extends PageExtractOptions, Pick<FetchRequestOptions, 'headers' | 'proxy' | 'signal'> {}

/** HTML in hand to an article; the crawl runs it on its parser threads. */
export type PageExtractor = (
  html: string,
  url: string,
  options: PageExtractOptions,
) => Promise<ArticleResult | undefined>;

export interface ArticleResult extends ExtractedArticle {
  url: string;
  finalUrl: string;
  /** Epoch ms UTC from the page metadata, when present and readable. */
  publishedAt?: number;
}

/** Loads pages over HTTP: robots.txt honoured, bytes decoded with the HTML rules (meta charset, sniffing). */
export function httpPageLoader(fetcher: HttpFetcher): PageLoader {
  return {
    async loadPage(url, options) {
      const res = await fetcher.fetch(url, { ...options, checkRobots: true, accept: DEFAULT_PAGE_ACCEPT });
      return {
        html: decodeBody(res.bytes, { contentType: res.contentType, kind: 'html' }).text,
        finalUrl: res.finalUrl,
      };
    },
  };
}

/** Extracts from HTML already in hand. */
export function extractArticleHtml(
  html: string,
  url: string,
  options: PageExtractOptions = {},
): ArticleResult | undefined {
  const found =
    (options.selectors?.content ? extractWithSelectors(html, url, options.selectors) : undefined) ??
    extractArticleFromHtml(html, url, options);
  if (!found) return undefined;
  const publishedAt = found.publishedTime
    ? parseDate(found.publishedTime, { defaultTimeZone: options.defaultTimeZone })
    : undefined;
  return { ...found, url, finalUrl: url, ...(publishedAt !== undefined ? { publishedAt } : {}) };
}

const extractHere: PageExtractor = async (html, url, options) => extractArticleHtml(html, url, options);

/** Fetches `url` through `loader` and extracts it; undefined when the page has no article text. */
export async function extractArticle(
  loader: PageLoader,
  url: string,
  options: ExtractArticleOptions = {},
  extract: PageExtractor = extractHere,
): Promise<ArticleResult | undefined> {
  const { signal, headers, proxy, ...extractOptions } = options;
  const page = await loader.loadPage(url, { signal, headers, proxy });
  signal?.throwIfAborted();
  const result = await extract(page.html, page.finalUrl, extractOptions);
  return result ? { ...result, url, finalUrl: page.finalUrl } : undefined;
}
