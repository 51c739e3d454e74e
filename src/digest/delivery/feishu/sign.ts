// Feishu custom bot signature: HMAC-SHA256 keyed by "timestamp\nsecret" over an empty message, base64.
// timestamp is in seconds; Feishu rejects timestamps more than an hour away from its clock.
import { createHmac } from 'node:crypto';

export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
