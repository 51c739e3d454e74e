// Records as the API shows them: instants as ISO-8601 with the configured zone's offset, no lease internals.
import type { z } from 'zod';
import { listedResult } from '../store/listed-result.ts';
import type { Execution, Schedule } from '../store/types.ts';
import { isoWithOffset } from '../time.ts';
import type { EnqueueResult } from '../tasks/types.ts';
import type { enqueueResponseSchema, executionSchema, scheduleSchema } from './schemas.ts';

export type ExecutionView = z.output<typeof executionSchema>;
export type ScheduleView = z.output<typeof scheduleSchema>;

export function iso(ms: number, timeZone: string): string;
export function iso(ms: number | null, timeZone: string): string | null;
export function iso(ms: number | null, timeZone: string): string | null {
  return ms == null ? null : isoWithOffset(ms, timeZone);
}

export function executionView(e: Execution, tz: string): ExecutionView {
  return {
    id: e.id,
    task: e.task,
    payload: e.payload,
    trigger: e.trigger,
    triggeredBy: e.triggeredBy,
    status: e.status,
    priority: e.priority,
    attempt: e.attempt,
    maxAttempts: e.maxAttempts,
    progress: { current: e.progressCurrent, total: e.progressTotal, message: e.progressMessage },
    counters: e.counters,
    result: e.result,
    error: e.error,
    reason: e.reason,
    scheduleId: e.scheduleId,
    scheduledFor: iso(e.scheduledFor, tz),
    parentId: e.parentId,
    retryOf: e.retryOf,
    idempotencyKey: e.idempotencyKey,
    host: e.host,
    pid: e.pid,
    worker: e.worker,
    cancelRequested: e.cancelRequested,
    runAt: iso(e.runAt, tz),
    createdAt: iso(e.createdAt, tz),
    startedAt: iso(e.startedAt, tz),
    finishedAt: iso(e.finishedAt, tz),
    durationMs: e.durationMs,
  };
}

/**
 * An execution as lists show it: a result with long arrays keeps its counts and shows those arrays as
 * `{ truncated: true, length }`, with `resultTruncated`; GET /api/executions/{id} has it whole. A list
 * of hourly crawls of 1,000 sources would otherwise carry every per-source line of every crawl.
 */
export function executionListView(e: Execution, tz: string): ExecutionView {
  const view = executionView(e, tz);
  if (e.resultTruncated) return { ...view, resultTruncated: true };
  // Read whole: nothing to cut, or finished before cut copies were stored.
  const cut = listedResult(e.result);
  return cut === undefined ? view : { ...view, result: cut, resultTruncated: true };
}

export function scheduleView(s: Schedule, tz: string): ScheduleView {
  return {
    id: s.id,
    name: s.name,
    task: s.task,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    payload: s.payload,
    misfireGraceMs: s.misfireGraceMs,
    coalesce: s.coalesce,
    maxInstances: s.maxInstances,
    description: s.description,
    nextRunAt: iso(s.nextRunAt, tz),
    lastRunAt: iso(s.lastRunAt, tz),
    lastExecutionId: s.lastExecutionId,
    createdAt: iso(s.createdAt, tz),
    updatedAt: iso(s.updatedAt, tz),
  };
}

/** The 202 answer to a trigger: the execution id, and whether it was deduplicated or skipped. */
export function enqueueView(result: EnqueueResult): z.output<typeof enqueueResponseSchema> {
  return {
    executionId: result.execution.id,
    status: result.execution.status,
    ...(result.deduplicated ? { deduplicated: true } : {}),
    ...(result.skipped ? { skipped: true, reason: result.execution.reason } : {}),
  };
}
