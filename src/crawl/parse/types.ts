// The normalised shape every feed format is mapped to.

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json' | 'cdf';

export interface FeedEnclosure {
  url: string;
  type?: string;
  length?: number;
}

export interface FeedEntry {
  /** guid / id / rdf:about as written in the feed (undefined when the feed gives none). */
  id?: string;
  /** Absolute article URL (resolved against xml:base and the feed URL). */
  url?: string;
  /** Plain-text title. */
  title?: string;
  /** Plain-text summary (description / summary). */
  summary?: string;
  /** The richest HTML body the feed carries (content:encoded, atom content, content_html, else description); not sanitised. */
  contentHtml?: string;
  author?: string;
  /** Epoch ms UTC of publication (falls back to the update time). */
  publishedAt?: number;
  updatedAt?: number;
  categories: string[];
  enclosures: FeedEnclosure[];
}

export interface ParsedFeed {
  format: FeedFormat;
  /** e.g. rss20, rss091, atom10, atom03, rss10, json11. */
  version?: string;
  title?: string;
  /** The site link (absolute). */
  link?: string;
  /** The feed's own URL as it declares it (atom:link rel=self, JSON feed_url). */
  selfUrl?: string;
  description?: string;
  language?: string;
  /** Feed-declared refresh hint (RSS ttl, sy:updatePeriod/Frequency), minutes. */
  ttlMinutes?: number;
  entries: FeedEntry[];
  /** Non-fatal problems: malformed XML recovered, bogus charset, entries dropped. */
  warnings: string[];
}
