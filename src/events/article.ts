// The article shape event grouping reads, and the one rule for an article's place in time.
import type { EntityInput } from './keys.ts';

/** What grouping needs from an (ideally enriched) article. Instants are epoch ms (UTC). */
export interface EventArticle {
  id: string;
  sourceId: string;
  /** Chinese title when enriched, otherwise the original title. */
  title: string;
  /** Title as published; omit or repeat `title` when it is the same text. */
  originalTitle?: string | null;
  /** Enrichment summary (same language as `title`). */
  summary?: string | null;
  /** Article body as extracted; only the first `bodyChars` characters are read. */
  text?: string | null;
  publishedAt?: number | null;
  fetchedAt: number;
  /** CVE ids from enrichment; ids found in the texts are added. */
  cves?: readonly string[] | null;
  /** Strong entities from enrichment: products, vendors, victims, attackers, malware. */
  entities?: readonly (string | EntityInput)[] | null;
  category?: string | null;
  canonicalUrl?: string | null;
}

// Feeds sometimes date items in the future (time zone slips); never let an article sit ahead of its fetch.
const FUTURE_SLACK_MS = 60 * 60 * 1000;

/** When the article happened for windowing: its publication time, clamped to shortly after its fetch. */
export function articleTime(article: Pick<EventArticle, 'publishedAt' | 'fetchedAt'>): number {
  const published = article.publishedAt;
  if (published == null || !Number.isFinite(published)) return article.fetchedAt;
  return Math.min(published, article.fetchedAt + FUTURE_SLACK_MS);
}
