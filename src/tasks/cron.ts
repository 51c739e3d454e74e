// Cron maths over croner: validation with a clear message, fire-time previews. 5 fields, or 6 with seconds first.
import { Cron } from 'croner';
import { ValidationError } from '../errors.ts';
import { isValidTimeZone } from '../time.ts';

function build(expr: string, timezone: string): Cron {
  if (!isValidTimeZone(timezone)) {
    throw new ValidationError(`invalid time zone "${timezone}": use an IANA name such as Asia/Shanghai`, {
      field: 'timezone',
    });
  }
  const fields = expr.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw new ValidationError(
      `invalid cron "${expr}": expected 5 fields (minute hour day month weekday) or 6 with seconds first, got ${fields}`,
      { field: 'cron' },
    );
  }
  try {
    return new Cron(expr.trim(), { timezone, paused: true, mode: '5-or-6-parts' });
  } catch (err) {
    const msg = (err as Error).message.replace(/^CronPattern:\s*/, '');
    throw new ValidationError(`invalid cron "${expr}": ${msg}`, { field: 'cron' });
  }
}

/** Throws ValidationError naming the problem; returns the normalised expression. */
export function validateCron(expr: string, timezone: string): string {
  const cron = build(expr, timezone);
  if (!cron.nextRun(new Date())) throw new ValidationError(`cron "${expr}" never fires`, { field: 'cron' });
  return expr.trim().replace(/\s+/g, ' ');
}

/** The next `count` fire times strictly after `after` (epoch ms). */
export function nextFireTimes(expr: string, timezone: string, after: number, count: number): number[] {
  const cron = build(expr, timezone);
  const out: number[] = [];
  let prev = new Date(after);
  for (let i = 0; i < count; i++) {
    const next = cron.nextRun(prev);
    if (!next) break;
    out.push(next.getTime());
    prev = next;
  }
  return out;
}

/** Fire times in (after, until], at most `limit` of them. */
export function fireTimesBetween(
  expr: string,
  timezone: string,
  after: number,
  until: number,
  limit: number,
): number[] {
  const cron = build(expr, timezone);
  const out: number[] = [];
  let prev = new Date(after);
  while (out.length < limit) {
    const next = cron.nextRun(prev);
    if (!next || next.getTime() > until) break;
    out.push(next.getTime());
    prev = next;
  }
  return out;
}
