// Core tables of the task engine: executions and their logs, schedules, named locks, settings, revisions.
import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from './dialect.ts';

export const coreMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    const pg = isPostgres(db);

    await db.schema
      .createTable('executions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('task', 'text', (c) => c.notNull())
      .addColumn('payload', 'text')
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('triggered_by', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('progress_current', 'double precision')
      .addColumn('progress_total', 'double precision')
      .addColumn('progress_message', 'text')
      .addColumn('processed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('success_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('result', 'text')
      .addColumn('error', 'text')
      .addColumn('reason', 'text')
      .addColumn('schedule_id', 'text')
      .addColumn('scheduled_for', 'bigint')
      .addColumn('parent_id', 'text')
      .addColumn('retry_of', 'text')
      .addColumn('idempotency_key', 'text')
      .addColumn('host', 'text')
      .addColumn('pid', 'integer')
      .addColumn('worker', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('duration_ms', 'bigint')
      // SQLite: keep rows in id order in one b-tree instead of a rowid table plus a separate id index.
      .$call((t) => (pg ? t : t.modifyEnd(sql`without rowid`)))
      .execute();

    // Indexes are few and mostly partial: every one costs each insert and each status change, and the hot
    // ones stay small because rows leave them once they are no longer queued or active.
    // Claim: status = 'queued' AND run_at <= now ORDER BY priority DESC, run_at, id (id = creation order).
    await db.schema
      .createIndex('executions_queue_idx')
      .on('executions')
      .columns(['priority desc', 'run_at', 'id'])
      .where(sql.ref('status'), '=', 'queued')
      .execute();
    // Overlap checks, running counts and expired leases. Spelt as OR so SQLite also uses it for one status.
    await db.schema
      .createIndex('executions_active_idx')
      .on('executions')
      .column('task')
      .where(sql<boolean>`${sql.ref('status')} = 'queued' OR ${sql.ref('status')} = 'running'`)
      .execute();
    // Ids sort by creation time (ids.ts), so the primary key serves newest-first listing, time windows and
    // retention; these serve the same per task and per schedule.
    await db.schema.createIndex('executions_task_idx').on('executions').columns(['task', 'id']).execute();
    await db.schema
      .createIndex('executions_schedule_idx')
      .on('executions')
      .columns(['schedule_id', 'id'])
      .where(sql.ref('schedule_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('executions_idempotency_idx')
      .on('executions')
      .columns(['task', 'idempotency_key'])
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
    // A schedule fire is recorded once per cluster. Retries and recoveries of a fire keep its schedule id and
    // time for the audit trail, so only trigger = 'schedule' rows take part.
    await db.schema
      .createIndex('executions_schedule_fire_uq')
      .on('executions')
      .columns(['schedule_id', 'scheduled_for'])
      .unique()
      .where(sql.ref('trigger'), '=', 'schedule')
      .execute();

    await db.schema
      .createTable('execution_logs')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
      .addColumn('execution_id', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('msg', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .execute();
    await db.schema
      .createIndex('execution_logs_execution_idx')
      .on('execution_logs')
      .columns(['execution_id', 'id'])
      .execute();

    await db.schema
      .createTable('schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('task', 'text', (c) => c.notNull())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('payload', 'text')
      .addColumn('misfire_grace_ms', 'bigint', (c) => c.notNull())
      .addColumn('coalesce_missed', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('max_instances', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('description', 'text')
      .addColumn('next_run_at', 'bigint')
      .addColumn('last_run_at', 'bigint')
      .addColumn('last_execution_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('revisions')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const table of ['revisions', 'settings', 'locks', 'schedules', 'execution_logs', 'executions']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
