// Shared HTTP schemas (zod 4): one source for validation, serialization and the OpenAPI document.
import { z } from 'zod';

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable error code, e.g. VALIDATION, NOT_FOUND, CONFLICT, UNAUTHORIZED'),
      message: z.string(),
      details: z
        .unknown()
        .optional()
        .describe('For validation errors: [{path, message, in}] naming each field'),
    }),
  })
  .describe('Error');

/** Standard error responses to document on a route. */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema]));
}

const isoTime = z.string().describe('ISO-8601 with the offset of the configured time zone');

export const executionStatusSchema = z.enum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'skipped',
]);
export const triggerSchema = z.enum(['manual', 'schedule', 'api', 'cli', 'retry', 'chain', 'recovery']);

export const countersSchema = z.object({ processed: z.number(), success: z.number(), failed: z.number() });

export const executionSchema = z.object({
  id: z.string(),
  task: z.string(),
  payload: z.unknown(),
  trigger: triggerSchema,
  triggeredBy: z.string().nullable(),
  status: executionStatusSchema,
  priority: z.number(),
  attempt: z.number(),
  maxAttempts: z.number(),
  progress: z.object({
    current: z.number().nullable(),
    total: z.number().nullable(),
    message: z.string().nullable(),
  }),
  counters: countersSchema,
  result: z.unknown(),
  error: z
    .object({
      type: z.string(),
      message: z.string(),
      stack: z.string().optional(),
      code: z.string().optional(),
    })
    .nullable(),
  reason: z.string().nullable(),
  scheduleId: z.string().nullable(),
  scheduledFor: isoTime.nullable(),
  parentId: z.string().nullable(),
  retryOf: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  host: z.string().nullable(),
  pid: z.number().nullable(),
  worker: z.string().nullable(),
  cancelRequested: z.boolean(),
  runAt: isoTime,
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  durationMs: z.number().nullable(),
});

export const scheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  task: z.string(),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  payload: z.unknown(),
  misfireGraceMs: z.number(),
  coalesce: z.boolean(),
  maxInstances: z.number(),
  description: z.string().nullable(),
  nextRunAt: isoTime.nullable(),
  lastRunAt: isoTime.nullable(),
  lastExecutionId: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const enqueueResponseSchema = z.object({
  executionId: z.string(),
  status: executionStatusSchema,
  deduplicated: z
    .boolean()
    .optional()
    .describe('An active execution with the same idempotency key was returned'),
  skipped: z.boolean().optional().describe('Recorded as skipped by the overlap policy'),
  reason: z.string().nullable().optional(),
});

export const idParams = z.object({ id: z.string().min(1) });

/** A non-negative integer in a query string. */
export function queryInt(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}
