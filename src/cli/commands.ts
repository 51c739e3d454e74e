// The read-only and housekeeping commands: executions, schedules, migrate, config print.
import type { Config } from '../config/config.ts';
import { printableConfig } from '../config/config.ts';
import { ValidationError } from '../errors.ts';
import { createApp } from '../main.ts';
import { openStore } from '../store/open-store.ts';
import type { ExecutionStatus, Trigger } from '../store/types.ts';
import { TERMINAL_STATUSES, ACTIVE_STATUSES } from '../store/types.ts';
import { nextFireTimes } from '../tasks/cron.ts';
import { isoWithOffset } from '../time.ts';
import { EXIT } from './exit-codes.ts';
import { formatDuration, formatTable, type CliIo } from './io.ts';

const STATUSES: readonly string[] = [...ACTIVE_STATUSES, ...TERMINAL_STATUSES];

/** A compact local timestamp for tables: 2026-11-29 08:00:00+08:00. */
function shortTime(ms: number | null, tz: string): string {
  if (ms == null) return '';
  const iso = isoWithOffset(ms, tz);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${iso.slice(23)}`;
}

export interface ExecutionsOptions {
  task?: string;
  status?: string;
  trigger?: string;
  limit: string;
  json?: boolean;
}

export function parseStatuses(text: string | undefined): ExecutionStatus[] | undefined {
  if (!text) return undefined;
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = parts.filter((p) => !STATUSES.includes(p));
  if (bad.length)
    throw new ValidationError(`--status: unknown status ${bad.join(', ')} (one of ${STATUSES.join(', ')})`, {
      field: 'status',
    });
  return parts as ExecutionStatus[];
}

function parseLimit(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new ValidationError('--limit must be an integer between 1 and 500', { field: 'limit' });
  return n;
}

export async function executionsCommand(
  config: Readonly<Config>,
  opts: ExecutionsOptions,
  io: CliIo,
): Promise<number> {
  const status = parseStatuses(opts.status);
  const limit = parseLimit(opts.limit);
  const app = await createApp(config, { role: 'api', seedSchedules: false });
  try {
    const page = await app.store.executions.list({
      task: opts.task,
      status,
      trigger: opts.trigger as Trigger | undefined,
      limit,
    });
    if (opts.json) {
      io.out(JSON.stringify(page, null, 2));
      return EXIT.OK;
    }
    const tz = config.timezone;
    const rows = page.items.map((e) => [
      e.id,
      e.task,
      e.status,
      e.trigger,
      `${e.attempt}/${e.maxAttempts}`,
      shortTime(e.createdAt, tz),
      formatDuration(e.durationMs),
      e.error
        ? `${e.error.type}: ${e.error.message}`.slice(0, 80)
        : (e.reason ?? e.progressMessage ?? '').slice(0, 80),
    ]);
    io.out(
      formatTable(['ID', 'TASK', 'STATUS', 'TRIGGER', 'ATTEMPT', 'CREATED', 'DURATION', 'DETAIL'], rows),
    );
    io.out(`${page.items.length} of ${page.total}`);
    return EXIT.OK;
  } finally {
    await app.stop();
  }
}

export async function schedulesCommand(
  config: Readonly<Config>,
  opts: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const app = await createApp(config, { role: 'api' });
  try {
    await app.start(); // seeds the default schedules on a fresh database (the scheduler stays off: see oneShot)
    const schedules = await app.schedules.list();
    if (opts.json) {
      io.out(JSON.stringify(schedules, null, 2));
      return EXIT.OK;
    }
    const now = Date.now();
    const rows = schedules.map((s) => {
      const next = s.enabled ? (nextFireTimes(s.cron, s.timezone, now, 1)[0] ?? null) : null;
      return [
        s.id,
        s.name,
        s.task,
        s.cron,
        s.timezone,
        s.enabled ? 'yes' : 'no',
        next ? shortTime(next, s.timezone) : '-',
      ];
    });
    io.out(formatTable(['ID', 'NAME', 'TASK', 'CRON', 'TIMEZONE', 'ENABLED', 'NEXT RUN'], rows));
    return EXIT.OK;
  } finally {
    await app.stop();
  }
}

export async function migrateCommand(config: Readonly<Config>, io: CliIo): Promise<number> {
  const db = config.database;
  const store = await openStore(
    db.kind === 'sqlite' ? { kind: 'sqlite', file: db.file } : { kind: 'postgres', url: db.url },
  );
  try {
    await store.migrate();
    io.out(`database is up to date (${db.kind === 'sqlite' ? db.file : 'postgresql'})`);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

export function configPrintCommand(config: Readonly<Config>, opts: { json?: boolean }, io: CliIo): number {
  const values = printableConfig(config.raw);
  if (opts.json) io.out(JSON.stringify(values, null, 2));
  else for (const [key, value] of Object.entries(values)) io.out(`${key}=${value}`);
  return EXIT.OK;
}
