// Events and article signatures: the saved state of incremental grouping, and the event list/detail reads.
import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  ArticleSignature,
  EventDetail,
  EventListItem,
  EventListQuery,
  EventsRepo,
  EventSourceRef,
  GroupableArticle,
  GroupingWrite,
  StoredEvent,
} from '../events-types.ts';
import { fromJson } from '../json.ts';
import type { Database } from '../schema.ts';
import type { ArticleSignaturesTable, EventsTable } from '../schema-events.ts';

/** Rows per multi-row INSERT (keeps PostgreSQL below its bind-parameter limit). */
const CHUNK = 200;
/** Merge chains longer than this are not followed when resolving an id. */
const MAX_MERGE_HOPS = 16;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function eventRow(e: StoredEvent): EventsTable {
  return {
    id: e.id,
    label: e.label,
    category: e.category,
    first_seen_at: e.firstSeenAt,
    last_seen_at: e.lastSeenAt,
    article_count: e.articleCount,
    source_count: e.sourceCount,
    cves: JSON.stringify(e.cves),
    merged_into: e.mergedInto,
    state: JSON.stringify(e.state),
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

function toEvent(r: Selectable<EventsTable>): StoredEvent {
  return {
    id: r.id,
    label: r.label,
    category: r.category,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    articleCount: r.article_count,
    sourceCount: r.source_count,
    cves: fromJson<string[]>(r.cves) ?? [],
    mergedInto: r.merged_into,
    state: fromJson(r.state),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function signatureRow(s: ArticleSignature): ArticleSignaturesTable {
  return {
    article_id: s.articleId,
    event_id: s.eventId,
    cluster_id: s.clusterId,
    near_dup_of: s.nearDupOf,
    source_id: s.sourceId,
    at: s.at,
    fingerprint: s.fingerprint,
    cves: JSON.stringify(s.cves),
    reason: s.reason,
    score: s.score,
    grouped_at: s.groupedAt,
  };
}

function toSignature(r: Selectable<ArticleSignaturesTable>): ArticleSignature {
  return {
    articleId: r.article_id,
    eventId: r.event_id,
    clusterId: r.cluster_id,
    nearDupOf: r.near_dup_of,
    sourceId: r.source_id,
    at: r.at,
    fingerprint: r.fingerprint,
    cves: fromJson<string[]>(r.cves) ?? [],
    reason: r.reason,
    score: r.score,
    groupedAt: r.grouped_at,
  };
}

function listItem(e: StoredEvent, sources: EventSourceRef[]): EventListItem {
  return {
    id: e.id,
    label: e.label,
    category: e.category,
    firstSeenAt: e.firstSeenAt,
    lastSeenAt: e.lastSeenAt,
    articleCount: e.articleCount,
    sourceCount: e.sourceCount,
    cves: e.cves,
    sources,
  };
}

export class SqlEventsRepo implements EventsRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async pendingArticles(opts: {
    since: number;
    limit: number;
    textChars?: number;
  }): Promise<GroupableArticle[]> {
    const at = sql<number>`coalesce(a.published_at, a.fetched_at)`;
    // Cut in the database: a long article's text is neither read nor copied beyond what grouping uses.
    const text =
      opts.textChars === undefined
        ? sql<string | null>`a.content_text`
        : sql<string | null>`substr(a.content_text, 1, ${opts.textChars})`;
    const rows = await this.#db
      .selectFrom('articles as a')
      .leftJoin('article_signatures as s', 's.article_id', 'a.id')
      .select([
        'a.id',
        'a.source_id',
        'a.title',
        'a.title_zh',
        'a.summary',
        text.as('content_text'),
        'a.published_at',
        'a.fetched_at',
        'a.cves',
        'a.entities',
        'a.category',
        'a.canonical_url',
      ])
      .where('a.enrich_state', '=', 'done')
      .where('s.article_id', 'is', null)
      .where(at, '>=', opts.since)
      .orderBy(at)
      .orderBy('a.id')
      .limit(opts.limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      sourceId: r.source_id,
      title: r.title,
      titleZh: r.title_zh,
      summary: r.summary,
      text: r.content_text,
      publishedAt: r.published_at,
      fetchedAt: r.fetched_at,
      cves: fromJson<string[]>(r.cves) ?? [],
      entities: fromJson<{ type: string; value: string }[]>(r.entities) ?? [],
      category: r.category,
      canonicalUrl: r.canonical_url,
    }));
  }

  async windowState(since: number): Promise<{ events: StoredEvent[]; signatures: ArticleSignature[] }> {
    const signatures = (
      await this.#db
        .selectFrom('article_signatures')
        .selectAll()
        .where('at', '>=', since)
        .orderBy('at')
        .execute()
    ).map(toSignature);
    const ids = [...new Set(signatures.map((s) => s.eventId))];
    const events: StoredEvent[] = [];
    for (const part of chunks(ids)) {
      const rows = await this.#db
        .selectFrom('events')
        .selectAll()
        .where('id', 'in', part)
        .where('merged_into', 'is', null)
        .execute();
      events.push(...rows.map(toEvent));
    }
    events.sort((a, b) => a.firstSeenAt - b.firstSeenAt || (a.id < b.id ? -1 : 1));
    return { events, signatures };
  }

  async saveGrouping(write: GroupingWrite): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (const part of chunks(write.events.map(eventRow))) {
        await trx
          .insertInto('events')
          .values(part)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              label: eb.ref('excluded.label'),
              category: eb.ref('excluded.category'),
              first_seen_at: eb.ref('excluded.first_seen_at'),
              last_seen_at: eb.ref('excluded.last_seen_at'),
              article_count: eb.ref('excluded.article_count'),
              source_count: eb.ref('excluded.source_count'),
              cves: eb.ref('excluded.cves'),
              merged_into: eb.ref('excluded.merged_into'),
              state: eb.ref('excluded.state'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      for (const part of chunks(write.signatures.map(signatureRow))) {
        await trx.insertInto('article_signatures').values(part).execute();
      }
      // Placement per event: one UPDATE per event rather than per article.
      const byEvent = new Map<string, string[]>();
      for (const s of write.signatures) {
        const list = byEvent.get(s.eventId) ?? [];
        list.push(s.articleId);
        byEvent.set(s.eventId, list);
      }
      for (const [eventId, articleIds] of byEvent) {
        for (const part of chunks(articleIds, 500)) {
          await trx.updateTable('articles').set({ event_id: eventId }).where('id', 'in', part).execute();
        }
      }
      for (const { id, into } of write.merged) {
        await trx.updateTable('events').set({ merged_into: into }).where('id', '=', id).execute();
        // Events merged earlier into the absorbed one point straight at the survivor.
        await trx.updateTable('events').set({ merged_into: into }).where('merged_into', '=', id).execute();
        await trx.updateTable('articles').set({ event_id: into }).where('event_id', '=', id).execute();
        await trx
          .updateTable('article_signatures')
          .set({ event_id: into })
          .where('event_id', '=', id)
          .execute();
      }
    });
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    const row = await this.#db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEvent(row) : undefined;
  }

  async list(query: EventListQuery): Promise<{ items: EventListItem[]; total: number }> {
    let base = this.#db
      .selectFrom('events')
      .where('merged_into', 'is', null)
      .where('last_seen_at', '>=', query.since);
    if (query.category) base = base.where('category', '=', query.category);
    const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('last_seen_at', 'desc')
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    const events = rows.map(toEvent);
    const sources = await this.#sourcesOf(events.map((e) => e.id));
    return { items: events.map((e) => listItem(e, sources.get(e.id) ?? [])), total: Number(n) };
  }

  async detail(id: string): Promise<EventDetail | undefined> {
    let event = await this.get(id);
    for (let hops = 0; event?.mergedInto && hops < MAX_MERGE_HOPS; hops++)
      event = await this.get(event.mergedInto);
    if (!event) return undefined;
    const rows = await this.#db
      .selectFrom('articles as a')
      .innerJoin('sources as src', 'src.id', 'a.source_id')
      .leftJoin('article_signatures as s', 's.article_id', 'a.id')
      .select([
        'a.id',
        'a.title',
        'a.title_zh',
        'a.url',
        'a.source_id',
        'src.name as source_name',
        'a.published_at',
        'a.fetched_at',
        's.near_dup_of',
      ])
      .where('a.event_id', '=', event.id)
      .orderBy(sql`coalesce(a.published_at, a.fetched_at)`)
      .orderBy('a.id')
      .execute();
    const members = rows.map((r) => ({
      articleId: r.id,
      title: r.title,
      titleZh: r.title_zh,
      url: r.url,
      sourceId: r.source_id,
      sourceName: r.source_name,
      publishedAt: r.published_at,
      fetchedAt: r.fetched_at,
      nearDupOf: r.near_dup_of ?? null,
    }));
    const sources = new Map<string, EventSourceRef>();
    for (const m of members)
      if (!sources.has(m.sourceId)) sources.set(m.sourceId, { id: m.sourceId, name: m.sourceName });
    return { ...listItem(event, [...sources.values()]), mergedInto: null, members };
  }

  async #sourcesOf(eventIds: string[]): Promise<Map<string, EventSourceRef[]>> {
    const out = new Map<string, EventSourceRef[]>();
    if (eventIds.length === 0) return out;
    const rows = await this.#db
      .selectFrom('articles as a')
      .innerJoin('sources as src', 'src.id', 'a.source_id')
      .select(['a.event_id', 'src.id', 'src.name'])
      .distinct()
      .where('a.event_id', 'in', eventIds)
      .orderBy('src.name')
      .execute();
    for (const r of rows) {
      if (!r.event_id) continue;
      const list = out.get(r.event_id) ?? [];
      list.push({ id: r.id, name: r.name });
      out.set(r.event_id, list);
    }
    return out;
  }
}
