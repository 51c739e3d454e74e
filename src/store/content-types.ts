// Domain records of the news pipeline shared by crawling, enrichment, events and digests.
// Enrichment results live on the article row so the news page can filter by category without joins.

export type SourceType = 'feed' | 'page' | 'browser';

export interface SourceSelectors {
  /** CSS selector of article links on a `page` source's list page. */
  list?: string;
  title?: string;
  content?: string;
}

export interface Source {
  id: string;
  name: string;
  url: string;
  type: SourceType;
  active: boolean;
  description: string | null;
  /** Fixed interval in minutes; null = adaptive polling. */
  fetchIntervalMinutes: number | null;
  maxFetchDays: number;
  fullText: boolean;
  useFeedSummary: boolean;
  useDescriptionAsSummary: boolean;
  selectors: SourceSelectors | null;
  headers: Record<string, string> | null;
  proxy: string | null;
  // state
  etag: string | null;
  lastModified: string | null;
  /** sha256 of the last body, kept only when the server sent neither ETag nor Last-Modified. */
  bodyHash: string | null;
  lastFetchAt: number | null;
  lastSuccessAt: number | null;
  lastStatus: number | null;
  lastMessage: string | null;
  lastErrorCode: string | null;
  consecutiveFailures: number;
  firstFailureAt: number | null;
  nextCheckAt: number | null;
  disabledReason: string | null;
  /** Permanent redirect seen on consecutive crawls: target and count, promoted after N repeats. */
  pendingRedirectUrl: string | null;
  pendingRedirectCount: number;
  itemsFound: number;
  itemsNew: number;
  entriesPerWeek: number | null;
  createdAt: number;
  updatedAt: number;
}

export type EnrichmentState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface ArticleEntity {
  type: string;
  value: string;
}

export interface ArticleEnrichment {
  state: EnrichmentState;
  mode: 'llm' | 'offline' | null;
  language: string | null;
  titleZh: string | null;
  summary: string | null;
  summarySource: 'feed' | 'llm' | 'extractive' | null;
  category: string | null;
  entities: ArticleEntity[];
  cves: string[];
  importance: number | null;
  translation: 'llm' | 'none' | 'not_needed' | null;
  promptVersion: string | null;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  nextRetryAt: number | null;
  skipReason: string | null;
  enrichedAt: number | null;
}

export interface Article {
  id: string;
  sourceId: string;
  url: string;
  /** Normalised URL used for dedup; the same story from two sources shares it. */
  canonicalUrl: string;
  guid: string | null;
  title: string;
  author: string | null;
  /** The feed's own summary/description, as published. */
  feedSummary: string | null;
  /** Sanitised HTML of the full text (or feed content). */
  contentHtml: string | null;
  contentText: string | null;
  contentHash: string;
  publishedAt: number | null;
  fetchedAt: number;
  /** Earlier article with the same canonical URL (from another source), if any. */
  duplicateOf: string | null;
  eventId: string | null;
  enrichment: ArticleEnrichment;
}
