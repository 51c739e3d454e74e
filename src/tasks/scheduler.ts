// The in-app cron scheduler. Schedules live in the database; one timer waits for the earliest fire.
// In a cluster only the holder of the scheduler lock fires, and the unique (schedule, fire time) index
// makes a double fire impossible even if two processes believe they lead.
import os from 'node:os';
import type { Logger } from 'pino';
import { ConflictError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Schedule } from '../store/types.ts';
import { systemClock, type Clock } from './clock.ts';
import { fireTimesBetween, nextFireTimes } from './cron.ts';
import { decideMisfires } from './misfire.ts';
import type { SchedulerStats, TaskEngine } from './types.ts';

export interface SchedulerOptions {
  store: Store;
  engine: TaskEngine;
  logger: Logger;
  clock?: Clock;
  /** How often to re-read schedules edited by other processes and renew the leader lock. */
  refreshMs: number;
  /** Most missed fires examined per schedule after downtime. */
  maxMissedFires?: number;
}

const LOCK = 'scheduler.leader';

export class Scheduler {
  private readonly clock: Clock;
  private readonly owner = `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private schedules: Schedule[] = [];
  private timer: unknown;
  private running = false;
  private leader = false;
  private knownChange = -1;
  private ticking: Promise<void> = Promise.resolve();
  private readonly lag: number[] = [];
  private fires = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clock.clearTimer(this.timer);
    await this.ticking.catch(() => undefined);
    if (this.leader) await this.opts.store.locks.release(LOCK, this.owner).catch(() => undefined);
    this.leader = false;
  }

  stats(): SchedulerStats {
    return { recentLagMs: [...this.lag], firesTotal: this.fires, isLeader: this.leader };
  }

  /** Re-read schedules now (called after an API edit) and fire whatever is due. */
  refresh(): Promise<void> {
    return this.serial(async () => {
      this.knownChange = await this.opts.store.schedules.lastChange();
      this.schedules = (await this.opts.store.schedules.list()).filter((s) => s.enabled);
      await this.tick();
    });
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.ticking.then(fn, fn);
    this.ticking = next.catch((err) => this.opts.logger.error({ err }, 'scheduler: tick failed'));
    return this.ticking;
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    this.clock.clearTimer(this.timer);
    this.leader = await this.opts.store.locks.tryAcquire(
      LOCK,
      this.owner,
      this.opts.refreshMs * 3,
      this.clock.now(),
    );
    if (this.leader) {
      for (const schedule of this.schedules) await this.fireDue(schedule);
    }
    this.arm();
  }

  private arm(): void {
    if (!this.running) return;
    const now = this.clock.now();
    const next = Math.min(...this.schedules.map((s) => s.nextRunAt ?? Infinity), now + this.opts.refreshMs);
    this.timer = this.clock.setTimer(() => this.onTimer(), next - now);
  }

  private onTimer(): Promise<void> {
    return this.serial(async () => {
      const change = await this.opts.store.schedules.lastChange();
      if (change !== this.knownChange) {
        this.knownChange = change;
        this.schedules = (await this.opts.store.schedules.list()).filter((s) => s.enabled);
      }
      await this.tick();
    });
  }

  /** Fire every due time of one schedule per its misfire policy, then store the next fire time. */
  private async fireDue(schedule: Schedule): Promise<void> {
    const now = this.clock.now();
    if (schedule.nextRunAt == null) {
      const [next] = nextFireTimes(schedule.cron, schedule.timezone, now, 1);
      await this.save(schedule, { nextRunAt: next ?? null });
      return;
    }
    if (schedule.nextRunAt > now) return;
    const due = [
      schedule.nextRunAt,
      ...fireTimesBetween(
        schedule.cron,
        schedule.timezone,
        schedule.nextRunAt,
        now,
        (this.opts.maxMissedFires ?? 100) - 1,
      ),
    ];
    let lastExecutionId = schedule.lastExecutionId;
    for (const decision of decideMisfires({
      due,
      now,
      graceMs: schedule.misfireGraceMs,
      coalesce: schedule.coalesce,
    })) {
      const id = await this.fire(schedule, decision.scheduledFor, decision.action, decision.reason, now);
      if (id) lastExecutionId = id;
    }
    const [next] = nextFireTimes(schedule.cron, schedule.timezone, Math.max(now, due[due.length - 1]), 1);
    await this.save(schedule, { nextRunAt: next ?? null, lastRunAt: due[due.length - 1], lastExecutionId });
  }

  private async fire(
    schedule: Schedule,
    scheduledFor: number,
    action: 'run' | 'skip',
    reason: string | null,
    now: number,
  ): Promise<string | undefined> {
    try {
      if (action === 'skip') {
        const skipped = await this.opts.store.executions.createScheduledFire({
          task: schedule.task,
          payload: schedule.payload ?? {},
          trigger: 'schedule',
          triggeredBy: schedule.name,
          status: 'skipped',
          maxAttempts: 1,
          reason,
          scheduleId: schedule.id,
          scheduledFor,
          createdAt: now,
          runAt: now,
          finishedAt: now,
        });
        return skipped?.id;
      }
      if (schedule.maxInstances > 1 && (await this.activeCount(schedule)) >= schedule.maxInstances) {
        return await this.fire(
          schedule,
          scheduledFor,
          'skip',
          `max instances (${schedule.maxInstances}) reached`,
          now,
        );
      }
      const result = await this.opts.engine.enqueue(schedule.task, schedule.payload ?? {}, {
        trigger: 'schedule',
        triggeredBy: schedule.name,
        scheduleId: schedule.id,
        scheduledFor,
        reason,
        overlap: schedule.maxInstances > 1 ? 'allow' : undefined,
      });
      this.fires++;
      this.lag.push(now - scheduledFor);
      if (this.lag.length > 1000) this.lag.shift();
      return result.execution.id;
    } catch (err) {
      if (err instanceof ConflictError) return undefined; // this fire time was already recorded by another process
      this.opts.logger.error({ err, schedule: schedule.name }, 'scheduler: fire failed');
      return undefined;
    }
  }

  private async activeCount(schedule: Schedule): Promise<number> {
    const page = await this.opts.store.executions.list({
      scheduleId: schedule.id,
      status: ['queued', 'running'],
      limit: 1,
    });
    return page.total;
  }

  private async save(schedule: Schedule, patch: Partial<Schedule>): Promise<void> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    Object.assign(schedule, defined);
    await this.opts.store.schedules.update(schedule.id, defined);
    // Our own write bumps updatedAt; don't treat it as someone else's edit.
    this.knownChange = await this.opts.store.schedules.lastChange();
  }
}
