// How an execution record becomes a BullMQ job. Pure: values in, values out.
import type { Execution } from '../../../store/types.ts';

/** BullMQ accepts priorities 1 (first) .. 2^21 - 1 (last); 0 means "no priority" and would jump the queue. */
export const BULL_PRIORITY_MAX = 2 ** 21 - 1;
const MIDDLE = 2 ** 20;

/**
 * newsdesk: a higher number goes first (manual triggers add a boost). BullMQ: a lower number goes first.
 * Every job gets a priority, so all of a queue's jobs sit in one ordered set.
 */
export function bullPriority(priority: number): number {
  const p = MIDDLE - Math.round(Number.isFinite(priority) ? priority : 0);
  return Math.min(Math.max(p, 1), BULL_PRIORITY_MAX);
}

/** One queue per task, so each task gets its own worker concurrency and cluster-wide limit. */
export function queueNameFor(task: string): string {
  return task;
}

export interface ExecutionJobData {
  executionId: string;
}

export interface ExecutionJobOptions {
  jobId: string;
  priority: number;
  delay: number;
  removeOnComplete: true;
  removeOnFail: true;
  attempts: 1;
}

/**
 * The job id is the execution id: adding the same execution twice is a no-op while its job exists.
 * Retries are new executions (the runner decides), so BullMQ's own attempts stay at 1. Finished jobs
 * are removed at once: the execution record is the history, and a kept job would block a re-add.
 */
export function jobOptionsFor(
  execution: Pick<Execution, 'id' | 'priority' | 'runAt'>,
  now: number,
): ExecutionJobOptions {
  return {
    jobId: execution.id,
    priority: bullPriority(execution.priority),
    delay: Math.max(0, execution.runAt - now),
    removeOnComplete: true,
    removeOnFail: true,
    attempts: 1,
  };
}
