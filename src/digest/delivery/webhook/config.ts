import { z } from 'zod';
import { httpUrl, timeoutMs } from '../common-config.ts';

export const webhookConfigSchema = z.object({
  type: z.literal('webhook'),
  url: httpUrl,
  /** When set, requests carry an HMAC-SHA256 signature (see webhook/sign.ts). */
  secret: z.string().min(1).optional(),
  signatureHeader: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .default('X-Newsdesk-Signature'),
  /** Extra request headers, e.g. Authorization. Values are masked when shown. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
  includeHtml: z.boolean().default(false),
  /** Embed the PDF as base64 (large). */
  includePdf: z.boolean().default(false),
  timeoutMs,
});

export type WebhookConfig = z.output<typeof webhookConfigSchema>;
