// Articles as the crawler stores them and the news page lists them. Dedup lives in the database: unique
// (source_id, canonical_url) and (source_id, guid) with ON CONFLICT DO NOTHING, so a re-crawl, a retry or
// two workers never insert one entry twice. A canonical URL another source stored first is not dropped:
// the new row points at the earliest copy through duplicate_of.
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Article } from '../content-types.ts';
import type {
  ArticleKeys,
  ArticleListFilter,
  ArticlePage,
  ArticlesRepo,
  ArticleSummary,
  InsertArticlesResult,
  NewArticle,
  SourceStateWrite,
} from '../crawl-types.ts';
import { newId } from '../ids.ts';
import { SqlText } from '../sql-text.ts';
import type { Database } from '../schema.ts';
import type { ArticlesTable } from '../schema-content.ts';
import type { SavepointBatcher } from '../sqlite/savepoint-batcher.ts';
import { toArticleEnrichment } from './enrichment-repo.ts';
import type { Dialect } from '../types.ts';
import { escapeLike, writeSourceState } from './sources-repo.ts';

type Db = Kysely<Database>;
type ListQuery = SelectQueryBuilder<Database, 'articles', object>;

/** Rows per INSERT (16 parameters each, PostgreSQL) and keys per IN list: well under every driver's limit. */
const CHUNK = 200;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const SUMMARY_COLUMNS = [
  'articles.id',
  'articles.source_id',
  'articles.url',
  'articles.canonical_url',
  'articles.guid',
  'articles.title',
  'articles.author',
  'articles.feed_summary',
  'articles.content_hash',
  'articles.published_at',
  'articles.fetched_at',
  'articles.duplicate_of',
  'articles.event_id',
  'articles.enrich_state',
  'articles.enrich_mode',
  'articles.language',
  'articles.title_zh',
  'articles.summary',
  'articles.summary_source',
  'articles.category',
  'articles.entities',
  'articles.cves',
  'articles.importance',
  'articles.translation',
  'articles.prompt_version',
  'articles.enrich_attempts',
  'articles.enrich_error_code',
  'articles.enrich_error_message',
  'articles.enrich_next_retry_at',
  'articles.enrich_skip_reason',
  'articles.enriched_at',
] as const;

type SummaryRow = Omit<ArticlesTable, 'content_html' | 'content_text'> & { source_name: string };

function toSummary(r: SummaryRow): ArticleSummary {
  return {
    id: r.id,
    sourceId: r.source_id,
    sourceName: r.source_name,
    url: r.url,
    canonicalUrl: r.canonical_url,
    guid: r.guid,
    title: r.title,
    author: r.author,
    feedSummary: r.feed_summary,
    contentHash: r.content_hash,
    publishedAt: r.published_at,
    fetchedAt: r.fetched_at,
    duplicateOf: r.duplicate_of,
    eventId: r.event_id,
    enrichment: toArticleEnrichment(r),
  };
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function encodeCursor(fetchedAt: number, id: string): string {
  return Buffer.from(`${fetchedAt}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { fetchedAt: number; id: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^(\d{1,16}):([0-9a-z]{1,64})$/.exec(text);
  return m ? { fetchedAt: Number(m[1]), id: m[2] } : undefined;
}

const INSERT_COLUMNS = [
  'id',
  'source_id',
  'url',
  'canonical_url',
  'guid',
  'title',
  'author',
  'feed_summary',
  'content_html',
  'content_text',
  'content_hash',
  'published_at',
  'fetched_at',
  'duplicate_of',
  'enrich_state',
  'enrich_attempts',
] as const;

export class SqlArticlesRepo implements ArticlesRepo {
  readonly #db: Db;
  readonly #dialect: Dialect;
  readonly #insertOne: SqlText;
  /** SQLite: crawl writes that arrive together share a commit (see savepoint-batcher.ts). */
  readonly #writes: SavepointBatcher | undefined;

  constructor(db: Db, dialect: Dialect, writes?: SavepointBatcher) {
    this.#db = db;
    this.#dialect = dialect;
    this.#writes = writes;
    this.#insertOne = new SqlText(
      dialect,
      `INSERT INTO articles (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT DO NOTHING`,
    );
  }

  async findExisting(
    sourceId: string,
    keys: ArticleKeys,
  ): Promise<{ canonicalUrls: Set<string>; guids: Set<string> }> {
    const canonicalUrls = new Set<string>();
    const guids = new Set<string>();
    for (const part of chunks([...new Set(keys.canonicalUrls)])) {
      const rows = await this.#db
        .selectFrom('articles')
        .select('canonical_url')
        .where('source_id', '=', sourceId)
        .where('canonical_url', 'in', part)
        .execute();
      for (const r of rows) canonicalUrls.add(r.canonical_url);
    }
    for (const part of chunks([...new Set(keys.guids)])) {
      const rows = await this.#db
        .selectFrom('articles')
        .select('guid')
        .where('source_id', '=', sourceId)
        .where('guid', 'in', part)
        .execute();
      for (const r of rows) if (r.guid !== null) guids.add(r.guid);
    }
    return { canonicalUrls, guids };
  }

  async insertForSource(
    sourceId: string,
    articles: NewArticle[],
    fetchedAt: number,
    state?: (inserted: InsertArticlesResult) => SourceStateWrite,
  ): Promise<InsertArticlesResult> {
    // Repeats inside one batch (a feed listing an item twice) are dropped before the database sees them.
    const seenUrl = new Set<string>();
    const seenGuid = new Set<string>();
    const unique: NewArticle[] = [];
    for (const a of articles) {
      if (seenUrl.has(a.canonicalUrl) || (a.guid !== null && seenGuid.has(a.guid))) continue;
      seenUrl.add(a.canonicalUrl);
      if (a.guid !== null) seenGuid.add(a.guid);
      unique.push(a);
    }
    if (unique.length === 0) {
      const none = { insertedIds: [], duplicates: articles.length, crossSource: 0 };
      if (state) await this.#write((trx) => writeSourceState(trx, sourceId, state(none)));
      return none;
    }

    // Earliest copies from other sources, read before the transaction so that it starts with a write
    // (a SQLite transaction that reads first cannot wait for the write lock). A copy another source stores
    // in between stays unlinked (duplicate_of null); the row itself is never lost.
    const roots = new Map<string, string>();
    for (const part of chunks(unique.map((a) => a.canonicalUrl))) {
      const rows = await this.#db
        .selectFrom('articles')
        .select(['canonical_url', (eb) => eb.fn.min(eb.fn.coalesce('duplicate_of', 'id')).as('root')])
        .where('canonical_url', 'in', part)
        .where('source_id', '<>', sourceId)
        .groupBy('canonical_url')
        .execute();
      for (const r of rows) if (r.root) roots.set(r.canonical_url, String(r.root));
    }
    const rows = unique.map((a) => ({
      id: newId(fetchedAt),
      source_id: sourceId,
      url: a.url,
      canonical_url: a.canonicalUrl,
      guid: a.guid,
      title: a.title,
      author: a.author,
      feed_summary: a.feedSummary,
      content_html: a.contentHtml,
      content_text: a.contentText,
      content_hash: a.contentHash,
      published_at: a.publishedAt,
      fetched_at: fetchedAt,
      duplicate_of: roots.get(a.canonicalUrl) ?? null,
      enrich_state: 'pending',
      enrich_attempts: 0,
    }));
    return this.#write(async (trx) => {
      const got = new Set<string>();
      if (this.#dialect === 'sqlite') {
        // One prepared statement run per row: cheaper here than building a multi-row INSERT.
        for (const r of rows) {
          const res = await trx.executeQuery(this.#insertOne.with(INSERT_COLUMNS.map((c) => r[c])));
          if (Number(res.numAffectedRows ?? 0) > 0) got.add(r.id);
        }
      } else {
        for (const part of chunks(rows)) {
          const done = await trx
            .insertInto('articles')
            .values(part)
            .onConflict((oc) => oc.doNothing())
            .returning('id')
            .execute();
          for (const r of done) got.add(r.id);
        }
      }
      const insertedIds = rows.filter((r) => got.has(r.id)).map((r) => r.id);
      const crossSource = rows.filter((r) => got.has(r.id) && r.duplicate_of).length;
      const result = { insertedIds, duplicates: articles.length - insertedIds.length, crossSource };
      if (state) await writeSourceState(trx, sourceId, state(result));
      return result;
    });
  }

  /** A crawl write in a transaction: its own, or on SQLite one shared with the writes that arrive with it. */
  #write<T>(write: (trx: Db) => Promise<T>): Promise<T> {
    return this.#writes ? this.#writes.run(write) : this.#db.transaction().execute(write);
  }

  async get(id: string): Promise<(Article & { sourceName: string }) | undefined> {
    const r = await this.#db
      .selectFrom('articles')
      .innerJoin('sources', 'sources.id', 'articles.source_id')
      .select([
        ...SUMMARY_COLUMNS,
        'articles.content_html',
        'articles.content_text',
        'sources.name as source_name',
      ])
      .where('articles.id', '=', id)
      .executeTakeFirst();
    if (!r) return undefined;
    return { ...toSummary(r), contentHtml: r.content_html, contentText: r.content_text };
  }

  async list(filter: ArticleListFilter = {}): Promise<ArticlePage> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
    const base = applyFilter(this.#db.selectFrom('articles'), filter);
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    let page = base
      .innerJoin('sources', 'sources.id', 'articles.source_id')
      .select([...SUMMARY_COLUMNS, 'sources.name as source_name']);
    if (cursor)
      page = page.where((eb) =>
        eb(eb.refTuple('articles.fetched_at', 'articles.id'), '<', eb.tuple(cursor.fetchedAt, cursor.id)),
      );
    const rowsQuery = page
      .orderBy('articles.fetched_at', 'desc')
      .orderBy('articles.id', 'desc')
      .limit(limit + 1)
      .offset(cursor ? 0 : Math.max(Math.trunc(filter.offset ?? 0), 0));
    const [rows, count] = await Promise.all([
      rowsQuery.execute(),
      filter.withTotal === false
        ? undefined
        : base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map((r) => toSummary(r as SummaryRow));
    const last = items[items.length - 1];
    return {
      items,
      total: count ? Number(count.n) : null,
      nextCursor: more && last ? encodeCursor(last.fetchedAt, last.id) : null,
    };
  }

  async countBySource(sourceId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('articles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source_id', '=', sourceId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

function applyFilter(q: ListQuery, f: ArticleListFilter): ListQuery {
  if (f.sourceIds?.length) q = q.where('articles.source_id', 'in', f.sourceIds);
  if (f.excludeSourceIds?.length) q = q.where('articles.source_id', 'not in', f.excludeSourceIds);
  if (f.since !== undefined) q = q.where('articles.fetched_at', '>=', f.since);
  if (f.until !== undefined) q = q.where('articles.fetched_at', '<', f.until);
  if (f.enrichState?.length) q = q.where('articles.enrich_state', 'in', f.enrichState);
  if (f.category) q = q.where('articles.category', '=', f.category);
  if (f.excludeCategories?.length) {
    const excluded = f.excludeCategories;
    q = q.where((eb: ExpressionBuilder<Database, 'articles'>) =>
      eb.or([eb('articles.category', 'is', null), eb('articles.category', 'not in', excluded)]),
    );
  }
  if (f.hideDuplicates) q = q.where('articles.duplicate_of', 'is', null);
  if (f.q) {
    const like = `%${escapeLike(f.q.toLowerCase())}%`;
    const pattern = sql<string>`${like} escape '\\'`;
    q = q.where((eb: ExpressionBuilder<Database, 'articles'>) =>
      eb.or([
        eb(eb.fn('lower', ['articles.title']), 'like', pattern),
        eb(eb.fn('lower', ['articles.title_zh']), 'like', pattern),
      ]),
    );
  }
  return q;
}
