// Articles as digest building reads them: enrichment results, the source's name, the event, and whether
// an earlier digest already used the article. Read-only over sources, articles and digest_items.
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type {
  DigestArticle,
  DigestArticlesReadModel,
  DigestCandidateQuery,
  EventMemberLink,
} from '../digest-types.ts';
import { fromJson } from '../json.ts';
import type { Database } from '../schema.ts';

type Eb = ExpressionBuilder<Database & { a: Database['articles']; s: Database['sources'] }, 'a' | 's'>;

const COLUMNS = [
  'a.id',
  'a.source_id',
  's.name as source_name',
  'a.url',
  'a.title',
  'a.title_zh',
  'a.summary',
  'a.category',
  'a.importance',
  'a.cves',
  'a.event_id',
  'a.duplicate_of',
  'a.enrich_state',
  'a.enrich_mode',
  'a.published_at',
  'a.fetched_at',
  'a.enriched_at',
] as const;

/** 1 when the article is in a digest dated before `date` (0 without a date). */
function usedBefore(eb: Eb, date: string | undefined) {
  if (date === undefined) return sql<number>`0`.as('already_used');
  return eb
    .case()
    .when(
      eb.exists(
        eb
          .selectFrom('digest_items as di')
          .innerJoin('digests as d', 'd.id', 'di.digest_id')
          .select('di.id')
          .whereRef('di.article_id', '=', 'a.id')
          .where('d.date', '<', date),
      ),
    )
    .then(1)
    .else(0)
    .end()
    .as('already_used');
}

interface Row {
  id: string;
  source_id: string;
  source_name: string;
  url: string;
  title: string;
  title_zh: string | null;
  summary: string | null;
  category: string | null;
  importance: number | null;
  cves: string | null;
  event_id: string | null;
  duplicate_of: string | null;
  enrich_state: string;
  enrich_mode: string | null;
  published_at: number | null;
  fetched_at: number;
  enriched_at: number | null;
  already_used: number | string | boolean;
}

function toArticle(r: Row): DigestArticle {
  return {
    id: r.id,
    sourceId: r.source_id,
    sourceName: r.source_name,
    url: r.url,
    title: r.title,
    titleZh: r.title_zh,
    summary: r.summary,
    category: r.category,
    importance: r.importance === null ? null : Number(r.importance),
    cves: fromJson<string[]>(r.cves) ?? [],
    eventId: r.event_id,
    duplicateOf: r.duplicate_of,
    enrichState: r.enrich_state,
    enrichMode: r.enrich_mode,
    publishedAt: r.published_at,
    fetchedAt: r.fetched_at,
    enrichedAt: r.enriched_at,
    alreadyUsed: Number(r.already_used) === 1 || r.already_used === true,
  };
}

/** Enough for any one digest; keeps a flood of articles from loading everything. */
const DEFAULT_CANDIDATE_LIMIT = 2000;
/** Keeps each IN list well under the drivers' parameter limits. */
const CHUNK = 500;

export class SqlDigestArticlesReadModel implements DigestArticlesReadModel {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #base() {
    return this.#db.selectFrom('articles as a').innerJoin('sources as s', 's.id', 'a.source_id');
  }

  async candidates(q: DigestCandidateQuery): Promise<DigestArticle[]> {
    let query = this.#base()
      .select(COLUMNS)
      .select((eb) => usedBefore(eb as Eb, q.date))
      // Enriched: finished, or enriched offline (no model configured).
      .where((eb) =>
        eb.or([
          eb('a.enrich_state', '=', 'done'),
          eb.and([eb('a.enrich_mode', '=', 'offline'), eb('a.enriched_at', 'is not', null)]),
        ]),
      )
      .where((eb) => eb.or([eb('a.fetched_at', '>=', q.since), eb('a.enriched_at', '>=', q.since)]))
      .where('a.fetched_at', '<', q.until);
    if (q.notFetchedBefore !== undefined) query = query.where('a.fetched_at', '>=', q.notFetchedBefore);
    const rows = await query
      .orderBy(sql`coalesce(a.importance, 0)`, 'desc')
      .orderBy('a.fetched_at', 'desc')
      .orderBy('a.id')
      .limit(q.limit ?? DEFAULT_CANDIDATE_LIMIT)
      .execute();
    return (rows as unknown as Row[]).map(toArticle);
  }

  async getByIds(ids: readonly string[], date?: string): Promise<DigestArticle[]> {
    const out: DigestArticle[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = [...new Set(ids.slice(i, i + CHUNK))];
      if (chunk.length === 0) continue;
      const rows = await this.#base()
        .select(COLUMNS)
        .select((eb) => usedBefore(eb as Eb, date))
        .where('a.id', 'in', chunk)
        .execute();
      out.push(...(rows as unknown as Row[]).map(toArticle));
    }
    return out;
  }

  async eventMembers(eventIds: readonly string[]): Promise<EventMemberLink[]> {
    const out: EventMemberLink[] = [];
    const unique = [...new Set(eventIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.#base()
        .select(['a.event_id', 'a.id', 'a.url', 's.name as source_name', 'a.published_at', 'a.fetched_at'])
        .where('a.event_id', 'in', unique.slice(i, i + CHUNK))
        .orderBy(sql`coalesce(a.published_at, a.fetched_at)`)
        .orderBy('a.id')
        .execute();
      for (const r of rows) {
        out.push({
          eventId: r.event_id!,
          articleId: r.id,
          url: r.url,
          sourceName: r.source_name,
          publishedAt: r.published_at,
          fetchedAt: r.fetched_at,
        });
      }
    }
    return out;
  }
}
