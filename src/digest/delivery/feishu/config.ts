import { z } from 'zod';
import { httpUrl, timeoutMs } from '../common-config.ts';

export const feishuConfigSchema = z.object({
  type: z.literal('feishu'),
  /** https://open.feishu.cn/open-apis/bot/v2/hook/<id> (or the Lark equivalent). */
  webhookUrl: httpUrl,
  /** Signing secret of the bot's "signature verification" setting; omit when it is off. */
  secret: z.string().min(1).optional(),
  /** An interactive card (default) or plain text with the Markdown. */
  format: z.enum(['card', 'text']).default('card'),
  timeoutMs,
});

export type FeishuConfig = z.output<typeof feishuConfigSchema>;
