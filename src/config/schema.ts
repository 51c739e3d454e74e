// One zod schema over the environment. Every key: a default, one doc line, validation.
import { z } from 'zod';
import { isValidTimeZone } from '../time.ts';
import { CRAWL_SECRET_KEYS, crawlConfigSpec } from './crawl-spec.ts';
import { digestConfigSpec } from './digest-spec.ts';
import { ENRICH_SECRET_KEYS, enrichConfigSpec } from './enrich-spec.ts';
import { eventsConfigSpec } from './events-spec.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const timeZone = z.string().refine(isValidTimeZone, { message: 'not a valid IANA time zone' });

/** Each entry: env var name → [schema with default, doc line]. The doc table in README is generated from this. */
export const configSpec = {
  NEWSDESK_HOST: [z.string().default('127.0.0.1'), 'Address the HTTP API binds to.'],
  NEWSDESK_PORT: [int(0, 65535).default(8080), 'HTTP port (0 picks a free one).'],
  NEWSDESK_API_TOKEN: [
    z.string().min(16, 'must be at least 16 characters').optional(),
    'Bearer token required by mutating routes; required when binding beyond loopback. Secret.',
  ],
  NEWSDESK_DATA_DIR: [z.string().default('./data'), 'Directory for the SQLite file and rendered outputs.'],
  NEWSDESK_DATABASE_URL: [
    z.string().optional(),
    'postgres://... selects PostgreSQL; default is SQLite at <data dir>/newsdesk.db. Secret (may hold a password).',
  ],
  NEWSDESK_SQLITE_CHECKPOINT_THREAD: [
    z.union([z.literal('auto'), bool], { error: 'use auto, true or false' }).default('auto'),
    'SQLite WAL checkpoints (copy + fsync) on their own thread, not inside commits on the event loop: auto (on from 2 cores), true, false.',
  ],
  NEWSDESK_QUEUE: [
    z.enum(['embedded', 'bullmq']).default('embedded'),
    'Task engine: embedded (in-process, default) or bullmq (needs Redis and PostgreSQL).',
  ],
  NEWSDESK_REDIS_URL: [
    z.string().optional(),
    'redis://... for the bullmq engine. Secret (may hold a password).',
  ],
  NEWSDESK_REDIS_PREFIX: [
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, _ . or -')
      .default('newsdesk'),
    'Prefix of every Redis key of the bullmq engine; clusters sharing one Redis use different prefixes.',
  ],
  NEWSDESK_TIMEZONE: [timeZone.default('Asia/Shanghai'), 'Default time zone for schedules and local days.'],
  NEWSDESK_LOG_LEVEL: [
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    'Log level.',
  ],
  NEWSDESK_CONCURRENCY: [int(1, 256).default(4), 'Tasks run at once by this process (global cap).'],
  NEWSDESK_LEASE_MS: [
    int(1000).default(30_000),
    'Lease on a running execution; renewed by heartbeat, expired leases are recovered.',
  ],
  NEWSDESK_SHUTDOWN_GRACE_MS: [
    int(0).default(10_000),
    'On SIGTERM, how long running tasks may finish before they are aborted.',
  ],
  NEWSDESK_ABANDON_MS: [
    int(0).default(5_000),
    'After abort, how long a handler that ignores its signal keeps its slot.',
  ],
  NEWSDESK_EXECUTION_RETENTION_DAYS: [
    int(1).default(30),
    'maintenance.cleanup deletes executions and logs older than this.',
  ],
  NEWSDESK_SCHEDULER: [
    z.union([z.literal('auto'), bool], { error: 'use auto, true or false' }).default('auto'),
    'Run the cron scheduler: auto (roles all and scheduler), true (also in an api process: API + scheduler), false (never).',
  ],
  NEWSDESK_SCHEDULER_REFRESH_MS: [
    int(100).default(5_000),
    'How often the scheduler re-reads schedules edited by other processes.',
  ],
  NEWSDESK_DEFAULT_MISFIRE_GRACE_MS: [int(0).default(300_000), 'Default misfire grace for new schedules.'],
  ...crawlConfigSpec,
  ...digestConfigSpec,
  ...enrichConfigSpec,
  ...eventsConfigSpec,
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type Spec = typeof configSpec;
export type RawConfig = { [K in keyof Spec]: z.output<Spec[K][0]> };

export const SECRET_KEYS = new Set<string>([
  'NEWSDESK_API_TOKEN',
  'NEWSDESK_DATABASE_URL',
  'NEWSDESK_REDIS_URL',
  ...CRAWL_SECRET_KEYS,
  ...ENRICH_SECRET_KEYS,
]);
