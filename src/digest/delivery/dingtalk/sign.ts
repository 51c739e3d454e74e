// DingTalk robot signature: HMAC-SHA256 keyed by the secret over "timestamp\nsecret", base64, then
// URL-encoded, sent as the query parameters `timestamp` (ms) and `sign`. Valid for one hour.
import { createHmac } from 'node:crypto';

export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The webhook URL with `timestamp` and `sign` added (URLSearchParams percent-encodes + / =). */
export function dingtalkSignedUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', dingtalkSign(timestampMs, secret));
  return url.toString();
}
