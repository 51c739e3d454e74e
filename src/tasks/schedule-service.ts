// Schedules as the API and CLI edit them: validated, stored, and picked up by the scheduler at once.
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Schedule, SchedulePatch } from '../store/types.ts';
import { nextFireTimes, validateCron } from './cron.ts';
import type {
  EnqueueResult,
  SchedulePatchInput,
  ScheduleService,
  TaskEngine,
  TaskRegistry,
} from './types.ts';
import { parsePayload } from './payload.ts';

export interface ScheduleServiceOptions {
  store: Store;
  registry: TaskRegistry;
  engine: TaskEngine;
  defaultTimezone: string;
  defaultMisfireGraceMs: number;
  /** Tell the local scheduler that schedules changed (other processes notice on their own refresh). */
  onChange?: () => Promise<void> | void;
  now?: () => number;
}

export function createScheduleService(opts: ScheduleServiceOptions): ScheduleService {
  const now = opts.now ?? Date.now;

  async function load(id: string): Promise<Schedule> {
    const schedule = await opts.store.schedules.get(id);
    if (!schedule) throw new NotFoundError('schedule', id);
    return schedule;
  }

  function firstFire(cron: string, timezone: string): number | null {
    return nextFireTimes(cron, timezone, now(), 1)[0] ?? null;
  }

  function checkBounds(input: SchedulePatchInput): void {
    if (input.name !== undefined && !input.name.trim())
      throw new ValidationError('name must not be empty', { field: 'name' });
    if (
      input.misfireGraceMs !== undefined &&
      (!Number.isInteger(input.misfireGraceMs) || input.misfireGraceMs < 0)
    ) {
      throw new ValidationError('misfireGraceMs must be a non-negative integer', { field: 'misfireGraceMs' });
    }
    if (
      input.maxInstances !== undefined &&
      (!Number.isInteger(input.maxInstances) || input.maxInstances < 1)
    ) {
      throw new ValidationError('maxInstances must be an integer >= 1', { field: 'maxInstances' });
    }
  }

  async function changed(): Promise<void> {
    await opts.onChange?.();
  }

  return {
    list: () => opts.store.schedules.list(),
    get: load,

    async create(input) {
      const def = opts.registry.get(input.task);
      if (!def) throw new ValidationError(`unknown task "${input.task}"`, { field: 'task' });
      checkBounds(input);
      const timezone = input.timezone ?? opts.defaultTimezone;
      const cron = validateCron(input.cron, timezone);
      const payload = parsePayload(def, input.payload ?? {});
      if (await opts.store.schedules.getByName(input.name)) {
        throw new ConflictError(`a schedule named "${input.name}" already exists`, { field: 'name' });
      }
      const enabled = input.enabled ?? true;
      const created = await opts.store.schedules.create({
        name: input.name.trim(),
        task: input.task,
        cron,
        timezone,
        enabled,
        payload,
        misfireGraceMs: input.misfireGraceMs ?? opts.defaultMisfireGraceMs,
        coalesce: input.coalesce ?? true,
        maxInstances: input.maxInstances ?? 1,
        description: input.description ?? null,
        nextRunAt: enabled ? firstFire(cron, timezone) : null,
      });
      await changed();
      return created;
    },

    async update(id, input) {
      const current = await load(id);
      checkBounds(input);
      const patch: SchedulePatch = {};
      const timezone = input.timezone ?? current.timezone;
      const cron =
        input.cron !== undefined || input.timezone !== undefined
          ? validateCron(input.cron ?? current.cron, timezone)
          : current.cron;
      if (input.cron !== undefined) patch.cron = cron;
      if (input.timezone !== undefined) patch.timezone = timezone;
      if (input.name !== undefined) patch.name = input.name.trim();
      if (input.enabled !== undefined) patch.enabled = input.enabled;
      if (input.payload !== undefined)
        patch.payload = parsePayload(opts.registry.require(current.task), input.payload);
      if (input.misfireGraceMs !== undefined) patch.misfireGraceMs = input.misfireGraceMs;
      if (input.coalesce !== undefined) patch.coalesce = input.coalesce;
      if (input.maxInstances !== undefined) patch.maxInstances = input.maxInstances;
      if (input.description !== undefined) patch.description = input.description;
      const timingChanged =
        patch.cron !== undefined || patch.timezone !== undefined || patch.enabled !== undefined;
      if (timingChanged) {
        // A new cron or a re-enable counts from now: no burst of "missed" fires for the old definition.
        const enabled = patch.enabled ?? current.enabled;
        patch.nextRunAt = enabled ? firstFire(cron, timezone) : null;
      }
      if (patch.name && patch.name !== current.name && (await opts.store.schedules.getByName(patch.name))) {
        throw new ConflictError(`a schedule named "${patch.name}" already exists`, { field: 'name' });
      }
      const updated = await opts.store.schedules.update(id, patch);
      if (!updated) throw new NotFoundError('schedule', id);
      await changed();
      return updated;
    },

    async delete(id) {
      if (!(await opts.store.schedules.delete(id))) throw new NotFoundError('schedule', id);
      await changed();
    },

    async nextRuns(id, count) {
      const schedule = await load(id);
      return nextFireTimes(schedule.cron, schedule.timezone, now(), clampCount(count));
    },

    preview(cron, timezone, count) {
      const tz = timezone ?? opts.defaultTimezone;
      validateCron(cron, tz);
      return nextFireTimes(cron, tz, now(), clampCount(count));
    },

    async runNow(id, triggeredBy): Promise<EnqueueResult> {
      const schedule = await load(id);
      return opts.engine.enqueue(schedule.task, schedule.payload ?? {}, {
        trigger: 'manual',
        triggeredBy: triggeredBy ?? `schedule ${schedule.name}`,
        scheduleId: schedule.id,
      });
    },
  };
}

function clampCount(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new ValidationError('count must be an integer between 1 and 100', { field: 'count' });
  }
  return count;
}
