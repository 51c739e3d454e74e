// Feed text to ParsedFeed: JSON Feed through feedsmith, XML through the one-pass reader of xml-feed.ts,
// which recovers what it can from malformed documents. Recovering data always leaves a warning.
import { parseFeed as feedsmithParse } from 'feedsmith';
import type { DateParseOptions } from './dates.ts';
import type { NormaliseContext } from './feed-fields.ts';
import { fromJsonFeed } from './json-feed.ts';
import type { ParsedFeed } from './types.ts';
import { readXmlFeed } from './xml-feed.ts';

export interface ParseFeedOptions extends DateParseOptions {
  /** The document URL: the base for relative links when the feed has no xml:base. */
  feedUrl?: string;
  /** Stop after this many entries (document order). */
  maxEntries?: number;
}

/** Thrown when the text is not a feed at all (empty, HTML, truncated beyond recovery). Stable code PARSE. */
export class FeedParseError extends Error {
  readonly code = 'PARSE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedParseError';
  }
}

// Control characters XML 1.0 forbids; real feeds contain them and strict parsers stop there.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const BARE_AMPERSAND = /&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);)/;

function limit(feed: ParsedFeed, max: number | undefined): ParsedFeed {
  if (max !== undefined && feed.entries.length > max) feed.entries = feed.entries.slice(0, max);
  return feed;
}

function parseJsonFeed(body: string, ctx: NormaliseContext): ParsedFeed {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new FeedParseError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  let feed: ParsedFeed | undefined;
  try {
    feed = json && typeof json === 'object' ? fromJsonFeed(feedsmithParse(body), ctx) : undefined;
  } catch {
    feed = undefined;
  }
  if (!feed) throw new FeedParseError('JSON document is not a JSON Feed');
  const v = /jsonfeed\.org\/version\/(\d)(?:\.(\d))?/.exec(body.slice(0, 2048));
  feed.version = v ? `json${v[1]}${v[2] ?? '0'}` : 'json';
  return feed;
}

/** Parses RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1 (and CDF) from decoded text. */
export function parseFeedText(text: string, options: ParseFeedOptions = {}): ParsedFeed {
  const ctx: NormaliseContext = {
    feedUrl: options.feedUrl,
    dates: { defaultTimeZone: options.defaultTimeZone, now: options.now },
  };
  const body = text.replace(/^\uFEFF/, '').trim();
  if (!body) throw new FeedParseError('empty document');
  if (body.startsWith('{')) return limit(parseJsonFeed(body, ctx), options.maxEntries);

  const warnings: string[] = [];
  let xml = body;
  if (INVALID_XML_CHARS.test(xml)) {
    xml = xml.replace(INVALID_XML_CHARS, '');
    warnings.push('removed control characters not allowed in XML');
  }
  const { feed, problems } = readXmlFeed(xml, ctx);
  if (!feed) throw new FeedParseError('not a recognisable RSS, Atom, RDF or JSON feed');
  for (const p of problems) warnings.push(`malformed XML: ${p}`);
  if (BARE_AMPERSAND.test(xml)) warnings.push('malformed XML: a bare "&" that is not an entity');
  feed.warnings.unshift(...warnings);
  return limit(feed, options.maxEntries);
}
