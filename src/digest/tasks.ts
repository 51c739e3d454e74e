// Digest tasks: build (automatic selection) → check (repeats) → deliver, each its own execution so the
// history shows every step; build and check hand over to the next step with ctx.enqueue.
import { z } from 'zod';
import { AppError, PermanentFailure } from '../errors.ts';
import { defineTask } from '../tasks/registry.ts';
import type { ScheduleInput, TaskDefinition } from '../tasks/types.ts';
import type { DigestService } from './digest-service.ts';
import { isValidDay } from './from-articles.ts';

const digestId = z.string().min(1).max(100);
const channels = z
  .array(z.string().min(1).max(200))
  .min(1)
  .max(50)
  .optional()
  .describe('Channel names or ids; default every enabled channel');
const day = z.string().refine(isValidDay, { message: 'expected a calendar day as yyyy-MM-dd' });

export const digestCheckPayload = z
  .object({
    digestId,
    /** Continue with digest.deliver after the check (set by digest.build). */
    deliver: z.boolean().optional(),
    channels,
  })
  .strict();

export const digestDeliverPayload = z.object({ digestId, channels }).strict();

export const digestBuildPayload = z
  .object({
    date: day.optional().describe("The digest's day; default today in NEWSDESK_TIMEZONE"),
    deliver: z.boolean().optional().describe('Deliver after the repeat check'),
    channels,
  })
  .strict();

/** Client mistakes (unknown digest, bad channel names) will not heal on retry. */
function permanentOnClientError<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((err: unknown) => {
    if (err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION')) {
      throw new PermanentFailure(err.message, { cause: err });
    }
    throw err;
  });
}

export function digestTasks(service: DigestService): TaskDefinition[] {
  const check = defineTask({
    name: 'digest.check',
    description: 'Repeat check of a digest against the recent digests; stores one flag per repeated item.',
    payload: digestCheckPayload,
    timeoutMs: 5 * 60_000,
    concurrency: 2,
    overlap: 'allow',
    async handler(payload, ctx) {
      ctx.progress(0, 1, 'comparing with recent digests');
      const result = await permanentOnClientError(
        service.checkDigest(payload.digestId, { signal: ctx.signal }),
      );
      ctx.count({ processed: 1, success: 1 });
      const byReason: Record<string, number> = {};
      for (const f of result.flags) byReason[f.reason] = (byReason[f.reason] ?? 0) + 1;
      ctx.log.info(
        { digestId: payload.digestId, flags: result.flags.length, byReason, compared: result.compared },
        `${result.flags.length} repeated item(s) against ${result.compared.length} recent digest(s)`,
      );
      let deliverExecutionId: string | undefined;
      if (payload.deliver) {
        const next = await ctx.enqueue('digest.deliver', {
          digestId: payload.digestId,
          ...(payload.channels ? { channels: payload.channels } : {}),
        });
        deliverExecutionId = next.execution.id;
      }
      ctx.progress(1, 1, 'done');
      return {
        digestId: payload.digestId,
        compared: result.compared,
        flags: result.flags.length,
        byReason,
        judgeCalls: result.judgeCalls,
        ...(deliverExecutionId ? { deliverExecutionId } : {}),
      };
    },
  });

  const deliver = defineTask({
    name: 'digest.deliver',
    description: 'Deliver a digest to its channels with retries; fails when a channel ultimately fails.',
    payload: digestDeliverPayload,
    timeoutMs: 15 * 60_000,
    concurrency: 2,
    overlap: 'allow',
    async handler(payload, ctx) {
      ctx.progress(0, 1, 'delivering');
      const result = await permanentOnClientError(
        service.deliverDigest(payload.digestId, {
          channels: payload.channels,
          signal: ctx.signal,
          executionId: ctx.executionId,
          log: ctx.log,
        }),
      ).catch((err: unknown) => {
        const outcomes = (err as { outcomes?: { ok: boolean }[] }).outcomes;
        if (outcomes)
          ctx.count({
            processed: outcomes.length,
            success: outcomes.filter((o) => o.ok).length,
            failed: outcomes.filter((o) => !o.ok).length,
          });
        throw err;
      });
      ctx.count({ processed: result.outcomes.length, success: result.outcomes.length });
      ctx.progress(1, 1, 'done');
      return {
        digestId: payload.digestId,
        channels: result.outcomes.map((o) => ({
          channel: o.channel,
          ok: o.ok,
          attempts: o.attempts,
          status: o.status,
        })),
      };
    },
  });

  const build = defineTask({
    name: 'digest.build',
    description: 'Build the day’s digest by automatic selection, then check it (and deliver it when asked).',
    payload: digestBuildPayload,
    timeoutMs: 5 * 60_000,
    overlap: 'skip',
    async handler(payload, ctx) {
      ctx.progress(0, 2, 'selecting articles');
      const built = await permanentOnClientError(service.buildDigest({ date: payload.date }));
      const d = built.digest;
      ctx.count({ processed: built.candidates, success: d.itemCount });
      ctx.log.info(
        {
          digestId: d.id,
          date: d.date,
          items: d.itemCount,
          candidates: built.candidates,
          skipped: built.skipped,
        },
        `digest ${d.date} built: ${d.itemCount} items from ${built.candidates} candidates`,
      );
      ctx.progress(1, 2, 'queueing the repeat check');
      const next = await ctx.enqueue('digest.check', {
        digestId: d.id,
        ...(payload.deliver ? { deliver: true } : {}),
        ...(payload.channels ? { channels: payload.channels } : {}),
      });
      ctx.progress(2, 2, 'done');
      return {
        digestId: d.id,
        date: d.date,
        items: d.itemCount,
        candidates: built.candidates,
        skipped: built.skipped,
        window: {
          since: new Date(built.window.since).toISOString(),
          until: new Date(built.window.until).toISOString(),
        },
        checkExecutionId: next.execution.id,
      };
    },
  });

  return [build, check, deliver];
}

/** Every morning: build, check and deliver. Off until someone turns it on. */
export function digestDefaultSchedule(timezone: string): ScheduleInput {
  return {
    name: 'digest.build',
    task: 'digest.build',
    cron: '0 8 * * *',
    timezone,
    enabled: false,
    payload: { deliver: true },
    description: 'Daily digest: select, check for repeats, deliver to the enabled channels',
  };
}
