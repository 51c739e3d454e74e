// All delivery channels: one config schema (a union discriminated by `type`) and one send entry point.
import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import { dingtalkConfigSchema } from './dingtalk/config.ts';
import { sendDingtalk } from './dingtalk/send.ts';
import { emailConfigSchema } from './email/config.ts';
import { sendEmail } from './email/send.ts';
import { feishuConfigSchema } from './feishu/config.ts';
import { sendFeishu } from './feishu/send.ts';
import { slackConfigSchema } from './slack/config.ts';
import { sendSlack } from './slack/send.ts';
import type { ChannelSender, DigestRendering, SendResult } from './types.ts';
import { webhookConfigSchema } from './webhook/config.ts';
import { sendWebhook } from './webhook/send.ts';

export const channelConfigSchema = z.discriminatedUnion('type', [
  feishuConfigSchema,
  dingtalkConfigSchema,
  slackConfigSchema,
  webhookConfigSchema,
  emailConfigSchema,
]);

/** A parsed channel config (defaults applied). */
export type ChannelConfig = z.output<typeof channelConfigSchema>;
/** A channel config as written by people (defaults optional). */
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;
export type ChannelType = ChannelConfig['type'];

export const CHANNEL_TYPES: readonly ChannelType[] = ['feishu', 'dingtalk', 'slack', 'webhook', 'email'];

/** Validate a channel config; throws ValidationError listing every problem. */
export function parseChannelConfig(input: unknown): ChannelConfig {
  const result = channelConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(
      `invalid channel config: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return result.data;
}

type Senders = { [T in ChannelType]: ChannelSender<Extract<ChannelConfig, { type: T }>> };

export const channelSenders: Senders = {
  feishu: sendFeishu,
  dingtalk: sendDingtalk,
  slack: sendSlack,
  webhook: sendWebhook,
  email: sendEmail,
};

/** Send a rendering through the channel its config describes. */
export function sendToChannel(
  rendering: DigestRendering,
  config: ChannelConfig,
  signal: AbortSignal,
): Promise<SendResult> {
  const send = channelSenders[config.type] as ChannelSender<ChannelConfig>;
  return send(rendering, config, signal);
}
