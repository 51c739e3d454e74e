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
  resultTruncated: z
    .literal(true)
    .optional()
    .describe(
      'In lists: long arrays of the result are shown as { truncated, length }; the execution itself has them',
    ),
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

/** A page of executions, newest first. */
export const executionPageSchema = z.object({
  items: z.array(executionSchema),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
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

/** A query value: an ISO-8601 date-time, as epoch ms. */
export const isoInstant = z
  .string()
  .transform((value, ctx) => {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'not an ISO-8601 date-time, e.g. 2026-11-29T08:00:00+08:00' });
      return z.NEVER;
    }
    return ms;
  })
  .describe('ISO-8601 date-time');

/** A query value: one or more of `values`, comma-separated; an unknown or empty value is named in a 400. */
export function commaSeparated<const T extends string>(values: readonly T[], noun: string) {
  return z
    .string()
    .transform((value, ctx) => {
      const parts = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
      if (bad.length || parts.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown ${noun} ${bad.join(', ')} (one of ${values.join(', ')})`,
        });
        return z.NEVER;
      }
      return parts as T[];
    })
    .describe(`Comma-separated ${noun}s: ${values.join(', ')}`);
}
