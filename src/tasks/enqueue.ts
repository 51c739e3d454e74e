// Turning a trigger into an execution record: payload validation, idempotency, overlap policy, priority.
// Shared by both engines so a trigger means the same thing in embedded and distributed mode.
import { ConflictError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { NewExecution, Trigger } from '../store/types.ts';
import { parsePayload } from './payload.ts';
import type { EnqueueOptions, EnqueueResult, TaskRegistry } from './types.ts';

/** Manual triggers jump ahead of queued bulk work. */
const INTERACTIVE: ReadonlySet<Trigger> = new Set(['manual', 'api', 'cli']);
export const INTERACTIVE_PRIORITY_BOOST = 10;

export async function createExecution(
  store: Store,
  registry: TaskRegistry,
  task: string,
  payload: unknown,
  opts: EnqueueOptions,
  now: number,
): Promise<EnqueueResult> {
  const def = registry.require(task);
  const data = parsePayload(def, payload);
  if (opts.idempotencyKey) {
    const existing = await store.executions.findActiveByIdempotencyKey(task, opts.idempotencyKey);
    if (existing) return { execution: existing, deduplicated: true };
  }
  const record: NewExecution = {
    task,
    payload: data,
    trigger: opts.trigger,
    triggeredBy: opts.triggeredBy ?? null,
    priority:
      opts.priority ?? def.priority + (INTERACTIVE.has(opts.trigger) ? INTERACTIVE_PRIORITY_BOOST : 0),
    attempt: opts.attempt ?? 1,
    maxAttempts: def.retry.attempts,
    reason: opts.reason ?? null,
    scheduleId: opts.scheduleId ?? null,
    scheduledFor: opts.scheduledFor ?? null,
    parentId: opts.parentId ?? null,
    retryOf: opts.retryOf ?? null,
    idempotencyKey: opts.idempotencyKey ?? null,
    runAt: now + (opts.delayMs ?? 0),
    createdAt: now,
  };
  const overlap = opts.overlap ?? def.overlap;
  if (overlap !== 'skip') {
    return { execution: await insertOnce(store, record) };
  }
  const outcome = await store.executions.createUnlessActive(record);
  if (outcome.created) return { execution: outcome.created };
  const skipped = await insertOnce(store, {
    ...record,
    status: 'skipped',
    finishedAt: now,
    reason: `skipped: execution ${outcome.blockedBy.id} of ${task} is still ${outcome.blockedBy.status} (overlap policy: skip)`,
  });
  return { execution: skipped, skipped: true };
}

/**
 * Schedule fires are unique per (schedule, fire time); a duplicate means another process fired it. Retries of
 * a fire carry its time too, for the audit trail, and are ordinary inserts.
 */
async function insertOnce(store: Store, record: NewExecution) {
  if (record.trigger === 'schedule' && record.scheduleId && record.scheduledFor != null) {
    const created = await store.executions.createScheduledFire(record);
    if (!created)
      throw new ConflictError(
        `fire ${record.scheduledFor} of schedule ${record.scheduleId} already recorded`,
      );
    return created;
  }
  return store.executions.create(record);
}
