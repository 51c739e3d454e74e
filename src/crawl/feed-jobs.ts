// The CPU-heavy steps of a feed crawl as plain functions over plain data, so they can run on the main
// thread or in a worker (parse-pool.ts): decode + parse + keep recent entries with their identities, and
// turn the new ones into sanitised articles. The parsed entries stay where they were parsed; the caller
// sees only their identities and asks for the new ones by index.
import {
  entryIdentity,
  entryToArticle,
  type EntryArticle,
  type EntryIdentity,
  type EntryOptions,
} from './entry-article.ts';
import { parseFeedResponse } from './fetch-feed.ts';
import type { FeedEntry, FeedFormat } from './parse/types.ts';
import { isWithinMaxAge } from './sources/crawl-policy.ts';

export interface ParseJob {
  bytes: Uint8Array;
  contentType?: string;
  finalUrl: string;
  timeZone: string;
  maxFetchDays: number;
  now: number;
}

export interface ParsedSummary {
  format: FeedFormat;
  title?: string;
  link?: string;
  ttlMinutes?: number;
  encoding: string;
  warnings: string[];
  /** Entries in the document. */
  total: number;
  /** Publication times of every entry (adaptive polling). */
  publishedAt: number[];
  /** Dedup identities of the entries within maxFetchDays, in document order. */
  recent: EntryIdentity[];
}

export interface Parsed {
  summary: ParsedSummary;
  /** The entries behind `summary.recent`, same order. */
  entries: FeedEntry[];
}

/** Throws FetchError PARSE when the body is not a feed. */
export function parseJob(job: ParseJob): Parsed {
  const { feed, encoding } = parseFeedResponse(
    { bytes: job.bytes, contentType: job.contentType, finalUrl: job.finalUrl },
    { defaultTimeZone: job.timeZone },
  );
  const publishedAt: number[] = [];
  const recent: EntryIdentity[] = [];
  const entries: FeedEntry[] = [];
  for (const entry of feed.entries) {
    if (entry.publishedAt !== undefined) publishedAt.push(entry.publishedAt);
    if (!isWithinMaxAge(entry.publishedAt, job.now, job.maxFetchDays)) continue;
    entries.push(entry);
    recent.push(entryIdentity(entry));
  }
  return {
    summary: {
      format: feed.format,
      title: feed.title,
      link: feed.link,
      ttlMinutes: feed.ttlMinutes,
      encoding,
      warnings: feed.warnings,
      total: feed.entries.length,
      publishedAt,
      recent,
    },
    entries,
  };
}

/** Articles for the entries at `indexes` (positions in `recent`). */
export function buildJob(parsed: Parsed, indexes: readonly number[], options: EntryOptions): EntryArticle[] {
  return indexes.map((i) => entryToArticle(parsed.entries[i], parsed.summary.recent[i], options));
}
