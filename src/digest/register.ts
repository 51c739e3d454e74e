// Wiring of the digest capability into an app: the service, its tasks, the daily schedule (seeded off)
// and the cleanup of rendered files.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { digestSettings } from '../config/digest-spec.ts';
import type { Store } from '../store/store.ts';
import type { CleanupSteps } from '../tasks/maintenance.ts';
import type { ScheduleInput, TaskRegistry } from '../tasks/types.ts';
import { DigestService } from './digest-service.ts';
import { digestDefaultSchedule, digestTasks } from './tasks.ts';

export interface DigestHost {
  config: Readonly<Config>;
  logger: Logger;
  store: Store;
  registry: TaskRegistry;
  cleanup: CleanupSteps;
}

export interface DigestRegistration {
  service: DigestService;
  defaultSchedules: ScheduleInput[];
  /** Stop the service (closes Chromium if a PDF started it). */
  stop(): Promise<void>;
}

export function registerDigest(app: DigestHost): DigestRegistration {
  const service = new DigestService({
    digests: app.store.digests,
    channels: app.store.deliveryChannels,
    articles: app.store.digestArticles,
    settings: digestSettings(app.config.raw),
    timeZone: app.config.timezone,
    dataDir: app.config.dataDir,
    logger: app.logger.child({ component: 'digest' }),
  });
  for (const task of digestTasks(service)) app.registry.register(task);
  app.cleanup.add({
    name: 'digest-rendered-files',
    async run({ now, log }) {
      const { deleted, expired } = await service.cleanupRenderedFiles(now);
      if (expired.length > 0) log.info({ expired }, `forgot ${expired.length} expired PDF(s)`);
      return { deleted, detail: `${expired.length} digest PDF(s) expired` };
    },
  });
  return {
    service,
    defaultSchedules: [digestDefaultSchedule(app.config.timezone)],
    stop: () => service.stop(),
  };
}
