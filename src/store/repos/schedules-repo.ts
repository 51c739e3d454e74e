// Schedules. Every create, update and delete bumps the 'schedules' revision and stamps updatedAt with it,
// so lastChange() moves forward for every edit, deletes included.
import type { Kysely, Selectable, Updateable } from 'kysely';
import { conflictOnUnique } from '../errors.ts';
import { newId } from '../ids.ts';
import { fromJson, toJson } from '../json.ts';
import type { Database, SchedulesTable } from '../schema.ts';
import type { NewSchedule, Schedule, SchedulePatch, SchedulesRepo } from '../types.ts';
import { bumpRevision, readRevision } from './revisions.ts';

const REVISION = 'schedules';
const DEFAULT_MISFIRE_GRACE_MS = 60_000;

type ScheduleRow = Selectable<SchedulesTable>;

function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    name: row.name,
    task: row.task,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled === 1,
    payload: fromJson(row.payload),
    misfireGraceMs: row.misfire_grace_ms,
    coalesce: row.coalesce_missed === 1,
    maxInstances: row.max_instances,
    description: row.description,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    lastExecutionId: row.last_execution_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toPatchRow(patch: SchedulePatch): Updateable<SchedulesTable> {
  const set: Updateable<SchedulesTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.cron !== undefined) set.cron = patch.cron;
  if (patch.timezone !== undefined) set.timezone = patch.timezone;
  if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
  if (patch.payload !== undefined) set.payload = toJson(patch.payload);
  if (patch.misfireGraceMs !== undefined) set.misfire_grace_ms = patch.misfireGraceMs;
  if (patch.coalesce !== undefined) set.coalesce_missed = patch.coalesce ? 1 : 0;
  if (patch.maxInstances !== undefined) set.max_instances = patch.maxInstances;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.nextRunAt !== undefined) set.next_run_at = patch.nextRunAt;
  if (patch.lastRunAt !== undefined) set.last_run_at = patch.lastRunAt;
  if (patch.lastExecutionId !== undefined) set.last_execution_id = patch.lastExecutionId;
  return set;
}

export class SqlSchedulesRepo implements SchedulesRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async create(input: NewSchedule): Promise<Schedule> {
    const now = Date.now();
    const revision = await bumpRevision(this.#db, REVISION, now);
    const row: ScheduleRow = {
      id: input.id ?? newId(now),
      name: input.name,
      task: input.task,
      cron: input.cron,
      timezone: input.timezone,
      enabled: input.enabled === false ? 0 : 1,
      payload: toJson(input.payload),
      misfire_grace_ms: input.misfireGraceMs ?? DEFAULT_MISFIRE_GRACE_MS,
      coalesce_missed: input.coalesce === false ? 0 : 1,
      max_instances: input.maxInstances ?? 1,
      description: input.description ?? null,
      next_run_at: input.nextRunAt ?? null,
      last_run_at: null,
      last_execution_id: null,
      created_at: now,
      updated_at: revision,
    };
    await conflictOnUnique(
      () => this.#db.insertInto('schedules').values(row).execute(),
      `a schedule named "${input.name}" (or with id ${row.id}) already exists`,
      { name: input.name, id: row.id },
    );
    return toSchedule(row);
  }

  async get(id: string): Promise<Schedule | undefined> {
    const row = await this.#db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSchedule(row);
  }

  async getByName(name: string): Promise<Schedule | undefined> {
    const row = await this.#db
      .selectFrom('schedules')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toSchedule(row);
  }

  async list(): Promise<Schedule[]> {
    const rows = await this.#db.selectFrom('schedules').selectAll().orderBy('name').execute();
    return rows.map(toSchedule);
  }

  async update(id: string, patch: SchedulePatch): Promise<Schedule | undefined> {
    const set = toPatchRow(patch);
    set.updated_at = await bumpRevision(this.#db, REVISION, Date.now());
    const row = await conflictOnUnique(
      () => this.#db.updateTable('schedules').set(set).where('id', '=', id).returningAll().executeTakeFirst(),
      `a schedule named "${patch.name}" already exists`,
      { name: patch.name },
    );
    return row && toSchedule(row);
  }

  async delete(id: string): Promise<boolean> {
    const res = await this.#db.deleteFrom('schedules').where('id', '=', id).executeTakeFirst();
    const deleted = Number(res.numDeletedRows) > 0;
    if (deleted) await bumpRevision(this.#db, REVISION, Date.now());
    return deleted;
  }

  async lastChange(): Promise<number> {
    return readRevision(this.#db, REVISION);
  }
}
