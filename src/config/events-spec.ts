// Config keys of event grouping.
import { z } from 'zod';

export const eventsConfigSpec = {
  NEWSDESK_EVENTS_WINDOW_HOURS: [
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72),
    'Event grouping window: an article joins an event whose last article is at most this old; also the default window of GET /api/events.',
  ],
  NEWSDESK_EVENTS_THREADS: [
    z.coerce.number().int().min(0).max(16).optional(),
    'Worker threads that fingerprint articles while events.group places the previous batch (0: on the main thread; default: CPU cores − 1, 1 to 4).',
  ],
} as const;
