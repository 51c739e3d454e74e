// Test-only seeding of sources and articles, for code that reads the content tables (digests, events)
// before or without the crawler's repositories. Opens its own handle on the store's database.
import type { Kysely } from 'kysely';
import { newId } from './ids.ts';
import { openPostgres } from './postgres/open-postgres.ts';
import type { Database } from './schema.ts';
import type { ArticlesTable, SourcesTable } from './schema-content.ts';
import { NEW_SOURCE_STATE } from './repos/sources-repo.ts';
import { openSqlite } from './sqlite/open-sqlite.ts';
import type { StoreOptions } from './store.ts';

export interface SeedSource {
  id?: string;
  name?: string;
  url?: string;
  type?: 'feed' | 'page' | 'browser';
  active?: boolean;
  createdAt?: number;
}

export interface SeedArticle {
  id?: string;
  sourceId: string;
  url?: string;
  canonicalUrl?: string;
  guid?: string | null;
  title?: string;
  feedSummary?: string | null;
  contentText?: string | null;
  publishedAt?: number | null;
  fetchedAt?: number;
  duplicateOf?: string | null;
  eventId?: string | null;
  /** Default 'done' when titleZh/summary/category is given, else 'pending'. */
  enrichState?: string;
  enrichMode?: 'llm' | 'offline' | null;
  language?: string | null;
  titleZh?: string | null;
  summary?: string | null;
  category?: string | null;
  cves?: string[] | null;
  entities?: { type: string; value: string }[] | null;
  importance?: number | null;
  enrichedAt?: number | null;
}

export interface SeedResult {
  sourceIds: string[];
  articleIds: string[];
}

let seq = 0;

function sourceRow(s: SeedSource, now: number): SourcesTable {
  const n = ++seq;
  return {
    id: s.id ?? newId(now),
    name: s.name ?? `Source ${n}`,
    url: s.url ?? `https://source-${n}.example.test/feed.xml`,
    type: s.type ?? 'feed',
    active: s.active === false ? 0 : 1,
    description: null,
    fetch_interval_minutes: null,
    max_fetch_days: 3,
    full_text: 0,
    use_feed_summary: 0,
    use_description_as_summary: 0,
    selectors: null,
    headers: null,
    proxy: null,
    ...NEW_SOURCE_STATE,
    created_at: s.createdAt ?? now,
    updated_at: s.createdAt ?? now,
  };
}

function articleRow(a: SeedArticle, now: number): ArticlesTable {
  const n = ++seq;
  const url = a.url ?? `https://news.example.test/articles/${n}`;
  const enriched = a.titleZh != null || a.summary != null || a.category != null;
  const state = a.enrichState ?? (enriched ? 'done' : 'pending');
  const fetchedAt = a.fetchedAt ?? now;
  return {
    id: a.id ?? newId(now),
    source_id: a.sourceId,
    url,
    canonical_url: a.canonicalUrl ?? url,
    guid: a.guid ?? null,
    title: a.title ?? `Article ${n}`,
    author: null,
    feed_summary: a.feedSummary ?? null,
    content_html: null,
    content_text: a.contentText ?? null,
    content_hash: `hash-${n}-${Math.random().toString(36).slice(2, 8)}`,
    published_at: a.publishedAt === undefined ? fetchedAt : a.publishedAt,
    fetched_at: fetchedAt,
    duplicate_of: a.duplicateOf ?? null,
    event_id: a.eventId ?? null,
    enrich_state: state,
    enrich_mode: a.enrichMode === undefined ? (state === 'done' ? 'llm' : null) : a.enrichMode,
    language: a.language ?? null,
    title_zh: a.titleZh ?? null,
    summary: a.summary ?? null,
    summary_source: a.summary ? 'llm' : null,
    category: a.category ?? null,
    entities: a.entities ? JSON.stringify(a.entities) : null,
    cves: a.cves ? JSON.stringify(a.cves) : null,
    importance: a.importance ?? null,
    translation: null,
    prompt_version: null,
    enrich_attempts: state === 'pending' ? 0 : 1,
    enrich_error_code: null,
    enrich_error_message: null,
    enrich_next_retry_at: null,
    enrich_skip_reason: null,
    enriched_at: a.enrichedAt === undefined ? (state === 'done' ? fetchedAt : null) : a.enrichedAt,
  };
}

async function withDb<T>(target: StoreOptions, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db =
    target.kind === 'sqlite' ? openSqlite(target.file) : (await openPostgres(target.url, target.schema)).db;
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Insert sources, then articles, into the database the options point at (migrated already). */
export async function seedContent(
  target: StoreOptions,
  data: { sources?: SeedSource[]; articles?: SeedArticle[] },
): Promise<SeedResult> {
  const now = Date.now();
  const sources = (data.sources ?? []).map((s) => sourceRow(s, now));
  const articles = (data.articles ?? []).map((a) => articleRow(a, now));
  await withDb(target, async (db) => {
    if (sources.length > 0) await db.insertInto('sources').values(sources).execute();
    if (articles.length > 0) await db.insertInto('articles').values(articles).execute();
  });
  return { sourceIds: sources.map((s) => s.id), articleIds: articles.map((a) => a.id) };
}

/** Change seeded articles (e.g. attach them to an event) by id. */
export async function updateSeededArticles(
  target: StoreOptions,
  ids: readonly string[],
  patch: Partial<
    Pick<ArticlesTable, 'event_id' | 'category' | 'enrich_state' | 'title_zh' | 'summary' | 'importance'>
  >,
): Promise<void> {
  await withDb(target, (db) =>
    db
      .updateTable('articles')
      .set(patch)
      .where('id', 'in', [...ids])
      .execute(),
  );
}
