// Generic webhook signature, for receivers to verify origin and freshness:
//   X-Newsdesk-Timestamp: <epoch ms>
//   X-Newsdesk-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Newsdesk-Timestamp';

export function webhookSignature(secret: string, timestampMs: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex')}`;
}

/** Receiver side: constant-time check of a signature, with a freshness window. */
export function verifyWebhookSignature(
  secret: string,
  timestampMs: number,
  body: string,
  signature: string,
  options: { now?: number; toleranceMs?: number } = {},
): boolean {
  const now = options.now ?? Date.now();
  if (Math.abs(now - timestampMs) > (options.toleranceMs ?? 5 * 60_000)) return false;
  const expected = Buffer.from(webhookSignature(secret, timestampMs, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
