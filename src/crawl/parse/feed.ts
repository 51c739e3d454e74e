// Feed text to ParsedFeed: JSON Feed or XML through feedsmith, with a repair pass and a lenient
// reader for malformed documents. Recovering data always leaves a warning.
import { XMLValidator } from 'fast-xml-parser';
import { parseFeed as feedsmithParse } from 'feedsmith';
import type { DateParseOptions } from './dates.ts';
import { fromFeedsmith, type NormaliseContext } from './from-feedsmith.ts';
import { parseLenientFeed } from './lenient-feed.ts';
import type { ParsedFeed } from './types.ts';

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
const BARE_AMPERSAND = /&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);)/g;

function detectVersion(xml: string, format: ParsedFeed['format']): string | undefined {
  const head = xml.slice(0, 4096);
  if (format === 'rss') {
    const v = /<rss[^>]*\bversion\s*=\s*["']([\d.]+)/i.exec(head)?.[1]?.replace(/\D/g, '');
    return v ? `rss${v.padEnd(2, '0')}` : undefined;
  }
  if (format === 'atom') return /purl\.org\/atom\/ns#/i.test(head) ? 'atom03' : 'atom10';
  if (format === 'rdf') return /netscape\.com\/rdf\/simple\/0\.9/i.test(head) ? 'rss090' : 'rss10';
  return undefined;
}

function countTags(xml: string): number {
  return (xml.match(/<(?:[a-zA-Z0-9_-]+:)?(?:item|entry)[\s>/]/gi) ?? []).length;
}

function tryFeedsmith(text: string, ctx: NormaliseContext): ParsedFeed | undefined {
  try {
    const parsed = feedsmithParse(text);
    const feed = fromFeedsmith(parsed, ctx);
    if (feed.format !== 'json') feed.version = detectVersion(text, feed.format);
    else {
      const v = /jsonfeed\.org\/version\/(\d)(?:\.(\d))?/.exec(text.slice(0, 2048));
      feed.version = v ? `json${v[1]}${v[2] ?? '0'}` : 'json';
    }
    return feed;
  } catch {
    return undefined;
  }
}

function limit(feed: ParsedFeed, max: number | undefined): ParsedFeed {
  if (max !== undefined && feed.entries.length > max) feed.entries = feed.entries.slice(0, max);
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

  if (body.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      throw new FeedParseError(`invalid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (!json || typeof json !== 'object') throw new FeedParseError('JSON document is not a JSON Feed');
    const feed = tryFeedsmith(body, ctx);
    if (!feed) throw new FeedParseError('JSON document is not a JSON Feed');
    return limit(feed, options.maxEntries);
  }

  const warnings: string[] = [];
  let xml = body;
  if (INVALID_XML_CHARS.test(xml)) {
    xml = xml.replace(INVALID_XML_CHARS, '');
    warnings.push('removed control characters not allowed in XML');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) warnings.push(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const expected = countTags(xml);
  let feed = tryFeedsmith(xml, ctx);
  if (!feed || feed.entries.length < expected) {
    const repaired = xml.replace(BARE_AMPERSAND, '&amp;');
    const second = repaired !== xml ? tryFeedsmith(repaired, ctx) : undefined;
    if (second && second.entries.length >= (feed?.entries.length ?? 0)) {
      if (!feed || second.entries.length > feed.entries.length)
        warnings.push('malformed XML: escaped bare ampersands');
      feed = second;
    }
    const lenient = !feed || feed.entries.length < expected ? parseLenientFeed(xml, ctx) : undefined;
    if (lenient && (!feed || lenient.entries.length > feed.entries.length)) {
      warnings.push(`malformed feed: recovered ${lenient.entries.length} entries with the lenient reader`);
      feed = lenient;
    }
  }
  if (!feed) throw new FeedParseError('not a recognisable RSS, Atom, RDF or JSON feed');
  feed.warnings.unshift(...warnings);
  return limit(feed, options.maxEntries);
}
