// Ports of the crawler's store: sources (settings, crawl state, per-crawl history) and articles
// (insert with dedup, the news-page list, detail). Domain records live in content-types.ts.
import type { Article, EnrichmentState, Source, SourceSelectors, SourceType } from './content-types.ts';

/** What a user sets on a source; the crawl state starts empty. */
export interface NewSource {
  name: string;
  url: string;
  type?: SourceType;
  active?: boolean;
  description?: string | null;
  /** Fixed interval in minutes; null or absent = adaptive polling. */
  fetchIntervalMinutes?: number | null;
  maxFetchDays?: number;
  fullText?: boolean;
  useFeedSummary?: boolean;
  useDescriptionAsSummary?: boolean;
  selectors?: SourceSelectors | null;
  headers?: Record<string, string> | null;
  proxy?: string | null;
}

export type SourcePatch = Partial<NewSource>;

/** Crawl state written after a crawl (only the fields given change). */
export interface SourceStatePatch {
  url?: string;
  active?: boolean;
  etag?: string | null;
  lastModified?: string | null;
  bodyHash?: string | null;
  lastFetchAt?: number | null;
  lastSuccessAt?: number | null;
  lastStatus?: number | null;
  lastMessage?: string | null;
  lastErrorCode?: string | null;
  consecutiveFailures?: number;
  firstFailureAt?: number | null;
  nextCheckAt?: number | null;
  disabledReason?: string | null;
  pendingRedirectUrl?: string | null;
  pendingRedirectCount?: number;
  itemsFound?: number;
  itemsNew?: number;
  entriesPerWeek?: number | null;
}

export interface SourceListFilter {
  active?: boolean;
  type?: SourceType;
  /** Substring of the name or URL (case-insensitive). */
  q?: string;
  limit?: number;
  offset?: number;
}

export type CrawlRunStatus = 'ok' | 'not_modified' | 'failed';

export interface CrawlLogLine {
  ts: number;
  level: 'info' | 'warn' | 'error';
  msg: string;
}

/** One crawl of one source, for GET /api/sources/{id}/history. */
export interface CrawlRun {
  id: string;
  sourceId: string;
  executionId: string | null;
  /** The URL that was fetched. */
  url: string;
  status: CrawlRunStatus;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  itemsFound: number;
  itemsNew: number;
  /** The failure was not counted against the source (the whole network looked down). */
  outage: boolean;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  log: CrawlLogLine[];
}

export type NewCrawlRun = Omit<CrawlRun, 'id'> & { id?: string };

export interface SourcesRepo {
  /** ConflictError when another source has the URL. */
  create(input: NewSource, now?: number): Promise<Source>;
  get(id: string): Promise<Source | undefined>;
  getByUrl(url: string): Promise<Source | undefined>;
  /** By name, then id. */
  list(filter?: SourceListFilter): Promise<{ items: Source[]; total: number }>;
  /** Undefined when the source does not exist; ConflictError when the new URL is taken. */
  update(id: string, patch: SourcePatch, now?: number): Promise<Source | undefined>;
  delete(id: string): Promise<boolean>;
  /** Enable (clears the disabled reason and failure streak, due at once) or disable with a reason. */
  setActive(id: string, active: boolean, reason?: string | null, now?: number): Promise<Source | undefined>;
  /** Active sources whose next check has come (or was never set), most overdue first. */
  listDue(now: number, limit?: number): Promise<Source[]>;
  /** Write crawl state; with `run`, the crawl's history record goes in the same transaction. */
  updateState(id: string, patch: SourceStatePatch, run?: NewCrawlRun, now?: number): Promise<void>;
  recordRun(run: NewCrawlRun): Promise<CrawlRun>;
  /** Newest first. */
  listRuns(
    sourceId: string,
    page?: { limit?: number; offset?: number },
  ): Promise<{ items: CrawlRun[]; total: number }>;
  deleteRunsBefore(at: number): Promise<number>;
}

/** An article as the crawler hands it over; enrichment starts pending. */
export type NewArticle = Pick<
  Article,
  | 'url'
  | 'canonicalUrl'
  | 'guid'
  | 'title'
  | 'author'
  | 'feedSummary'
  | 'contentHtml'
  | 'contentText'
  | 'contentHash'
  | 'publishedAt'
>;

export interface ArticleKeys {
  canonicalUrls: string[];
  guids: string[];
}

export interface InsertArticlesResult {
  /** Ids of the rows actually inserted, in input order. */
  insertedIds: string[];
  /** Input entries already stored (same source and canonical URL or GUID). */
  duplicates: number;
  /** Inserted rows that copy an article of another source (duplicate_of set). */
  crossSource: number;
}

export interface ArticleListFilter {
  /** Only these sources. */
  sourceIds?: string[];
  excludeSourceIds?: string[];
  /** Fetched at or after (epoch ms). */
  since?: number;
  /** Fetched before (epoch ms). */
  until?: number;
  /** Substring of the title or the translated title (case-insensitive for ASCII). */
  q?: string;
  enrichState?: EnrichmentState[];
  category?: string;
  /** Leave out these categories; articles without a category yet are kept. */
  excludeCategories?: string[];
  /** Leave out copies of an article another source published first. */
  hideDuplicates?: boolean;
  limit?: number;
  /** Keyset: continue after this cursor (from the previous page's nextCursor). */
  cursor?: string;
  /** Plain offset, for page numbers; ignored when a cursor is given. */
  offset?: number;
  /** Count the matches (one more query). Default true. */
  withTotal?: boolean;
}

/** The list shape: no bodies. */
export type ArticleSummary = Omit<Article, 'contentHtml' | 'contentText'> & { sourceName: string };

export interface ArticlePage {
  items: ArticleSummary[];
  /** Null when withTotal is false. */
  total: number | null;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A source's state after a crawl and, with `run`, the crawl's history row. */
export interface SourceStateWrite {
  patch: SourceStatePatch;
  run?: NewCrawlRun;
  now: number;
}

export interface ArticlesRepo {
  /** Which of these keys the source already has (one query per kind). */
  findExisting(
    sourceId: string,
    keys: ArticleKeys,
  ): Promise<{ canonicalUrls: Set<string>; guids: Set<string> }>;
  /**
   * Insert a source's new entries in one transaction. Entries the source already has (canonical URL or
   * GUID) are skipped by the unique constraints, also under concurrent crawls; an entry whose canonical URL
   * another source stored first is inserted with duplicate_of pointing at that article. With `state`, the
   * source's state (made from what was inserted) is written in the same transaction.
   */
  insertForSource(
    sourceId: string,
    articles: NewArticle[],
    fetchedAt: number,
    state?: (inserted: InsertArticlesResult) => SourceStateWrite,
  ): Promise<InsertArticlesResult>;
  get(id: string): Promise<(Article & { sourceName: string }) | undefined>;
  list(filter?: ArticleListFilter): Promise<ArticlePage>;
  countBySource(sourceId: string): Promise<number>;
}
