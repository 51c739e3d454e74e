// Records as the API shows them: instants as ISO-8601 with the configured zone's offset, no lease internals.
import type { z } from 'zod';
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

/** Arrays in a result longer than this are cut to their length in lists (crawl.sources lists every source). */
const LIST_ARRAY_MAX = 20;
const LIST_DEPTH_MAX = 4;

/** The result with long arrays (to depth 4) replaced by `{ truncated: true, length }`; undefined when nothing was cut. */
function listedResult(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > LIST_DEPTH_MAX) return undefined;
  if (Array.isArray(value) && value.length > LIST_ARRAY_MAX) return { truncated: true, length: value.length };
  const cuts: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const cut = listedResult(item, depth + 1);
    if (cut !== undefined) cuts.push([key, cut]);
  }
  if (cuts.length === 0) return undefined;
  const out = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
  for (const [key, cut] of cuts) out[key] = cut;
  return out;
}

/**
 * An execution as lists show it: a result with long arrays keeps its counts and shows those arrays as
 * `{ truncated: true, length }`, with `resultTruncated`; GET /api/executions/{id} has it whole. A list
 * of hourly crawls of 1,000 sources would otherwise carry every per-source line of every crawl.
 */
export function executionListView(e: Execution, tz: string): ExecutionView {
  const view = executionView(e, tz);
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
