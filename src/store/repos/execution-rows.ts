// Executions: the one place where rows (snake_case, JSON text, 0/1) become domain records and back.
import type { Insertable, Selectable } from 'kysely';
import type { SerializedError } from '../../errors.ts';
import { newId } from '../ids.ts';
import { fromJson, toJson } from '../json.ts';
import type { ExecutionLogsTable, ExecutionsTable } from '../schema.ts';
import type { Execution, ExecutionLogLine, ExecutionStatus, NewExecution, Trigger } from '../types.ts';

export type ExecutionRow = Selectable<ExecutionsTable>;

export function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    task: row.task,
    payload: fromJson(row.payload),
    trigger: row.trigger as Trigger,
    triggeredBy: row.triggered_by,
    status: row.status as ExecutionStatus,
    priority: row.priority,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    progressCurrent: row.progress_current,
    progressTotal: row.progress_total,
    progressMessage: row.progress_message,
    counters: { processed: row.processed_count, success: row.success_count, failed: row.failed_count },
    result: fromJson(row.result),
    error: fromJson<SerializedError>(row.error),
    reason: row.reason,
    scheduleId: row.schedule_id,
    scheduledFor: row.scheduled_for,
    parentId: row.parent_id,
    retryOf: row.retry_of,
    idempotencyKey: row.idempotency_key,
    host: row.host,
    pid: row.pid,
    worker: row.worker,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    cancelRequested: row.cancel_requested === 1,
    runAt: row.run_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
  };
}

/** An execution as lists show it: the cut copy of its result when one was stored (the whole one is not parsed). */
export function toListedExecution(row: ExecutionRow): Execution {
  if (row.result_listed === null) return toExecution(row);
  const execution = toExecution({ ...row, result: row.result_listed });
  execution.resultTruncated = true;
  return execution;
}

/** The complete row of a new execution: no column is left to database defaults, so no read-back is needed. */
export function newExecutionRow(input: NewExecution, now: number = Date.now()): ExecutionRow {
  const createdAt = input.createdAt ?? now;
  const status = input.status ?? 'queued';
  return {
    id: newId(createdAt),
    task: input.task,
    payload: toJson(input.payload),
    trigger: input.trigger,
    triggered_by: input.triggeredBy ?? null,
    status,
    priority: input.priority ?? 0,
    attempt: input.attempt ?? 1,
    max_attempts: input.maxAttempts,
    progress_current: null,
    progress_total: null,
    progress_message: null,
    processed_count: 0,
    success_count: 0,
    failed_count: 0,
    result: null,
    result_listed: null,
    error: null,
    reason: input.reason ?? null,
    schedule_id: input.scheduleId ?? null,
    scheduled_for: input.scheduledFor ?? null,
    parent_id: input.parentId ?? null,
    retry_of: input.retryOf ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    host: null,
    pid: null,
    worker: null,
    lease_owner: null,
    lease_expires_at: null,
    cancel_requested: 0,
    run_at: input.runAt ?? createdAt,
    created_at: createdAt,
    started_at: null,
    finished_at: input.finishedAt ?? (status === 'skipped' ? createdAt : null),
    duration_ms: null,
  };
}

export function toLogRow(line: ExecutionLogLine): Insertable<ExecutionLogsTable> {
  return {
    execution_id: line.executionId,
    ts: line.ts,
    level: line.level,
    msg: line.msg,
    data: toJson(line.data),
  };
}

export function toLogLine(row: Selectable<ExecutionLogsTable>): ExecutionLogLine {
  const line: ExecutionLogLine = {
    id: row.id,
    executionId: row.execution_id,
    ts: row.ts,
    level: row.level,
    msg: row.msg,
  };
  const data = fromJson(row.data);
  if (data !== null) line.data = data;
  return line;
}

/** Column order of the hand-written INSERT statements; the type check keeps it complete. */
export const EXECUTION_COLUMNS = [
  'id',
  'task',
  'payload',
  'trigger',
  'triggered_by',
  'status',
  'priority',
  'attempt',
  'max_attempts',
  'progress_current',
  'progress_total',
  'progress_message',
  'processed_count',
  'success_count',
  'failed_count',
  'result',
  'result_listed',
  'error',
  'reason',
  'schedule_id',
  'scheduled_for',
  'parent_id',
  'retry_of',
  'idempotency_key',
  'host',
  'pid',
  'worker',
  'lease_owner',
  'lease_expires_at',
  'cancel_requested',
  'run_at',
  'created_at',
  'started_at',
  'finished_at',
  'duration_ms',
] as const satisfies readonly (keyof ExecutionRow)[];

// Fails to compile when a column is added to the table but not to EXECUTION_COLUMNS.
type MissingColumns = Exclude<keyof ExecutionRow, (typeof EXECUTION_COLUMNS)[number]>;
const allColumnsListed: [MissingColumns] extends [never] ? true : MissingColumns = true;
void allColumnsListed;

export function executionRowValues(row: ExecutionRow): unknown[] {
  return EXECUTION_COLUMNS.map((c) => row[c]);
}
