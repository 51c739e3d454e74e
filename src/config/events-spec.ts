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
} as const;
