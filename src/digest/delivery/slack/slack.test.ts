import { afterEach, describe, expect, it } from 'vitest';
import { parseChannelConfig } from '../channels.ts';
import { startReceiver, type Receiver } from '../testdata/http-receiver.ts';
import { sampleRendering } from '../testdata/rendering.ts';
import type { SlackConfig } from './config.ts';
import { toSlackMrkdwn } from './mrkdwn.ts';
import { sendSlack } from './send.ts';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const config = (url: string, extra: object = {}) =>
  parseChannelConfig({
    type: 'slack',
    webhookUrl: `${url}/services/T0001/B0002/XXXXXXXXXXXXXXXX`,
    ...extra,
  }) as SlackConfig;

describe('Slack-compatible channel', () => {
  it('posts mrkdwn text and accepts the "ok" answer', async () => {
    receiver = await startReceiver(() => ({ body: 'ok', headers: { 'content-type': 'text/plain' } }));
    const res = await sendSlack(
      sampleRendering({ publicUrl: 'https://news.example/d/1' }),
      config(receiver.url),
      new AbortController().signal,
    );
    expect(res).toEqual({ ok: true, status: 200, responseBody: 'ok' });
    const body = JSON.parse(receiver.requests[0].body);
    expect(body.mrkdwn).toBe(true);
    expect(body.text.split('\n')[0]).toBe('*每日网安情报速递【20261129】*');
    expect(body.text).toContain('*一、金融业网络安全事件*');
    expect(body.text).toContain('1. *某国有大行遭遇大规模 DDoS 攻击*');
    expect(body.text).toContain('> 暂无');
    expect(body.text).toContain('<https://news.example/d/1|查看完整日报>');
    expect(body.text).not.toContain('**');
  });

  it('sends plain Markdown for receivers that render it', async () => {
    receiver = await startReceiver(() => ({ body: 'ok' }));
    await sendSlack(
      sampleRendering(),
      config(receiver.url, { format: 'markdown', username: 'newsdesk' }),
      new AbortController().signal,
    );
    const body = JSON.parse(receiver.requests[0].body);
    expect(body).toEqual({ text: sampleRendering().markdown.trimEnd(), username: 'newsdesk' });
  });

  it('fails on a 4xx answer without retry, and on 5xx with retry', async () => {
    receiver = await startReceiver((_req, i) =>
      i === 0 ? { status: 400, body: 'invalid_payload' } : { status: 503, body: 'busy' },
    );
    const signal = new AbortController().signal;
    await expect(sendSlack(sampleRendering(), config(receiver.url), signal)).rejects.toMatchObject({
      kind: 'http',
      status: 400,
      retryable: false,
      responseBody: 'invalid_payload',
    });
    await expect(sendSlack(sampleRendering(), config(receiver.url), signal)).rejects.toMatchObject({
      status: 503,
      retryable: true,
    });
  });

  it('escapes control characters in article text', () => {
    expect(toSlackMrkdwn('1. **<script> & <!channel>**\n    - [a|b](https://x.example/?a=1&b=2)')).toBe(
      '1. *&lt;script&gt; &amp; &lt;!channel&gt;*\n    • <https://x.example/?a=1&amp;b=2|a b>',
    );
  });
});
