import { z } from 'zod';
import { httpUrl, timeoutMs } from '../common-config.ts';

export const dingtalkConfigSchema = z.object({
  type: z.literal('dingtalk'),
  /** https://oapi.dingtalk.com/robot/send?access_token=<token> */
  webhookUrl: httpUrl,
  /** "加签" secret (SEC...); omit when the robot uses keywords or IP allow-lists instead. */
  secret: z.string().min(1).optional(),
  atMobiles: z.array(z.string()).default([]),
  atAll: z.boolean().default(false),
  timeoutMs,
});

export type DingtalkConfig = z.output<typeof dingtalkConfigSchema>;
