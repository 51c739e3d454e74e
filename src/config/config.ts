// Parse the environment once into a frozen, typed Config. A bad value names the key and what is wrong.
import { z } from 'zod';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { configSpec, SECRET_KEYS, type RawConfig } from './schema.ts';

export interface Config {
  host: string;
  port: number;
  apiToken?: string;
  dataDir: string;
  database:
    { kind: 'sqlite'; file: string; backgroundCheckpoints: boolean } | { kind: 'postgres'; url: string };
  queue: { kind: 'embedded' } | { kind: 'bullmq'; redisUrl: string; prefix: string };
  timezone: string;
  logLevel: RawConfig['NEWSDESK_LOG_LEVEL'];
  concurrency: number;
  leaseMs: number;
  shutdownGraceMs: number;
  abandonMs: number;
  executionRetentionDays: number;
  /** enabled: not switched off; inApi: switched on explicitly, so an api process schedules too. */
  scheduler: { enabled: boolean; inApi: boolean; refreshMs: number; defaultMisfireGraceMs: number };
  raw: Readonly<RawConfig>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function parseRawConfig(env: NodeJS.ProcessEnv): RawConfig {
  const shape = Object.fromEntries(Object.entries(configSpec).map(([k, [schema]]) => [k, schema]));
  const input = Object.fromEntries(
    Object.keys(configSpec).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = z.object(shape).safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`, problems);
  }
  return parsed.data as RawConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const raw = parseRawConfig(env);
  const dbUrl = raw.NEWSDESK_DATABASE_URL;
  if (dbUrl && !/^postgres(ql)?:\/\//.test(dbUrl)) {
    throw new ConfigError(
      'Invalid configuration: NEWSDESK_DATABASE_URL: must start with postgres:// (leave unset for SQLite)',
    );
  }
  if (raw.NEWSDESK_QUEUE === 'bullmq') {
    if (!raw.NEWSDESK_REDIS_URL) {
      throw new ConfigError('Invalid configuration: NEWSDESK_REDIS_URL: required when NEWSDESK_QUEUE=bullmq');
    }
    if (!dbUrl) {
      throw new ConfigError(
        'Invalid configuration: NEWSDESK_QUEUE=bullmq requires NEWSDESK_DATABASE_URL=postgres://... (workers on several processes share one store; SQLite is single-machine)',
      );
    }
  }
  const dataDir = path.resolve(raw.NEWSDESK_DATA_DIR);
  const config: Config = {
    host: raw.NEWSDESK_HOST,
    port: raw.NEWSDESK_PORT,
    apiToken: raw.NEWSDESK_API_TOKEN,
    dataDir,
    database: dbUrl
      ? { kind: 'postgres', url: dbUrl }
      : {
          kind: 'sqlite',
          file: path.join(dataDir, 'newsdesk.db'),
          backgroundCheckpoints:
            raw.NEWSDESK_SQLITE_CHECKPOINT_THREAD === 'auto'
              ? availableParallelism() >= 2
              : raw.NEWSDESK_SQLITE_CHECKPOINT_THREAD,
        },
    queue:
      raw.NEWSDESK_QUEUE === 'bullmq'
        ? { kind: 'bullmq', redisUrl: raw.NEWSDESK_REDIS_URL!, prefix: raw.NEWSDESK_REDIS_PREFIX }
        : { kind: 'embedded' },
    timezone: raw.NEWSDESK_TIMEZONE,
    logLevel: raw.NEWSDESK_LOG_LEVEL,
    concurrency: raw.NEWSDESK_CONCURRENCY,
    leaseMs: raw.NEWSDESK_LEASE_MS,
    shutdownGraceMs: raw.NEWSDESK_SHUTDOWN_GRACE_MS,
    abandonMs: raw.NEWSDESK_ABANDON_MS,
    executionRetentionDays: raw.NEWSDESK_EXECUTION_RETENTION_DAYS,
    scheduler: {
      enabled: raw.NEWSDESK_SCHEDULER !== false,
      inApi: raw.NEWSDESK_SCHEDULER === true,
      refreshMs: raw.NEWSDESK_SCHEDULER_REFRESH_MS,
      defaultMisfireGraceMs: raw.NEWSDESK_DEFAULT_MISFIRE_GRACE_MS,
    },
    raw: Object.freeze(raw),
  };
  return Object.freeze(config);
}

/** Refuse to expose mutating routes beyond loopback without a token. */
export function assertSafeBinding(config: Config): void {
  if (!LOOPBACK.has(config.host) && !config.apiToken) {
    throw new ConfigError(
      `Refusing to bind to ${config.host} without NEWSDESK_API_TOKEN: set a token or bind to 127.0.0.1`,
    );
  }
}

/** Load ./.env into process.env when present (values already in the environment win). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Config values for display, secrets masked. */
export function printableConfig(raw: RawConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(configSpec)) {
    const value = (raw as Record<string, unknown>)[key];
    if (value === undefined) out[key] = '';
    else if (SECRET_KEYS.has(key)) out[key] = maskSecret(String(value));
    else out[key] = String(value);
  }
  return out;
}

export function maskSecret(value: string): string {
  // Keep a URL's shape but hide credentials; hide tokens entirely except the last 4 chars.
  try {
    const u = new URL(value);
    if (u.password) u.password = '****';
    if (u.username && u.protocol.startsWith('redis')) u.username = u.username ? u.username : '';
    return u.toString();
  } catch {
    return value.length <= 4 ? '****' : `****${value.slice(-4)}`;
  }
}
