// Fetch + decode + parse for one feed URL. A 304 returns before any decoding or parsing.
import { decodeBody } from './fetch/charset.ts';
import { FetchError } from './fetch/errors.ts';
import type { FetchOutcome, FetchRequestOptions, HttpFetcher } from './fetch/http-fetcher.ts';
import { FeedParseError, parseFeedText } from './parse/feed.ts';
import type { ParsedFeed } from './parse/types.ts';

export interface FetchFeedOptions extends FetchRequestOptions {
  /** Zone for dates without an offset (default Asia/Shanghai). */
  defaultTimeZone?: string;
  maxEntries?: number;
}

export type FetchFeedResult =
  | { notModified: true; response: FetchOutcome }
  | {
      notModified: false;
      response: FetchOutcome;
      feed: ParsedFeed;
      /** Encoding the body was decoded with. */
      encoding: string;
    };

/** Throws FetchError (code PARSE when the body is not a feed). */
export async function fetchFeed(
  fetcher: HttpFetcher,
  url: string,
  options: FetchFeedOptions = {},
): Promise<FetchFeedResult> {
  const response = await fetcher.fetch(url, options);
  if (response.notModified) return { notModified: true, response };
  return { notModified: false, response, ...parseFeedResponse(response, options) };
}

/** Decodes and parses an already fetched response (also used for bodies rendered by the browser). */
export function parseFeedResponse(
  response: Pick<FetchOutcome, 'bytes' | 'contentType' | 'finalUrl'>,
  options: Pick<FetchFeedOptions, 'defaultTimeZone' | 'maxEntries'> = {},
): { feed: ParsedFeed; encoding: string } {
  const decoded = decodeBody(response.bytes, { contentType: response.contentType });
  try {
    const feed = parseFeedText(decoded.text, {
      feedUrl: response.finalUrl,
      defaultTimeZone: options.defaultTimeZone,
      maxEntries: options.maxEntries,
    });
    feed.warnings.unshift(...decoded.warnings);
    return { feed, encoding: decoded.encoding };
  } catch (err) {
    if (err instanceof FeedParseError)
      throw new FetchError(
        'PARSE',
        `${response.finalUrl}: ${err.message}`,
        { url: response.finalUrl },
        { cause: err },
      );
    throw err;
  }
}
