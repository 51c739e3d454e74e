import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseChannelConfig } from '../channels.ts';
import type { DeliveryError } from '../errors.ts';
import { startReceiver, type ReceivedRequest, type Receiver } from '../testdata/http-receiver.ts';
import { sampleRendering } from '../testdata/rendering.ts';
import type { DingtalkConfig } from './config.ts';
import { sendDingtalk } from './send.ts';

const SECRET = 'SECb7a1c0ffee0123456789abcdef';
const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** What DingTalk does: timestamp (ms) within an hour, sign = base64(HMAC-SHA256(secret, ts\nsecret)). */
function dingtalkVerifies(req: ReceivedRequest): boolean {
  const ts = req.url.searchParams.get('timestamp');
  const sign = req.url.searchParams.get('sign'); // already URL-decoded by URLSearchParams
  if (!ts || !sign || Math.abs(Date.now() - Number(ts)) > 3_600_000) return false;
  return sign === createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64');
}

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const config = (url: string, extra: object = {}): DingtalkConfig =>
  parseChannelConfig({
    type: 'dingtalk',
    webhookUrl: `${url}/robot/send?access_token=${TOKEN}`,
    secret: SECRET,
    ...extra,
  }) as DingtalkConfig;

describe('DingTalk channel', () => {
  it('sends signed Markdown that the receiver verifies', async () => {
    receiver = await startReceiver((req) =>
      dingtalkVerifies(req) && req.url.searchParams.get('access_token') === TOKEN
        ? { body: { errcode: 0, errmsg: 'ok' } }
        : { body: { errcode: 310000, errmsg: 'sign not match' } },
    );
    const res = await sendDingtalk(
      sampleRendering({ publicUrl: 'https://news.example/d/1' }),
      config(receiver.url, { atMobiles: ['13800000000'] }),
      new AbortController().signal,
    );
    expect(res).toMatchObject({ ok: true, status: 200 });
    // The raw query carries the base64 signature percent-encoded.
    expect(receiver.requests[0].url.search).toMatch(/&sign=[A-Za-z0-9%]+$/);
    const body = JSON.parse(receiver.requests[0].body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('每日网安情报速递【20261129】');
    expect(body.markdown.text.startsWith(sampleRendering().markdown.trimEnd())).toBe(true);
    expect(body.markdown.text).toContain('[查看完整日报](https://news.example/d/1)');
    expect(body.markdown.text).toContain('@13800000000');
    expect(body.at).toEqual({ atMobiles: ['13800000000'], isAtAll: false });
  });

  it('reports a wrong secret as a permanent refusal', async () => {
    receiver = await startReceiver((req) =>
      dingtalkVerifies(req)
        ? { body: { errcode: 0, errmsg: 'ok' } }
        : { body: { errcode: 310000, errmsg: 'sign not match' } },
    );
    const err = (await sendDingtalk(
      sampleRendering(),
      config(receiver.url, { secret: 'SECwrong' }),
      new AbortController().signal,
    ).catch((e: unknown) => e)) as DeliveryError;
    expect(err).toMatchObject({ name: 'DeliveryError', kind: 'rejected', retryable: false });
    expect(err.message).toContain('310000');
  });

  it('marks rate limiting as retryable', async () => {
    receiver = await startReceiver(() => ({ body: { errcode: 130101, errmsg: 'send too fast' } }));
    await expect(
      sendDingtalk(sampleRendering(), config(receiver.url), new AbortController().signal),
    ).rejects.toMatchObject({
      kind: 'rejected',
      retryable: true,
    });
  });
});
