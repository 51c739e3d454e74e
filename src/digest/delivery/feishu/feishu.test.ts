import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseChannelConfig } from '../channels.ts';
import type { DeliveryError } from '../errors.ts';
import { startReceiver, type Receiver } from '../testdata/http-receiver.ts';
import { sampleRendering } from '../testdata/rendering.ts';
import { sendFeishu } from './send.ts';
import type { FeishuConfig } from './config.ts';

const SECRET = 'feishu-bot-secret';

/** What Feishu does: recompute the signature from the body's timestamp and the bot's secret. */
function feishuVerifies(body: Record<string, unknown>): boolean {
  const ts = Number(body.timestamp);
  if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 3600) return false;
  const expected = createHmac('sha256', `${body.timestamp}\n${SECRET}`).update('').digest('base64');
  return body.sign === expected;
}

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function feishuReceiver() {
  receiver = await startReceiver((req) => {
    const body = JSON.parse(req.body) as Record<string, unknown>;
    if (!feishuVerifies(body))
      return {
        body: {
          code: 19021,
          msg: 'sign match fail or timestamp is not within one hour from current time',
          data: {},
        },
      };
    return { body: { code: 0, msg: 'success', data: {} } };
  });
  return receiver;
}

const config = (url: string, extra: object = {}): FeishuConfig =>
  parseChannelConfig({
    type: 'feishu',
    webhookUrl: `${url}/open-apis/bot/v2/hook/0f7d2c2e-1111-2222-3333-444455556666`,
    secret: SECRET,
    ...extra,
  }) as FeishuConfig;

describe('Feishu channel', () => {
  it('sends a signed card that the receiver verifies', async () => {
    const r = await feishuReceiver();
    const res = await sendFeishu(
      sampleRendering({ publicUrl: 'https://news.example/d/1' }),
      config(r.url),
      new AbortController().signal,
    );
    expect(res).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(res.responseBody)).toMatchObject({ code: 0 });
    const body = JSON.parse(r.requests[0].body);
    expect(r.requests[0].url.pathname).toBe('/open-apis/bot/v2/hook/0f7d2c2e-1111-2222-3333-444455556666');
    expect(body.msg_type).toBe('interactive');
    expect(body.card.header.title.content).toBe('每日网安情报速递【20261129】');
    const markdown = body.card.elements
      .filter((e: { tag: string }) => e.tag === 'markdown')
      .map((e: { content: string }) => e.content);
    expect(markdown).toHaveLength(4);
    expect(markdown[0]).toContain('**一、金融业网络安全事件**');
    expect(markdown[0]).toContain('1. **某国有大行遭遇大规模 DDoS 攻击**');
    expect(markdown[1]).toContain("<font color='grey'>暂无</font>");
    const button = body.card.elements.at(-1).actions[0];
    expect(button.url).toBe('https://news.example/d/1');
  });

  it('treats a 200 answer with a non-zero code as a refusal (wrong secret)', async () => {
    const r = await feishuReceiver();
    const err = (await sendFeishu(
      sampleRendering(),
      config(r.url, { secret: 'wrong' }),
      new AbortController().signal,
    ).catch((e: unknown) => e)) as DeliveryError;
    expect(err.name).toBe('DeliveryError');
    expect(err).toMatchObject({ kind: 'rejected', status: 200, retryable: false, code: 'UPSTREAM_HTTP' });
    expect(err.message).toContain('19021');
    expect(err.responseBody).toContain('sign match fail');
  });

  it('sends plain text when configured, without signature when there is no secret', async () => {
    receiver = await startReceiver(() => ({ body: { StatusCode: 0, StatusMessage: 'success' } }));
    const res = await sendFeishu(
      sampleRendering(),
      config(receiver.url, { secret: undefined, format: 'text' }),
      new AbortController().signal,
    );
    expect(res.ok).toBe(true);
    const body = JSON.parse(receiver.requests[0].body);
    expect(body).toEqual({ msg_type: 'text', content: { text: sampleRendering().markdown } });
  });

  it('keeps a very long digest under the size limit by dropping trailing sections', async () => {
    receiver = await startReceiver(() => ({ body: { code: 0 } }));
    const huge = sampleRendering();
    huge.markdown = huge.markdown.replace(
      '> 暂无',
      Array.from({ length: 1000 }, (_, i) => `${i + 1}. **很长的条目标题 ${i}**`).join('\n'),
    );
    await sendFeishu(huge, config(receiver.url), new AbortController().signal);
    const raw = receiver.requests[0].body;
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(19 * 1024 + 200);
    expect(raw).toContain('内容过长');
  });
});

describe('Feishu card size', () => {
  it('clips a single oversized section', async () => {
    const { feishuCard, FEISHU_MAX_BODY_BYTES } = await import('./message.ts');
    const r = sampleRendering();
    r.markdown = r.markdown.replace(
      '    - 暂无摘要',
      Array.from({ length: 2000 }, (_, i) => `    - 很长的摘要 ${i}`).join('\n'),
    );
    const card = feishuCard(r);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(FEISHU_MAX_BODY_BYTES);
    expect(JSON.stringify(card)).toContain('内容过长');
  });
});
