// Composition root: config → logger → store → registry → engine → scheduler → services → HTTP.
// Stops in the reverse order: scheduler → HTTP → drain runner (bounded) → close queue → close store.
import type { Logger } from 'pino';
import type { AppContext, ProcessRole } from './app-context.ts';
import type { Config } from './config/config.ts';
import { defaultThreadCount } from './config/threads.ts';
import { ConflictError } from './errors.ts';
import { registerCrawl } from './crawl/register.ts';
import { registerDigest } from './digest/register.ts';
import { registerEnrich } from './enrich/register.ts';
import { registerEvents } from './events/register.ts';
import { createLogger, ExecutionLogCapture } from './logger.ts';
import { openStore } from './store/open-store.ts';
import type { Clock } from './tasks/clock.ts';
import { noopTask, sleepTask } from './tasks/diagnostics.ts';
import { EmbeddedEngine } from './tasks/engines/embedded/embedded-engine.ts';
import { CleanupSteps, maintenanceCleanupTask, maintenanceDefaultSchedule } from './tasks/maintenance.ts';
import { createTaskRegistry } from './tasks/registry.ts';
import { createScheduleService } from './tasks/schedule-service.ts';
import { Scheduler } from './tasks/scheduler.ts';
import type { ScheduleInput, TaskEngine } from './tasks/types.ts';

export interface App extends AppContext {
  cleanup: CleanupSteps;
  /** Start the engine (if this role runs tasks) and the scheduler (if this role schedules). */
  start(): Promise<void>;
  /** Stop firing schedules (first step of shutdown, before the HTTP server closes). Idempotent. */
  stopScheduler(): Promise<void>;
  /** Stop scheduler, drain the engine within the grace period, close the store. Idempotent. */
  stop(): Promise<void>;
}

export interface CreateAppOptions {
  role?: ProcessRole;
  logger?: Logger;
  clock?: Clock;
  /** Skip seeding default schedules (tests that want an empty schedule table). */
  seedSchedules?: boolean;
}

function runsTasks(role: ProcessRole): boolean {
  return role === 'all' || role === 'worker';
}

function runsScheduler(role: ProcessRole, config: Config): boolean {
  if (!config.scheduler.enabled) return false;
  return role === 'all' || role === 'scheduler' || (role === 'api' && config.scheduler.inApi);
}

export async function createApp(config: Readonly<Config>, opts: CreateAppOptions = {}): Promise<App> {
  const role = opts.role ?? 'all';
  const capture = new ExecutionLogCapture();
  const logger = opts.logger ?? createLogger({ level: config.logLevel, capture });
  const store = await openStore(
    config.database.kind === 'sqlite'
      ? {
          kind: 'sqlite',
          file: config.database.file,
          backgroundCheckpoints: config.database.backgroundCheckpoints,
          onCheckpointError: (err) =>
            logger.warn({ err }, 'background WAL checkpoint failed: SQLite checkpoints on its own again'),
        }
      : { kind: 'postgres', url: config.database.url },
  );
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  const registry = createTaskRegistry();
  const engineOptions = {
    store,
    registry,
    logger,
    capture,
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    abandonMs: config.abandonMs,
    runTasks: runsTasks(role),
  };
  // Embedded (default): the store's executions table is the job table. bullmq: Redis carries the jobs,
  // the PostgreSQL store keeps the records; workers, API and scheduler may run in separate processes.
  // BullMQ is loaded only when selected: it is large, and the default setup never needs it.
  const engine: TaskEngine & { stop(graceMs?: number): Promise<void> } =
    config.queue.kind === 'bullmq'
      ? new (await import('./tasks/engines/bullmq/bullmq-engine.ts')).BullmqEngine({
          ...engineOptions,
          redisUrl: config.queue.redisUrl,
          prefix: config.queue.prefix,
        })
      : new EmbeddedEngine(engineOptions);
  let scheduler: Scheduler | undefined;
  const schedules = createScheduleService({
    store,
    registry,
    engine,
    defaultTimezone: config.timezone,
    defaultMisfireGraceMs: config.scheduler.defaultMisfireGraceMs,
    onChange: () => scheduler?.refresh(),
  });
  const cleanup = new CleanupSteps();
  registry.register(
    maintenanceCleanupTask({ store, steps: cleanup, retentionDays: config.executionRetentionDays }),
  );
  registry.register(noopTask);
  registry.register(sleepTask);
  const defaultSchedules: ScheduleInput[] = [maintenanceDefaultSchedule];
  const queue = config.queue;
  const crawl = registerCrawl({
    config,
    logger,
    store,
    registry,
    cleanup,
    // Distributed mode: per-host politeness shared by every worker through Redis (loaded only then).
    hostLimiterFactory:
      queue.kind === 'bullmq'
        ? async (limits) =>
            new (await import('./tasks/engines/bullmq/redis-host-limiter.ts')).RedisHostLimiter({
              redis: queue.redisUrl,
              prefix: queue.prefix,
              logger,
              ...limits,
            })
        : undefined,
  });
  defaultSchedules.push(...crawl.defaultSchedules);
  const digest = registerDigest({ config, logger, store, registry, cleanup });
  defaultSchedules.push(...digest.defaultSchedules);
  const enrich = registerEnrich({ config, logger, store, registry, cleanup });
  defaultSchedules.push(...enrich.defaultSchedules);
  const events = registerEvents(
    { logger, store, registry },
    { windowMs: config.raw.NEWSDESK_EVENTS_WINDOW_HOURS * 3_600_000 },
    config.raw.NEWSDESK_EVENTS_THREADS ?? defaultThreadCount(),
  );
  defaultSchedules.push(...events.defaultSchedules);

  let started = false;
  let stopped: Promise<void> | undefined;
  const app: App = {
    config,
    logger,
    store,
    registry,
    engine,
    schedules,
    cleanup,
    role,
    startedAt: Date.now(),
    crawl: crawl.service,
    digests: digest.service,
    enrich: enrich.service,
    events: { windowMs: events.windowMs },
    schedulerStats: () => scheduler?.stats() ?? { recentLagMs: [], firesTotal: 0, isLeader: false },
    async start() {
      if (started) return;
      started = true;
      if (opts.seedSchedules !== false) await seedSchedules(app, defaultSchedules);
      await engine.start();
      if (runsScheduler(role, config)) {
        scheduler = new Scheduler({
          store,
          engine,
          logger,
          clock: opts.clock,
          refreshMs: config.scheduler.refreshMs,
        });
        await scheduler.start();
      }
    },
    async stopScheduler() {
      await scheduler?.stop();
    },
    stop() {
      stopped ??= (async () => {
        await scheduler?.stop();
        await engine.stop(config.shutdownGraceMs);
        await crawl.stop();
        await digest.stop();
        await enrich.stop();
        await events.stop();
        await store.close();
      })();
      return stopped;
    },
  };
  return app;
}

/** Create each default schedule once; a user's later edits or deletion are respected (seeded by name). */
async function seedSchedules(app: App, inputs: ScheduleInput[]): Promise<void> {
  const seeded = ((await app.store.settings.get<string[]>('seeded_schedules')) ?? []).slice();
  for (const input of inputs) {
    if (seeded.includes(input.name)) continue;
    try {
      if (!(await app.store.schedules.getByName(input.name))) await app.schedules.create(input);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err; // another process seeded it at the same moment
    }
    seeded.push(input.name);
  }
  await app.store.settings.set('seeded_schedules', seeded);
}
