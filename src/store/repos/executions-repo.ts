// Execution records and their log lines. Every write is one statement where the dialect allows it, so the
// embedded engine pays one round trip per state change.
import { sql, type Kysely, type SelectQueryBuilder, type Updateable } from 'kysely';
import { conflictOnUnique } from '../errors.ts';
import { idFloor } from '../ids.ts';
import { SqlText } from '../sql-text.ts';
import { toJson } from '../json.ts';
import { listedResult } from '../listed-result.ts';
import type { Database, ExecutionsTable } from '../schema.ts';
import {
  ACTIVE_STATUSES,
  TERMINAL_STATUSES,
  type CreateOutcome,
  type Dialect,
  type Execution,
  type ExecutionFilter,
  type ExecutionFinish,
  type ExecutionLogLine,
  type ExecutionPage,
  type ExecutionStatus,
  type ExecutionsRepo,
  type NewExecution,
  type ProgressUpdate,
  type TaskStatusStats,
} from '../types.ts';
import {
  EXECUTION_COLUMNS,
  executionRowValues,
  newExecutionRow,
  toExecution,
  toListedExecution,
  toLogLine,
  toLogRow,
  type ExecutionRow,
} from './execution-rows.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
const DEFAULT_LOG_LIMIT = 1000;
const MAX_LOG_LIMIT = 10_000;
const LOG_INSERT_CHUNK = 500;
/** Rows per statement in the *Many methods (well under both dialects' parameter limits). */
const MANY_CHUNK = 200;
const ACTIVE = ACTIVE_STATUSES as ExecutionStatus[];
const TERMINAL = TERMINAL_STATUSES as ExecutionStatus[];
const KNOWN_STATUSES = new Set<string>([...ACTIVE, ...TERMINAL]);

// Status tests written as literals, exactly as in the partial indexes' predicates (0001_core), so both
// planners can match them to those small indexes.
const IS_QUEUED = sql<boolean>`${sql.ref('status')} = 'queued'`;
const IS_RUNNING = sql<boolean>`${sql.ref('status')} = 'running'`;
const IS_ACTIVE = sql<boolean>`(${sql.ref('status')} = 'queued' OR ${sql.ref('status')} = 'running')`;
// SQLite's planner, without statistics, may prefer the full per-task index for the overlap check.
const ACTIVE_BY_TASK_SQLITE = sql`executions INDEXED BY executions_active_idx`;

type Db = Kysely<Database>;

/** Every column, with the whole result only where no cut copy was stored: a crawl's result lists every source. */
const LISTED_SELECTION = [
  ...EXECUTION_COLUMNS.filter((c) => c !== 'result'),
  sql<string | null>`CASE WHEN result_listed IS NULL THEN result END`.as('result'),
];

const COLUMN_LIST = EXECUTION_COLUMNS.map((c) => `"${c}"`).join(', ');
const VALUE_LIST = EXECUTION_COLUMNS.map(() => '?').join(', ');

/** The statements every execution goes through, prepared as text once per dialect. */
function hotStatements(dialect: Dialect) {
  return {
    insert: new SqlText(dialect, `INSERT INTO executions (${COLUMN_LIST}) VALUES (${VALUE_LIST})`),
    // SQLite only: the overlap check and the insert in one statement; the write lock spans both.
    insertUnlessActive: new SqlText(
      dialect,
      `INSERT INTO executions (${COLUMN_LIST}) SELECT ${VALUE_LIST}
       WHERE NOT EXISTS (SELECT 1 FROM executions INDEXED BY executions_active_idx
                         WHERE task = ? AND ("status" = 'queued' OR "status" = 'running'))`,
    ),
    finish: new SqlText<ExecutionRow>(
      dialect,
      `UPDATE executions SET "status" = ?, "result" = ?, "result_listed" = ?, "error" = ?, "finished_at" = ?,
         "duration_ms" = ? - "started_at"
       WHERE "id" = ? AND "status" = 'running' RETURNING *`,
    ),
  };
}

export class SqlExecutionsRepo implements ExecutionsRepo {
  readonly #db: Db;
  readonly #dialect: Dialect;
  readonly #sql: ReturnType<typeof hotStatements>;

  constructor(db: Db, dialect: Dialect) {
    this.#db = db;
    this.#dialect = dialect;
    this.#sql = hotStatements(dialect);
  }

  async create(input: NewExecution): Promise<Execution> {
    const row = newExecutionRow(input);
    await this.#insertOrConflict(row, () =>
      this.#db.executeQuery(this.#sql.insert.with(executionRowValues(row))),
    );
    return toExecution(row);
  }

  async createMany(inputs: NewExecution[]): Promise<Execution[]> {
    if (inputs.length === 0) return [];
    if (inputs.length === 1) return [await this.create(inputs[0])];
    const now = Date.now();
    const rows = inputs.map((input) => newExecutionRow(input, now));
    const run = async (db: Db) => {
      for (let i = 0; i < rows.length; i += MANY_CHUNK) {
        await db
          .insertInto('executions')
          .values(rows.slice(i, i + MANY_CHUNK))
          .execute();
      }
    };
    await conflictOnUnique(
      () =>
        rows.length > MANY_CHUNK && this.#dialect === 'postgres'
          ? this.#db.transaction().execute(run)
          : run(this.#db),
      `one of ${rows.length} executions conflicts with an existing record`,
      { count: rows.length },
    );
    return rows.map(toExecution);
  }

  async createUnlessActive(input: NewExecution): Promise<CreateOutcome> {
    const row = newExecutionRow(input);
    if (this.#dialect === 'postgres') return this.#createUnlessActivePostgres(row);
    // SQLite: the check and the insert are one statement, and a write statement holds the file's write lock
    // from start to end, so no other process can slip an active execution in between.
    const insert = this.#sql.insertUnlessActive.with([...executionRowValues(row), row.task]);
    for (let tries = 0; ; tries++) {
      const res = await this.#insertOrConflict(row, () => this.#db.executeQuery(insert));
      if (Number(res.numAffectedRows ?? 0) === 1) return { created: toExecution(row) };
      const active = await this.#findActive(this.#db, row.task);
      if (active) return { blockedBy: active };
      // The blocking execution finished in between: try again.
      if (tries >= 5)
        throw new Error(`could not create execution of ${row.task}: active executions keep changing`);
    }
  }

  async #createUnlessActivePostgres(row: ExecutionRow): Promise<CreateOutcome> {
    return this.#db.transaction().execute(async (trx) => {
      // Serialises overlap checks per task across every process sharing the database, until commit.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${'exec:' + row.task}))`.execute(trx);
      const active = await this.#findActive(trx, row.task);
      if (active) return { blockedBy: active };
      await this.#insertOrConflict(row, () =>
        trx.executeQuery(this.#sql.insert.with(executionRowValues(row))),
      );
      return { created: toExecution(row) };
    });
  }

  async #findActive(db: Db, task: string): Promise<Execution | undefined> {
    if (this.#dialect === 'sqlite') {
      const res = await sql<ExecutionRow>`SELECT * FROM ${ACTIVE_BY_TASK_SQLITE}
        WHERE task = ${task} AND ${IS_ACTIVE} ORDER BY id LIMIT 1`.execute(db);
      return res.rows[0] && toExecution(res.rows[0]);
    }
    const row = await db
      .selectFrom('executions')
      .selectAll()
      .where('task', '=', task)
      .where(IS_ACTIVE)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row && toExecution(row);
  }

  async createScheduledFire(input: NewExecution): Promise<Execution | null> {
    if (input.trigger !== 'schedule' || input.scheduleId == null || input.scheduledFor == null) {
      throw new Error('a schedule fire needs trigger "schedule", a scheduleId and a scheduledFor time');
    }
    const row = newExecutionRow(input);
    const res = await this.#insertOrConflict(row, () =>
      this.#db
        .insertInto('executions')
        .values(row)
        // The predicate must be a literal for both databases to match it to the partial unique index.
        .onConflict((oc) =>
          oc
            .columns(['schedule_id', 'scheduled_for'])
            .where(sql<boolean>`${sql.ref('trigger')} = ${sql.lit('schedule')}`)
            .doNothing(),
        )
        .executeTakeFirst(),
    );
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1 ? toExecution(row) : null;
  }

  async findActiveByIdempotencyKey(task: string, key: string): Promise<Execution | undefined> {
    const row = await this.#db
      .selectFrom('executions')
      .selectAll()
      .where('task', '=', task)
      .where('idempotency_key', '=', key)
      .where('status', 'in', ACTIVE)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row && toExecution(row);
  }

  async get(id: string): Promise<Execution | undefined> {
    const row = await this.#db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toExecution(row);
  }

  async list(filter: ExecutionFilter): Promise<ExecutionPage> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    const offset = Math.max(Math.trunc(filter.offset ?? 0), 0);
    const base = applyFilter(this.#db.selectFrom('executions'), filter);
    const page = base.orderBy('id', 'desc').limit(limit).offset(offset);
    const [rows, count] = await Promise.all([
      // Ids sort by creation time, so this is newest first: created_at DESC, id DESC. Listed, the whole
      // result is read only where no cut copy was stored.
      filter.listed ? page.select(LISTED_SELECTION).execute() : page.selectAll().execute(),
      base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    const items = filter.listed ? rows.map(toListedExecution) : rows.map(toExecution);
    return { items, total: Number(count.total) };
  }

  async claim(args: {
    owner: string;
    now: number;
    leaseMs: number;
    limit: number;
    excludeTasks: string[];
    host: string;
    pid: number;
  }): Promise<Execution[]> {
    if (args.limit <= 0) return [];
    const set = {
      status: 'running',
      lease_owner: args.owner,
      lease_expires_at: args.now + args.leaseMs,
      started_at: args.now,
      host: args.host,
      pid: args.pid,
    };
    const due = this.#db
      .selectFrom('executions')
      .select('id')
      .where(IS_QUEUED)
      .where('run_at', '<=', args.now)
      .$if(args.excludeTasks.length > 0, (q) => q.where('task', 'not in', args.excludeTasks))
      .orderBy('priority', 'desc')
      .orderBy('run_at')
      .orderBy('id');
    let rows: ExecutionRow[];
    if (this.#dialect === 'postgres') {
      // Concurrent claimers each lock different rows instead of queueing on the same ones. The CTE is
      // materialised so the LIMITed, locking sub-select runs exactly once (an IN sub-select may be re-run).
      rows = await this.#db
        .with(
          (cte) => cte('due').materialized(),
          () => due.limit(args.limit).forUpdate().skipLocked(),
        )
        .updateTable('executions')
        .set(set)
        .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
        .where(IS_QUEUED)
        .returningAll()
        .execute();
    } else {
      // Read the candidates, then take them with one UPDATE that re-checks `queued`: a row another process
      // took in between is simply not returned. Cheaper than an UPDATE over a sub-select on SQLite.
      const ids = (await due.limit(args.limit).execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      rows = await this.#db
        .updateTable('executions')
        .set(set)
        .where('id', 'in', ids)
        .where(IS_QUEUED)
        .returningAll()
        .execute();
    }
    // RETURNING does not keep the selection's order.
    return rows.sort(claimOrder).map(toExecution);
  }

  async release(ids: string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#db
      .updateTable('executions')
      .set({
        status: 'queued',
        lease_owner: null,
        lease_expires_at: null,
        started_at: null,
        host: null,
        pid: null,
      })
      .where('id', 'in', ids)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .execute();
  }

  async markRunning(
    id: string,
    args: { owner: string; now: number; leaseMs: number; host: string; pid: number; worker?: string },
  ): Promise<Execution | undefined> {
    const row = await this.#db
      .updateTable('executions')
      .set({
        status: 'running',
        lease_owner: args.owner,
        lease_expires_at: args.now + args.leaseMs,
        started_at: args.now,
        host: args.host,
        pid: args.pid,
        worker: args.worker ?? null,
      })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return row && toExecution(row);
  }

  async markRunningMany(
    ids: string[],
    args: { owner: string; now: number; leaseMs: number; host: string; pid: number; worker?: string },
  ): Promise<Execution[]> {
    if (ids.length === 0) return [];
    const out: Execution[] = [];
    for (let i = 0; i < ids.length; i += MANY_CHUNK) {
      const rows = await this.#db
        .updateTable('executions')
        .set({
          status: 'running',
          lease_owner: args.owner,
          lease_expires_at: args.now + args.leaseMs,
          started_at: args.now,
          host: args.host,
          pid: args.pid,
          worker: args.worker ?? null,
        })
        .where('id', 'in', ids.slice(i, i + MANY_CHUNK))
        .where('status', '=', 'queued')
        .returningAll()
        .execute();
      out.push(...rows.map(toExecution));
    }
    return out;
  }

  async heartbeat(ids: string[], owner: string, leaseExpiresAt: number): Promise<void> {
    if (ids.length === 0) return;
    await this.#db
      .updateTable('executions')
      .set({ lease_expires_at: leaseExpiresAt })
      .where('id', 'in', ids)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .execute();
  }

  async updateProgress(id: string, update: ProgressUpdate): Promise<void> {
    const set: Updateable<ExecutionsTable> = {};
    if (update.progressCurrent !== undefined) set.progress_current = update.progressCurrent;
    if (update.progressTotal !== undefined) set.progress_total = update.progressTotal;
    if (update.progressMessage !== undefined) set.progress_message = update.progressMessage;
    if (update.counters) {
      set.processed_count = update.counters.processed;
      set.success_count = update.counters.success;
      set.failed_count = update.counters.failed;
    }
    if (Object.keys(set).length === 0) return;
    await this.#db.updateTable('executions').set(set).where('id', '=', id).execute();
  }

  async finish(id: string, finish: ExecutionFinish): Promise<Execution | undefined> {
    const { finishedAt } = finish;
    const params = [
      finish.status,
      toJson(finish.result),
      toJson(listedResult(finish.result)),
      toJson(finish.error),
      finishedAt,
      finishedAt,
      id,
    ];
    const res = await this.#db.executeQuery(this.#sql.finish.with(params));
    return res.rows[0] && toExecution(res.rows[0]);
  }

  async finishMany(items: Array<ExecutionFinish & { id: string }>): Promise<Execution[]> {
    if (this.#dialect !== 'postgres' || items.length <= 1) {
      // SQLite has one writer anyway: single statements cost the same.
      const out: Execution[] = [];
      for (const item of items) {
        const done = await this.finish(item.id, item);
        if (done) out.push(done);
      }
      return out;
    }
    const out: Execution[] = [];
    for (let i = 0; i < items.length; i += MANY_CHUNK) {
      const values = sql.join(
        items
          .slice(i, i + MANY_CHUNK)
          .map(
            (f) =>
              sql`(${f.id}, ${f.status}, ${toJson(f.result)}, ${toJson(listedResult(f.result))}, ${toJson(f.error)}, ${f.finishedAt}::bigint)`,
          ),
      );
      const res = await sql<ExecutionRow>`UPDATE executions AS e
        SET status = v.status, result = v.result, result_listed = v.result_listed, error = v.error,
            finished_at = v.finished_at,
            duration_ms = v.finished_at - e.started_at
        FROM (VALUES ${values}) AS v(id, status, result, result_listed, error, finished_at)
        WHERE e.id = v.id AND e.status = 'running'
        RETURNING e.*`.execute(this.#db);
      out.push(...res.rows.map(toExecution));
    }
    return out;
  }

  async requestCancel(id: string, now: number): Promise<Execution | undefined> {
    const row = await this.#db
      .updateTable('executions')
      .set({
        status: sql<string>`CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END`,
        finished_at: sql<number>`CASE WHEN status = 'queued' THEN ${now} ELSE finished_at END`,
        cancel_requested: 1,
      })
      .where('id', '=', id)
      .where('status', 'in', ACTIVE)
      .returningAll()
      .executeTakeFirst();
    return row ? toExecution(row) : this.get(id);
  }

  async listExpiredLeases(now: number): Promise<Execution[]> {
    const rows = await this.#db
      .selectFrom('executions')
      .selectAll()
      .where(IS_RUNNING)
      .where('lease_expires_at', '<', now)
      .orderBy('lease_expires_at')
      .execute();
    return rows.map(toExecution);
  }

  async countByStatus(statuses: ExecutionStatus[]): Promise<Record<string, number>> {
    const wanted = [...new Set(statuses)].filter((s) => KNOWN_STATUSES.has(s));
    const counts: Record<string, number> = Object.fromEntries(statuses.map((s) => [s, 0]));
    if (wanted.length === 0) return counts;
    // One count per status with the status as a literal: queued and running come from the partial indexes.
    const parts = wanted.map(
      (s) =>
        sql`SELECT ${sql.lit(s)} AS status, COUNT(*) AS count FROM executions WHERE ${sql.ref('status')} = ${sql.lit(s)}`,
    );
    const res = await sql<{
      status: string;
      count: number | string;
    }>`${sql.join(parts, sql` UNION ALL `)}`.execute(this.#db);
    for (const r of res.rows) counts[r.status] = Number(r.count);
    return counts;
  }

  async stats(from: number): Promise<TaskStatusStats[]> {
    const rows = await this.#db
      .selectFrom('executions')
      .select((eb) => [
        'task',
        'status',
        eb.fn.countAll<number>().as('count'),
        eb.fn.avg<number | null>('duration_ms').as('avg_duration_ms'),
        eb.fn.max<number | null>('duration_ms').as('max_duration_ms'),
      ])
      .where('id', '>=', idFloor(from))
      .where('created_at', '>=', from)
      .groupBy(['task', 'status'])
      .orderBy('task')
      .orderBy('status')
      .execute();
    return rows.map((r) => ({
      task: r.task,
      status: r.status as ExecutionStatus,
      count: Number(r.count),
      // PostgreSQL returns avg() as numeric, i.e. a string.
      avgDurationMs: r.avg_duration_ms === null ? null : Number(r.avg_duration_ms),
      maxDurationMs: r.max_duration_ms === null ? null : Number(r.max_duration_ms),
    }));
  }

  async deleteFinishedBefore(cutoff: number): Promise<number> {
    const run = async (db: Db): Promise<number> => {
      // finished_at >= created_at, so the id bound (creation time) only narrows the scan to the primary key.
      const old = db
        .selectFrom('executions')
        .select('id')
        .where('id', '<', idFloor(cutoff))
        .where('status', 'in', TERMINAL)
        .where('finished_at', '<', cutoff);
      // Logs first: an interruption in between leaves executions without logs, never logs without executions.
      await db.deleteFrom('execution_logs').where('execution_id', 'in', old).execute();
      const res = await db
        .deleteFrom('executions')
        .where('id', '<', idFloor(cutoff))
        .where('status', 'in', TERMINAL)
        .where('finished_at', '<', cutoff)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    };
    // On SQLite a transaction would hold the write lock across awaits; each statement is atomic on its own.
    return this.#dialect === 'postgres' ? this.#db.transaction().execute(run) : run(this.#db);
  }

  async appendLogs(lines: ExecutionLogLine[]): Promise<void> {
    for (let i = 0; i < lines.length; i += LOG_INSERT_CHUNK) {
      const chunk = lines.slice(i, i + LOG_INSERT_CHUNK).map(toLogRow);
      await this.#db.insertInto('execution_logs').values(chunk).execute();
    }
  }

  async listLogs(
    executionId: string,
    opts: { afterId?: number; limit?: number } = {},
  ): Promise<ExecutionLogLine[]> {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_LOG_LIMIT), 1), MAX_LOG_LIMIT);
    const rows = await this.#db
      .selectFrom('execution_logs')
      .selectAll()
      .where('execution_id', '=', executionId)
      .$if(opts.afterId !== undefined, (q) => q.where('id', '>', opts.afterId as number))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toLogLine);
  }

  async #insertOrConflict<T>(row: ExecutionRow, fn: () => Promise<T>): Promise<T> {
    const details = {
      id: row.id,
      task: row.task,
      scheduleId: row.schedule_id,
      scheduledFor: row.scheduled_for,
    };
    return conflictOnUnique(
      fn,
      `execution ${row.id} of ${row.task} conflicts with an existing record`,
      details,
    );
  }
}

function applyFilter<O>(
  q: SelectQueryBuilder<Database, 'executions', O>,
  f: ExecutionFilter,
): SelectQueryBuilder<Database, 'executions', O> {
  if (f.task !== undefined) q = q.where('task', '=', f.task);
  if (f.status !== undefined) {
    const statuses = Array.isArray(f.status) ? f.status : [f.status];
    q = statuses.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('status', 'in', statuses);
  }
  if (f.trigger !== undefined) q = q.where('trigger', '=', f.trigger);
  if (f.scheduleId !== undefined) q = q.where('schedule_id', '=', f.scheduleId);
  // Time bounds also bound the id (creation time is its prefix), so the primary key narrows the scan.
  if (f.from !== undefined) q = q.where('id', '>=', idFloor(f.from)).where('created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('id', '<', idFloor(f.to + 1)).where('created_at', '<=', f.to);
  return q;
}

function claimOrder(a: ExecutionRow, b: ExecutionRow): number {
  return b.priority - a.priority || a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
