import { z } from 'zod';
import { timeoutMs } from '../common-config.ts';

const address = z.string().trim().min(3).regex(/@/, 'must be an e-mail address');

export const emailConfigSchema = z.object({
  type: z.literal('email'),
  host: z.string().trim().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send without STARTTLS. */
  requireTLS: z.boolean().default(false),
  /** Accept self-signed server certificates only when set to false. */
  tlsRejectUnauthorized: z.boolean().default(true),
  user: z.string().optional(),
  password: z.string().optional(),
  /** "newsdesk <digest@example.com>" */
  from: z.string().trim().min(3),
  to: z.array(address).min(1),
  cc: z.array(address).default([]),
  bcc: z.array(address).default([]),
  /** Subject; default the digest title. */
  subject: z.string().optional(),
  attachPdf: z.boolean().default(true),
  timeoutMs,
});

export type EmailConfig = z.output<typeof emailConfigSchema>;
