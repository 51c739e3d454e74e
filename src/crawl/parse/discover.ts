// Feed discovery: what a site advertises with <link rel="alternate">, plus common paths to probe.
import { Parser } from 'htmlparser2';
import { DepthCounter, readWithinDepth } from './markup-depth.ts';
import { resolveUrl } from './text.ts';

export type DiscoveredType = 'rss' | 'atom' | 'json' | 'rdf' | 'unknown';

export interface DiscoveredFeed {
  url: string;
  title?: string;
  type: DiscoveredType;
}

export interface Discovery {
  /** Feeds the page advertises, in document order. */
  feeds: DiscoveredFeed[];
  /** Conventional feed locations on the same site the caller may probe when nothing is advertised. */
  candidates: string[];
}

const TYPES: Record<string, DiscoveredType> = {
  'application/rss+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/feed+json': 'json',
  'application/json': 'json',
  'application/rdf+xml': 'rdf',
  'application/xml': 'unknown',
  'text/xml': 'unknown',
};

export const COMMON_FEED_PATHS = [
  '/feed',
  '/rss',
  '/feed.xml',
  '/rss.xml',
  '/atom.xml',
  '/index.xml',
  '/feed.json',
  '/feed/atom',
  '/rss/index.xml',
  '/?feed=rss2',
  '/feeds/posts/default',
];

/** Feeds advertised by an HTML page (`<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">`). */
export function discoverFeeds(html: string, pageUrl: string): Discovery {
  const feeds: DiscoveredFeed[] = [];
  const seen = new Set<string>();
  let base = pageUrl;
  let inHead = true;
  const depth = new DepthCounter();
  const parser = new Parser(
    {
      onclosetag: () => depth.close(),
      onopentag(name, attrs) {
        depth.open();
        if (name === 'base' && attrs.href) base = resolveUrl(attrs.href, pageUrl) ?? pageUrl;
        if (name === 'body') inHead = false;
        if (name !== 'link' && !(name === 'a' && !inHead)) return;
        const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0].trim();
        if (!attrs.href || !(rel.includes('alternate') || rel.includes('feed'))) return;
        const kind = TYPES[type] ?? (rel.includes('feed') ? 'unknown' : undefined);
        if (!kind || (type === 'application/json' && name !== 'link')) return;
        const url = resolveUrl(attrs.href, base);
        if (!url || !/^https?:/i.test(url) || seen.has(url)) return;
        seen.add(url);
        feeds.push({ url, type: kind, ...(attrs.title ? { title: attrs.title.trim() } : {}) });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  // Past hostile nesting, the links read before it are kept.
  readWithinDepth(parser, html);
  let origin: string;
  try {
    origin = new URL(pageUrl).origin;
  } catch {
    return { feeds, candidates: [] };
  }
  const candidates = COMMON_FEED_PATHS.map((p) => origin + p).filter((u) => !seen.has(u));
  return { feeds, candidates };
}
