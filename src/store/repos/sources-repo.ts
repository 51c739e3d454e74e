// Sources: the user's settings, the crawl state the crawler writes after each crawl, and the per-crawl
// history (crawl_runs). A URL belongs to one source (unique), so a duplicate is a ConflictError.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Source, SourceSelectors, SourceType } from '../content-types.ts';
import type {
  CrawlLogLine,
  CrawlRun,
  CrawlRunStatus,
  NewCrawlRun,
  NewSource,
  SourceListFilter,
  SourcePatch,
  SourcesRepo,
  SourceStatePatch,
  SourceStateWrite,
} from '../crawl-types.ts';
import { conflictOnUnique } from '../errors.ts';
import { newId } from '../ids.ts';
import { fromJson, toJson } from '../json.ts';
import type { Database } from '../schema.ts';
import type { SourcesTable } from '../schema-content.ts';
import type { CrawlRunsTable } from '../schema-crawl.ts';
import type { SavepointBatcher } from '../sqlite/savepoint-batcher.ts';

type Db = Kysely<Database>;

const DEFAULT_PAGE = 500;
const MAX_PAGE = 5000;

export function toSource(r: Selectable<SourcesTable>): Source {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    type: r.type as SourceType,
    active: Number(r.active) === 1,
    description: r.description,
    fetchIntervalMinutes: r.fetch_interval_minutes,
    maxFetchDays: Number(r.max_fetch_days),
    fullText: Number(r.full_text) === 1,
    useFeedSummary: Number(r.use_feed_summary) === 1,
    useDescriptionAsSummary: Number(r.use_description_as_summary) === 1,
    selectors: fromJson<SourceSelectors>(r.selectors),
    headers: fromJson<Record<string, string>>(r.headers),
    proxy: r.proxy,
    etag: r.etag,
    lastModified: r.last_modified,
    bodyHash: r.body_hash,
    lastFetchAt: r.last_fetch_at,
    lastSuccessAt: r.last_success_at,
    lastStatus: r.last_status,
    lastMessage: r.last_message,
    lastErrorCode: r.last_error_code,
    consecutiveFailures: Number(r.consecutive_failures),
    firstFailureAt: r.first_failure_at,
    nextCheckAt: r.next_check_at,
    disabledReason: r.disabled_reason,
    pendingRedirectUrl: r.pending_redirect_url,
    pendingRedirectCount: Number(r.pending_redirect_count),
    itemsFound: Number(r.items_found),
    itemsNew: Number(r.items_new),
    entriesPerWeek: r.entries_per_week === null ? null : Number(r.entries_per_week),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function settingsColumns(p: SourcePatch): Updateable<SourcesTable> {
  const out: Updateable<SourcesTable> = {};
  if (p.name !== undefined) out.name = p.name;
  if (p.url !== undefined) out.url = p.url;
  if (p.type !== undefined) out.type = p.type;
  if (p.active !== undefined) out.active = p.active ? 1 : 0;
  if (p.description !== undefined) out.description = p.description;
  if (p.fetchIntervalMinutes !== undefined) out.fetch_interval_minutes = p.fetchIntervalMinutes;
  if (p.maxFetchDays !== undefined) out.max_fetch_days = p.maxFetchDays;
  if (p.fullText !== undefined) out.full_text = p.fullText ? 1 : 0;
  if (p.useFeedSummary !== undefined) out.use_feed_summary = p.useFeedSummary ? 1 : 0;
  if (p.useDescriptionAsSummary !== undefined)
    out.use_description_as_summary = p.useDescriptionAsSummary ? 1 : 0;
  if (p.selectors !== undefined) out.selectors = toJson(p.selectors);
  if (p.headers !== undefined) out.headers = toJson(p.headers);
  if (p.proxy !== undefined) out.proxy = p.proxy;
  return out;
}

function stateColumns(p: SourceStatePatch): Updateable<SourcesTable> {
  const out: Updateable<SourcesTable> = {};
  const map: [keyof SourceStatePatch, keyof SourcesTable][] = [
    ['url', 'url'],
    ['etag', 'etag'],
    ['lastModified', 'last_modified'],
    ['bodyHash', 'body_hash'],
    ['lastFetchAt', 'last_fetch_at'],
    ['lastSuccessAt', 'last_success_at'],
    ['lastStatus', 'last_status'],
    ['lastMessage', 'last_message'],
    ['lastErrorCode', 'last_error_code'],
    ['consecutiveFailures', 'consecutive_failures'],
    ['firstFailureAt', 'first_failure_at'],
    ['nextCheckAt', 'next_check_at'],
    ['disabledReason', 'disabled_reason'],
    ['pendingRedirectUrl', 'pending_redirect_url'],
    ['pendingRedirectCount', 'pending_redirect_count'],
    ['itemsFound', 'items_found'],
    ['itemsNew', 'items_new'],
    ['entriesPerWeek', 'entries_per_week'],
  ];
  for (const [from, to] of map) {
    if (p[from] !== undefined) (out as Record<string, unknown>)[to] = p[from];
  }
  if (p.active !== undefined) out.active = p.active ? 1 : 0;
  return out;
}

function toRun(r: Selectable<CrawlRunsTable>): CrawlRun {
  return {
    id: r.id,
    sourceId: r.source_id,
    executionId: r.execution_id,
    url: r.url,
    status: r.status as CrawlRunStatus,
    httpStatus: r.http_status,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    itemsFound: Number(r.items_found),
    itemsNew: Number(r.items_new),
    outage: Number(r.outage) === 1,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: Number(r.duration_ms),
    log: fromJson<CrawlLogLine[]>(r.log) ?? [],
  };
}

/** A source's crawl state and history row, in the transaction (or connection) the caller gives. */
export async function writeSourceState(
  db: Kysely<Database>,
  id: string,
  { patch, run, now }: SourceStateWrite,
): Promise<void> {
  await db
    .updateTable('sources')
    .set({ ...stateColumns(patch), updated_at: now })
    .where('id', '=', id)
    .execute();
  if (run) await db.insertInto('crawl_runs').values(runRow(run)).execute();
}

function runRow(run: NewCrawlRun): CrawlRunsTable {
  return {
    id: run.id ?? newId(run.startedAt),
    source_id: run.sourceId,
    execution_id: run.executionId,
    url: run.url,
    status: run.status,
    http_status: run.httpStatus,
    error_code: run.errorCode,
    error_message: run.errorMessage,
    items_found: run.itemsFound,
    items_new: run.itemsNew,
    outage: run.outage ? 1 : 0,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    duration_ms: Math.max(0, Math.round(run.durationMs)),
    log: run.log.length ? toJson(run.log) : null,
  };
}

const urlTaken = (url: string) => [`a source with URL ${url} already exists`, { field: 'url', url }] as const;

/** The crawl-state columns of a source that was never crawled. */
export const NEW_SOURCE_STATE = {
  etag: null,
  last_modified: null,
  body_hash: null,
  last_fetch_at: null,
  last_success_at: null,
  last_status: null,
  last_message: null,
  last_error_code: null,
  consecutive_failures: 0,
  first_failure_at: null,
  next_check_at: null,
  disabled_reason: null,
  pending_redirect_url: null,
  pending_redirect_count: 0,
  items_found: 0,
  items_new: 0,
  entries_per_week: null,
} as const satisfies Partial<SourcesTable>;

export class SqlSourcesRepo implements SourcesRepo {
  readonly #db: Db;
  /** SQLite: crawl writes that arrive together share a commit (see savepoint-batcher.ts). */
  readonly #writes: SavepointBatcher | undefined;

  constructor(db: Db, writes?: SavepointBatcher) {
    this.#db = db;
    this.#writes = writes;
  }

  async create(input: NewSource, now = Date.now()): Promise<Source> {
    const row: SourcesTable = {
      id: newId(now),
      name: input.name,
      url: input.url,
      type: input.type ?? 'feed',
      active: input.active === false ? 0 : 1,
      description: input.description ?? null,
      fetch_interval_minutes: input.fetchIntervalMinutes ?? null,
      max_fetch_days: input.maxFetchDays ?? 3,
      full_text: input.fullText ? 1 : 0,
      use_feed_summary: input.useFeedSummary ? 1 : 0,
      use_description_as_summary: input.useDescriptionAsSummary ? 1 : 0,
      selectors: toJson(input.selectors ?? null),
      headers: toJson(input.headers ?? null),
      proxy: input.proxy ?? null,
      ...NEW_SOURCE_STATE,
      created_at: now,
      updated_at: now,
    };
    await conflictOnUnique(
      () => this.#db.insertInto('sources').values(row).execute(),
      ...urlTaken(input.url),
    );
    return toSource(row);
  }

  async get(id: string): Promise<Source | undefined> {
    const row = await this.#db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSource(row);
  }

  async getByUrl(url: string): Promise<Source | undefined> {
    const row = await this.#db.selectFrom('sources').selectAll().where('url', '=', url).executeTakeFirst();
    return row && toSource(row);
  }

  async list(filter: SourceListFilter = {}): Promise<{ items: Source[]; total: number }> {
    let q = this.#db.selectFrom('sources');
    if (filter.active !== undefined) q = q.where('active', '=', filter.active ? 1 : 0);
    if (filter.type) q = q.where('type', '=', filter.type);
    if (filter.q) {
      const like = `%${escapeLike(filter.q.toLowerCase())}%`;
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', sql<string>`${like} escape '\\'`),
          eb(eb.fn('lower', ['url']), 'like', sql<string>`${like} escape '\\'`),
        ]),
      );
    }
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_PAGE), 1), MAX_PAGE);
    const offset = Math.max(Math.trunc(filter.offset ?? 0), 0);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('name').orderBy('id').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toSource), total: Number(count.n) };
  }

  async update(id: string, patch: SourcePatch, now = Date.now()): Promise<Source | undefined> {
    const set = settingsColumns(patch);
    // A new URL is another resource: forget the validators and redirect memory of the old one.
    if (patch.url !== undefined)
      Object.assign(set, {
        etag: null,
        last_modified: null,
        body_hash: null,
        pending_redirect_url: null,
        pending_redirect_count: 0,
      });
    const run = () =>
      this.#db
        .updateTable('sources')
        .set({ ...set, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
    const res = patch.url !== undefined ? await conflictOnUnique(run, ...urlTaken(patch.url)) : await run();
    if (Number(res.numUpdatedRows) === 0) return undefined;
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const res = await this.#db.deleteFrom('sources').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async setActive(
    id: string,
    active: boolean,
    reason: string | null = null,
    now = Date.now(),
  ): Promise<Source | undefined> {
    const set: Updateable<SourcesTable> = active
      ? {
          active: 1,
          disabled_reason: null,
          consecutive_failures: 0,
          first_failure_at: null,
          next_check_at: null,
        }
      : { active: 0, disabled_reason: reason };
    const res = await this.#db
      .updateTable('sources')
      .set({ ...set, updated_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return undefined;
    return this.get(id);
  }

  async listDue(now: number, limit = 100_000): Promise<Source[]> {
    const rows = await this.#db
      .selectFrom('sources')
      .selectAll()
      .where('active', '=', 1)
      .where((eb) => eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)]))
      // Never-checked sources first, then the most overdue.
      .orderBy(sql`coalesce(next_check_at, 0)`)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toSource);
  }

  async updateState(id: string, patch: SourceStatePatch, run?: NewCrawlRun, now = Date.now()): Promise<void> {
    const write = (trx: Db) => writeSourceState(trx, id, { patch, run, now });
    if (this.#writes) await this.#writes.run(write);
    else if (!run) await write(this.#db);
    else await this.#db.transaction().execute(write);
  }

  async recordRun(run: NewCrawlRun): Promise<CrawlRun> {
    const row = runRow(run);
    await this.#db.insertInto('crawl_runs').values(row).execute();
    return toRun(row);
  }

  async listRuns(
    sourceId: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<{ items: CrawlRun[]; total: number }> {
    const limit = Math.min(Math.max(Math.trunc(page.limit ?? 50), 1), 500);
    const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
    const base = this.#db.selectFrom('crawl_runs').where('source_id', '=', sourceId);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRun), total: Number(count.n) };
  }

  async deleteRunsBefore(at: number): Promise<number> {
    const res = await this.#db.deleteFrom('crawl_runs').where('finished_at', '<', at).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

/** Escape LIKE wildcards; the pattern uses ESCAPE '\'. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
