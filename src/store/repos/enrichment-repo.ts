// Enrichment state on article rows: batches claim due articles atomically (pending, retry-due failures,
// and 'running' ones whose run died), write outcomes only while they still hold the claim, and give back
// what they did not get to. Bulk re-process resets articles to pending.
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { ArticleEnrichment, ArticleEntity, EnrichmentState } from '../content-types.ts';
import type {
  ClaimArgs,
  ClaimedArticle,
  EnrichmentFailureWrite,
  EnrichmentRepo,
  EnrichmentWrite,
  ReprocessFilter,
} from '../enrich-types.ts';
import { fromJson, toJson } from '../json.ts';
import type { Database } from '../schema.ts';
import type { ArticleClaimColumns } from '../schema-enrich.ts';
import type { Dialect } from '../types.ts';

type Db = Kysely<Database & { articles: ArticleClaimColumns }>;
type Eb = ExpressionBuilder<Database & { articles: ArticleClaimColumns }, 'articles'>;

const STATES: EnrichmentState[] = ['pending', 'running', 'done', 'failed', 'skipped'];
/** Keeps each IN list well under the drivers' parameter limits. */
const CHUNK = 500;
const ACTIVE_EXECUTION = ['queued', 'running'];

const pending = (eb: Eb) => eb('articles.enrich_state', '=', 'pending');

/** Failed with a retry time that has come. */
function retryDue(eb: Eb, now: number) {
  return eb.and([
    eb('articles.enrich_state', '=', 'failed'),
    eb('articles.enrich_next_retry_at', 'is not', null),
    eb('articles.enrich_next_retry_at', '<=', now),
  ]);
}

/** Running under a claim that is stale or whose execution is no longer active (it crashed, was cancelled or timed out without giving them back). */
function abandoned(eb: Eb, staleBefore: number) {
  return eb.and([
    eb('articles.enrich_state', '=', 'running'),
    eb.or([
      eb('articles.enrich_claimed_at', 'is', null),
      eb('articles.enrich_claimed_at', '<', staleBefore),
      eb.not(
        eb.exists(
          eb
            .selectFrom('executions')
            .select('executions.id')
            .whereRef('executions.id', '=', 'articles.enrich_claim_owner')
            .where('executions.status', 'in', ACTIVE_EXECUTION),
        ),
      ),
    ]),
  ]);
}

/** Due now: pending, retry-due failures, or abandoned claims. */
function isDue(eb: Eb, now: number, staleBefore: number) {
  return eb.or([pending(eb), retryDue(eb, now), abandoned(eb, staleBefore)]);
}

/** Newest first, as claims take them. */
function newestFirst(a: { id: string; fetched_at: number }, b: { id: string; fetched_at: number }): number {
  return Number(b.fetched_at) - Number(a.fetched_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

interface EnrichmentRow {
  enrich_state: string;
  enrich_mode: string | null;
  language: string | null;
  title_zh: string | null;
  summary: string | null;
  summary_source: string | null;
  category: string | null;
  entities: string | null;
  cves: string | null;
  importance: number | null;
  translation: string | null;
  prompt_version: string | null;
  enrich_attempts: number;
  enrich_error_code: string | null;
  enrich_error_message: string | null;
  enrich_next_retry_at: number | null;
  enrich_skip_reason: string | null;
  enriched_at: number | null;
}

export function toArticleEnrichment(r: EnrichmentRow): ArticleEnrichment {
  return {
    state: r.enrich_state as EnrichmentState,
    mode: r.enrich_mode as ArticleEnrichment['mode'],
    language: r.language,
    titleZh: r.title_zh,
    summary: r.summary,
    summarySource: r.summary_source as ArticleEnrichment['summarySource'],
    category: r.category,
    entities: fromJson<ArticleEntity[]>(r.entities) ?? [],
    cves: fromJson<string[]>(r.cves) ?? [],
    importance: r.importance === null ? null : Number(r.importance),
    translation: r.translation as ArticleEnrichment['translation'],
    promptVersion: r.prompt_version,
    attempts: Number(r.enrich_attempts),
    errorCode: r.enrich_error_code,
    errorMessage: r.enrich_error_message,
    nextRetryAt: r.enrich_next_retry_at,
    skipReason: r.enrich_skip_reason,
    enrichedAt: r.enriched_at,
  };
}

export class SqlEnrichmentRepo implements EnrichmentRepo {
  readonly #db: Db;
  readonly #dialect: Dialect;

  constructor(db: Kysely<Database>, dialect: Dialect) {
    this.#db = db.withTables<{ articles: ArticleClaimColumns }>() as Db;
    this.#dialect = dialect;
  }

  async get(articleId: string): Promise<ArticleEnrichment | undefined> {
    const row = await this.#db
      .selectFrom('articles')
      .select([
        'enrich_state',
        'enrich_mode',
        'language',
        'title_zh',
        'summary',
        'summary_source',
        'category',
        'entities',
        'cves',
        'importance',
        'translation',
        'prompt_version',
        'enrich_attempts',
        'enrich_error_code',
        'enrich_error_message',
        'enrich_next_retry_at',
        'enrich_skip_reason',
        'enriched_at',
      ])
      .where('id', '=', articleId)
      .executeTakeFirst();
    return row && toArticleEnrichment(row);
  }

  async countDue(args: { now: number; staleBefore: number; ids?: readonly string[] }): Promise<number> {
    if (args.ids && args.ids.length === 0) return 0;
    let total = 0;
    for (const chunk of chunksOf(args.ids)) {
      const row = await this.#db
        .selectFrom('articles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => isDue(eb, args.now, args.staleBefore))
        .$if(chunk !== null, (q) => q.where('articles.id', 'in', chunk!))
        .executeTakeFirstOrThrow();
      total += Number(row.n);
    }
    return total;
  }

  /**
   * SQLite's plan for the OR of the three kinds of due collects and sorts every pending article, so a
   * claim cost grew with the backlog: one ordered, limited query per kind instead, merged here.
   */
  async #sqliteDue(args: ClaimArgs, ids: string[] | null): Promise<string[]> {
    const newest = (where: (eb: Eb) => ReturnType<typeof pending>) =>
      this.#db
        .selectFrom('articles')
        .select(['articles.id', 'articles.fetched_at'])
        .where(where)
        .$if(ids !== null, (q) => q.where('articles.id', 'in', ids!))
        .orderBy('articles.fetched_at', 'desc')
        .orderBy('articles.id', 'desc')
        .limit(args.limit)
        .execute();
    const parts = [
      await newest(pending),
      await newest((eb) => retryDue(eb, args.now)),
      await newest((eb) => abandoned(eb, args.staleBefore)),
    ];
    return parts
      .flat()
      .sort(newestFirst)
      .slice(0, args.limit)
      .map((r) => r.id);
  }

  async claim(args: ClaimArgs): Promise<ClaimedArticle[]> {
    if (args.limit <= 0 || (args.ids && args.ids.length === 0)) return [];
    const set = {
      enrich_state: 'running',
      enrich_claim_owner: args.owner,
      enrich_claimed_at: args.now,
    };
    // An id list is capped at one chunk (callers pass a few ids; the rest wait for the next batch).
    const ids = args.ids ? [...new Set(args.ids)].slice(0, CHUNK) : null;
    let claimed: string[];
    if (this.#dialect === 'postgres') {
      const due = this.#db
        .selectFrom('articles')
        .select('articles.id')
        .where((eb) => isDue(eb, args.now, args.staleBefore))
        .$if(ids !== null, (q) => q.where('articles.id', 'in', ids!))
        .orderBy('articles.fetched_at', 'desc')
        .orderBy('articles.id', 'desc')
        .limit(args.limit);
      // Concurrent batches lock different rows instead of queueing on the same ones.
      const rows = await this.#db
        .with(
          (cte) => cte('due').materialized(),
          () => due.forUpdate().skipLocked(),
        )
        .updateTable('articles')
        .set(set)
        .where('articles.id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
        .returning('articles.id')
        .execute();
      claimed = rows.map((r) => r.id);
    } else {
      // SQLite: read the candidates, then take them with one UPDATE that re-checks they are still due;
      // rows another process took in between are not returned.
      const candidates = await this.#sqliteDue(args, ids);
      if (candidates.length === 0) return [];
      const rows = await this.#db
        .updateTable('articles')
        .set(set)
        .where('articles.id', 'in', candidates)
        .where((eb) => isDue(eb, args.now, args.staleBefore))
        .returning('articles.id')
        .execute();
      claimed = rows.map((r) => r.id);
    }
    if (claimed.length === 0) return [];
    const rows = await this.#db
      .selectFrom('articles')
      .innerJoin('sources', 'sources.id', 'articles.source_id')
      .select([
        'articles.id',
        'articles.source_id',
        'articles.title',
        'articles.url',
        'articles.content_text',
        'articles.feed_summary',
        'articles.enrich_attempts',
        'articles.fetched_at',
        'sources.use_feed_summary',
      ])
      .where('articles.id', 'in', claimed)
      .where('articles.enrich_claim_owner', '=', args.owner)
      .orderBy('articles.fetched_at', 'desc')
      .orderBy('articles.id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      sourceId: r.source_id,
      title: r.title,
      url: r.url,
      contentText: r.content_text,
      feedSummary: r.feed_summary,
      useFeedSummary: Number(r.use_feed_summary) === 1,
      attempts: Number(r.enrich_attempts),
    }));
  }

  async saveResult(articleId: string, owner: string, result: EnrichmentWrite, now: number): Promise<boolean> {
    return this.#finish(articleId, owner, {
      enrich_state: 'done',
      enrich_mode: result.mode,
      language: result.language,
      title_zh: result.titleZh,
      summary: result.summary,
      summary_source: result.summarySource,
      category: result.category,
      entities: toJson(result.entities),
      cves: toJson(result.cves),
      importance: result.importance,
      translation: result.translation,
      prompt_version: result.promptVersion,
      enrich_error_code: null,
      enrich_error_message: null,
      enrich_next_retry_at: null,
      enrich_skip_reason: null,
      enriched_at: now,
    });
  }

  async markFailed(
    articleId: string,
    owner: string,
    failure: EnrichmentFailureWrite,
    _now: number,
  ): Promise<boolean> {
    return this.#finish(articleId, owner, {
      enrich_state: 'failed',
      enrich_error_code: failure.code,
      enrich_error_message: failure.message.slice(0, 2000),
      enrich_next_retry_at: failure.nextRetryAt,
      enrich_skip_reason: null,
    });
  }

  async markSkipped(articleId: string, owner: string, reason: string, _now: number): Promise<boolean> {
    return this.#finish(articleId, owner, {
      enrich_state: 'skipped',
      enrich_skip_reason: reason,
      enrich_error_code: null,
      enrich_error_message: null,
      enrich_next_retry_at: null,
    });
  }

  async #finish(articleId: string, owner: string, set: Record<string, unknown>): Promise<boolean> {
    const res = await this.#db
      .updateTable('articles')
      .set({
        ...set,
        enrich_attempts: sql<number>`enrich_attempts + 1`,
        enrich_claim_owner: null,
        enrich_claimed_at: null,
      })
      .where('id', '=', articleId)
      .where('enrich_state', '=', 'running')
      .where('enrich_claim_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async release(articleIds: readonly string[], owner: string): Promise<number> {
    let n = 0;
    for (const chunk of chunksOf(articleIds)) {
      const res = await this.#db
        .updateTable('articles')
        .set({ enrich_state: 'pending', enrich_claim_owner: null, enrich_claimed_at: null })
        .where('id', 'in', chunk!)
        .where('enrich_state', '=', 'running')
        .where('enrich_claim_owner', '=', owner)
        .executeTakeFirst();
      n += Number(res.numUpdatedRows);
    }
    return n;
  }

  async resetForReprocess(filter: ReprocessFilter): Promise<number> {
    if (filter.ids && filter.ids.length === 0) return 0;
    if (filter.states && filter.states.length === 0) return 0;
    let n = 0;
    for (const chunk of chunksOf(filter.ids)) {
      const res = await this.#db
        .updateTable('articles')
        .set({
          enrich_state: 'pending',
          enrich_attempts: 0,
          enrich_error_code: null,
          enrich_error_message: null,
          enrich_next_retry_at: null,
          enrich_skip_reason: null,
          enrich_claim_owner: null,
          enrich_claimed_at: null,
        })
        .where('enrich_state', '!=', 'running')
        .$if(chunk !== null, (q) => q.where('id', 'in', chunk!))
        .$if(filter.states !== undefined, (q) => q.where('enrich_state', 'in', [...filter.states!]))
        .$if(filter.sourceId !== undefined, (q) => q.where('source_id', '=', filter.sourceId!))
        .$if(filter.since !== undefined, (q) => q.where('fetched_at', '>=', filter.since!))
        .$if(filter.until !== undefined, (q) => q.where('fetched_at', '<', filter.until!))
        .executeTakeFirst();
      n += Number(res.numUpdatedRows);
    }
    return n;
  }

  async stateCounts(): Promise<Record<EnrichmentState, number>> {
    const rows = await this.#db
      .selectFrom('articles')
      .select(['enrich_state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('enrich_state')
      .execute();
    const out = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<EnrichmentState, number>;
    for (const r of rows) if (r.enrich_state in out) out[r.enrich_state as EnrichmentState] = Number(r.n);
    return out;
  }
}

/** [null] for "no id filter", otherwise the ids in chunks. */
function chunksOf(ids: readonly string[] | undefined): (string[] | null)[] {
  if (ids === undefined) return [null];
  const unique = [...new Set(ids)];
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += CHUNK) out.push(unique.slice(i, i + CHUNK));
  return out;
}
