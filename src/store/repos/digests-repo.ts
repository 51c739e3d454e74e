// Digests with their items, repeat flags and delivery attempts. Content edits run in one transaction,
// keep item ids stable (so flags stay attached to reordered or reworded items), bump the revision and
// drop the cached PDF.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type {
  DeliveryAttemptRecord,
  DigestContentEdit,
  DigestHeader,
  DigestItemInput,
  DigestItemRecord,
  DigestListFilter,
  DigestPdfCache,
  DigestRecord,
  DigestsRepo,
  DigestStatus,
  NewDeliveryAttempt,
  NewDigest,
  NewRepeatFlag,
  RepeatFlagRecord,
} from '../digest-types.ts';
import { conflictOnUnique } from '../errors.ts';
import { newId } from '../ids.ts';
import { fromJson, toJson } from '../json.ts';
import type { Database } from '../schema.ts';
import type {
  DigestDeliveriesTable,
  DigestItemsTable,
  DigestRepeatFlagsTable,
  DigestsTable,
} from '../schema-digests.ts';

type DigestRow = Selectable<DigestsTable> & { item_count?: number | string | null };

function toHeader(row: DigestRow): DigestHeader {
  return {
    id: row.id,
    date: row.date,
    title: row.title,
    intro: row.intro,
    status: row.status as DigestStatus,
    revision: Number(row.revision),
    publicToken: row.public_token,
    pdf:
      row.pdf_file && row.pdf_key
        ? { file: row.pdf_file, key: row.pdf_key, renderedAt: Number(row.pdf_rendered_at ?? 0) }
        : null,
    checkedAt: row.checked_at,
    checkedRevision: row.checked_revision,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    itemCount: Number(row.item_count ?? 0),
  };
}

function toItem(row: Selectable<DigestItemsTable>): DigestItemRecord {
  return {
    id: row.id,
    articleId: row.article_id,
    eventId: row.event_id,
    category: row.category,
    title: row.title,
    summary: row.summary,
    links: fromJson(row.links) ?? [],
    order: row.position,
  };
}

function toFlag(row: Selectable<DigestRepeatFlagsTable>): RepeatFlagRecord {
  return {
    id: row.id,
    digestId: row.digest_id,
    itemId: row.item_id,
    matchedDigestId: row.matched_digest_id,
    matchedDigestDate: row.matched_digest_date,
    matchedItemId: row.matched_item_id,
    matchedArticleId: row.matched_article_id,
    matchedTitle: row.matched_title,
    reason: row.reason,
    score: Number(row.score),
    detail: row.detail,
    confirmedByJudge: row.judge === 1,
    createdAt: row.created_at,
  };
}

function toAttempt(row: Selectable<DigestDeliveriesTable>): DeliveryAttemptRecord {
  return {
    id: row.id,
    digestId: row.digest_id,
    executionId: row.execution_id,
    channelId: row.channel_id,
    channelName: row.channel_name,
    channelType: row.channel_type,
    attempt: row.attempt,
    ok: row.ok === 1,
    status: row.status,
    response: row.response,
    error: fromJson(row.error),
    nextRetryInMs: row.next_retry_in_ms,
    at: row.at,
    durationMs: row.duration_ms,
  };
}

function itemRow(digestId: string, item: DigestItemInput, position: number, now: number) {
  return {
    id: item.id ?? newId(now),
    digest_id: digestId,
    article_id: item.articleId,
    event_id: item.eventId ?? null,
    category: item.category,
    title: item.title,
    summary: item.summary,
    links: JSON.stringify(item.links),
    position,
  };
}

const DUPLICATE_ARTICLE = 'an article can appear only once in a digest';

export class SqlDigestsRepo implements DigestsRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async create(input: NewDigest): Promise<DigestRecord> {
    const now = input.createdAt ?? Date.now();
    const id = newId(now);
    await conflictOnUnique(
      () =>
        this.#db.transaction().execute(async (trx) => {
          await trx
            .insertInto('digests')
            .values({
              id,
              date: input.date,
              title: input.title ?? '',
              intro: input.intro ?? '',
              status: 'draft',
              revision: 1,
              public_token: null,
              pdf_file: null,
              pdf_key: null,
              pdf_rendered_at: null,
              checked_at: null,
              checked_revision: null,
              delivered_at: null,
              created_at: now,
              updated_at: now,
            })
            .execute();
          if (input.items.length > 0) {
            await trx
              .insertInto('digest_items')
              .values(input.items.map((item, i) => itemRow(id, item, i, now)))
              .execute();
          }
        }),
      DUPLICATE_ARTICLE,
    );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<DigestRecord | undefined> {
    const row = await this.#db.selectFrom('digests').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.#withItems(this.#db, row);
  }

  async getByPublicToken(token: string): Promise<DigestRecord | undefined> {
    const row = await this.#db
      .selectFrom('digests')
      .selectAll()
      .where('public_token', '=', token)
      .executeTakeFirst();
    return row && this.#withItems(this.#db, row);
  }

  async #withItems(db: Kysely<Database> | Transaction<Database>, row: DigestRow): Promise<DigestRecord> {
    const items = await db
      .selectFrom('digest_items')
      .selectAll()
      .where('digest_id', '=', row.id)
      .orderBy('position')
      .execute();
    return { ...toHeader({ ...row, item_count: items.length }), items: items.map(toItem) };
  }

  async list(filter: DigestListFilter = {}): Promise<{ items: DigestHeader[]; total: number }> {
    let q = this.#db.selectFrom('digests');
    if (filter.date) q = q.where('date', '=', filter.date);
    const rows = await q
      .selectAll('digests')
      .select((eb) =>
        eb
          .selectFrom('digest_items')
          .select(eb.fn.countAll().as('c'))
          .whereRef('digest_items.digest_id', '=', 'digests.id')
          .as('item_count'),
      )
      .orderBy('date', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0)
      .execute();
    const total = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { items: rows.map((r) => toHeader(r as DigestRow)), total: Number(total.n) };
  }

  async listByDateRange(fromDate: string, toDate: string): Promise<DigestRecord[]> {
    const rows = await this.#db
      .selectFrom('digests')
      .selectAll()
      .where('date', '>=', fromDate)
      .where('date', '<=', toDate)
      .orderBy('date', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
    if (rows.length === 0) return [];
    const items = await this.#db
      .selectFrom('digest_items')
      .selectAll()
      .where(
        'digest_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('position')
      .execute();
    const byDigest = new Map<string, DigestItemRecord[]>(rows.map((r) => [r.id, []]));
    for (const item of items) byDigest.get(item.digest_id)!.push(toItem(item));
    return rows.map((r) => {
      const list = byDigest.get(r.id)!;
      return { ...toHeader({ ...r, item_count: list.length }), items: list };
    });
  }

  async latestBefore(date: string): Promise<DigestHeader | undefined> {
    const row = await this.#db
      .selectFrom('digests')
      .selectAll()
      .where('date', '<', date)
      .orderBy('date', 'desc')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toHeader(row);
  }

  async edit(id: string, edit: DigestContentEdit): Promise<DigestRecord | undefined> {
    const now = Date.now();
    const found = await conflictOnUnique(
      () =>
        this.#db.transaction().execute(async (trx) => {
          const head = await trx.selectFrom('digests').select('id').where('id', '=', id).executeTakeFirst();
          if (!head) return false;
          if (edit.items) await this.#saveItems(trx, id, edit.items, now);
          await trx
            .updateTable('digests')
            .set((eb) => ({
              ...(edit.title !== undefined ? { title: edit.title } : {}),
              ...(edit.intro !== undefined ? { intro: edit.intro } : {}),
              revision: eb('revision', '+', 1),
              status: 'draft',
              pdf_file: null,
              pdf_key: null,
              pdf_rendered_at: null,
              updated_at: now,
            }))
            .where('id', '=', id)
            .execute();
          return true;
        }),
      DUPLICATE_ARTICLE,
    );
    return found ? this.get(id) : undefined;
  }

  async #saveItems(trx: Transaction<Database>, digestId: string, items: DigestItemInput[], now: number) {
    const stored = await trx
      .selectFrom('digest_items')
      .select('id')
      .where('digest_id', '=', digestId)
      .execute();
    const storedIds = new Set(stored.map((r) => r.id));
    for (const item of items) {
      if (item.id !== undefined && !storedIds.has(item.id)) throw new NotFoundError('digest item', item.id);
    }
    const kept = new Set(items.map((i) => i.id).filter((x): x is string => x !== undefined));
    const removed = [...storedIds].filter((x) => !kept.has(x));
    if (removed.length > 0) await trx.deleteFrom('digest_items').where('id', 'in', removed).execute();
    // Kept items keep their id (and so their repeat flag); added ones get a new id.
    const added: ReturnType<typeof itemRow>[] = [];
    for (const [position, item] of items.entries()) {
      const row = itemRow(digestId, item, position, now);
      if (item.id === undefined) {
        added.push(row);
        continue;
      }
      const { id: itemId, digest_id: _d, ...fields } = row;
      await trx
        .updateTable('digest_items')
        .set(fields)
        .where('id', '=', itemId)
        .where('digest_id', '=', digestId)
        .execute();
    }
    if (added.length > 0) await trx.insertInto('digest_items').values(added).execute();
  }

  async setStatus(
    id: string,
    patch: { status?: DigestStatus; checkedAt?: number; checkedRevision?: number; deliveredAt?: number },
  ): Promise<boolean> {
    const res = await this.#db
      .updateTable('digests')
      .set({
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.checkedAt !== undefined ? { checked_at: patch.checkedAt } : {}),
        ...(patch.checkedRevision !== undefined ? { checked_revision: patch.checkedRevision } : {}),
        ...(patch.deliveredAt !== undefined ? { delivered_at: patch.deliveredAt } : {}),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async setPublicToken(id: string, token: string | null): Promise<boolean> {
    const res = await conflictOnUnique(
      () =>
        this.#db
          .updateTable('digests')
          .set({ public_token: token, updated_at: Date.now() })
          .where('id', '=', id)
          .executeTakeFirst(),
      'public token already in use',
    );
    return Number(res.numUpdatedRows) > 0;
  }

  async setPdf(id: string, pdf: DigestPdfCache | null, expectRevision?: number): Promise<boolean> {
    let q = this.#db
      .updateTable('digests')
      .set({
        pdf_file: pdf?.file ?? null,
        pdf_key: pdf?.key ?? null,
        pdf_rendered_at: pdf?.renderedAt ?? null,
      })
      .where('id', '=', id);
    if (expectRevision !== undefined) q = q.where('revision', '=', expectRevision);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async listPdfs(): Promise<{ id: string; pdf: DigestPdfCache }[]> {
    const rows = await this.#db
      .selectFrom('digests')
      .select(['id', 'pdf_file', 'pdf_key', 'pdf_rendered_at'])
      .where('pdf_file', 'is not', null)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      pdf: { file: r.pdf_file!, key: r.pdf_key ?? '', renderedAt: Number(r.pdf_rendered_at ?? 0) },
    }));
  }

  async delete(id: string): Promise<boolean> {
    const res = await this.#db.deleteFrom('digests').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async replaceRepeatFlags(
    digestId: string,
    flags: NewRepeatFlag[],
    now = Date.now(),
  ): Promise<RepeatFlagRecord[]> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('digest_repeat_flags').where('digest_id', '=', digestId).execute();
      if (flags.length === 0) return;
      await trx
        .insertInto('digest_repeat_flags')
        .values(
          flags.map((f) => ({
            id: newId(now),
            digest_id: digestId,
            item_id: f.itemId,
            matched_digest_id: f.matchedDigestId,
            matched_digest_date: f.matchedDigestDate,
            matched_item_id: f.matchedItemId,
            matched_article_id: f.matchedArticleId,
            matched_title: f.matchedTitle,
            reason: f.reason,
            score: f.score,
            detail: f.detail,
            judge: f.confirmedByJudge ? 1 : 0,
            created_at: now,
          })),
        )
        .execute();
    });
    return this.listRepeatFlags(digestId);
  }

  async listRepeatFlags(digestId: string): Promise<RepeatFlagRecord[]> {
    const rows = await this.#db
      .selectFrom('digest_repeat_flags')
      .selectAll()
      .where('digest_id', '=', digestId)
      .orderBy('id')
      .execute();
    return rows.map(toFlag);
  }

  async recordDeliveryAttempt(a: NewDeliveryAttempt): Promise<DeliveryAttemptRecord> {
    const row: Selectable<DigestDeliveriesTable> = {
      id: newId(),
      digest_id: a.digestId,
      execution_id: a.executionId,
      channel_id: a.channelId,
      channel_name: a.channelName,
      channel_type: a.channelType,
      attempt: a.attempt,
      ok: a.ok ? 1 : 0,
      status: a.status,
      response: a.response,
      error: toJson(a.error),
      next_retry_in_ms: a.nextRetryInMs,
      at: a.at,
      duration_ms: a.durationMs,
    };
    await this.#db.insertInto('digest_deliveries').values(row).execute();
    return toAttempt(row);
  }

  async listDeliveryAttempts(digestId: string): Promise<DeliveryAttemptRecord[]> {
    const rows = await this.#db
      .selectFrom('digest_deliveries')
      .selectAll()
      .where('digest_id', '=', digestId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(toAttempt);
  }
}
