import { z } from 'zod';
import { httpUrl, timeoutMs } from '../common-config.ts';

export const slackConfigSchema = z.object({
  type: z.literal('slack'),
  /** Slack incoming webhook, or a compatible one (Mattermost, Rocket.Chat, Zulip's Slack endpoint). */
  webhookUrl: httpUrl,
  /** Slack's mrkdwn (default), or plain Markdown for receivers that render it (Mattermost). */
  format: z.enum(['mrkdwn', 'markdown']).default('mrkdwn'),
  /** Optional overrides honoured by some receivers. */
  username: z.string().optional(),
  channel: z.string().optional(),
  timeoutMs,
});

export type SlackConfig = z.output<typeof slackConfigSchema>;
