import { describe, expect, it } from 'vitest';
import { dingtalkSign, dingtalkSignedUrl } from './dingtalk/sign.ts';
import { feishuSign } from './feishu/sign.ts';
import { verifyWebhookSignature, webhookSignature } from './webhook/sign.ts';

// Reference values computed with Python's hmac/base64 following each vendor's published sample code.
describe('signatures', () => {
  it('Feishu: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, base64', () => {
    expect(feishuSign(1764403200, 'feishu-secret-123')).toBe('MHdQwPcillks42vGm+0+ppU9+pBsFgq+CXykcV34F9o=');
  });

  it('DingTalk: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64, URL-encoded', () => {
    expect(dingtalkSign(1764403200000, 'SEC0123456789abcdef')).toBe(
      'Z1EGlljVA+OhXt6opJ3cn+fsdTEDkABqzK5rwmA6O0Q=',
    );
    const url = dingtalkSignedUrl(
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
      'SEC0123456789abcdef',
      1764403200000,
    );
    expect(url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1764403200000&sign=Z1EGlljVA%2BOhXt6opJ3cn%2BfsdTEDkABqzK5rwmA6O0Q%3D',
    );
  });

  it('generic webhook: verifiable, tamper-evident and time-bound', () => {
    const sig = webhookSignature('s3cret', 1000, '{"a":1}');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('s3cret', 1000, '{"a":1}', sig, { now: 2000 })).toBe(true);
    expect(verifyWebhookSignature('s3cret', 1000, '{"a":2}', sig, { now: 2000 })).toBe(false);
    expect(verifyWebhookSignature('other', 1000, '{"a":1}', sig, { now: 2000 })).toBe(false);
    expect(verifyWebhookSignature('s3cret', 1000, '{"a":1}', sig, { now: 1000 + 10 * 60_000 })).toBe(false);
  });
});
