import { afterEach, describe, expect, it } from 'vitest';
import { parseChannelConfig } from '../channels.ts';
import { startReceiver, type Receiver } from '../testdata/http-receiver.ts';
import { sampleRendering } from '../testdata/rendering.ts';
import type { WebhookConfig } from './config.ts';
import { sendWebhook } from './send.ts';
import { verifyWebhookSignature } from './sign.ts';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const config = (url: string, extra: object = {}) =>
  parseChannelConfig({ type: 'webhook', url: `${url}/hooks/digest`, ...extra }) as WebhookConfig;

describe('generic JSON webhook', () => {
  it('posts the digest as JSON with a verifiable HMAC signature and custom headers', async () => {
    receiver = await startReceiver((req) => {
      const ts = Number(req.headers['x-newsdesk-timestamp']);
      const ok = verifyWebhookSignature(
        'hook-secret',
        ts,
        req.body,
        String(req.headers['x-newsdesk-signature']),
      );
      return ok
        ? { status: 202, body: { accepted: true } }
        : { status: 401, body: { error: 'bad signature' } };
    });
    const res = await sendWebhook(
      sampleRendering({ publicUrl: 'https://news.example/d/1' }),
      config(receiver.url, {
        secret: 'hook-secret',
        headers: { Authorization: 'Bearer abc123' },
        includeHtml: true,
        includePdf: true,
      }),
      new AbortController().signal,
    );
    expect(res).toEqual({ ok: true, status: 202, responseBody: '{"accepted":true}' });
    const req = receiver.requests[0];
    expect(req.headers.authorization).toBe('Bearer abc123');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      type: 'digest',
      digestId: 'dg-20261129',
      date: '2026-11-29',
      title: '每日网安情报速递【20261129】',
      publicUrl: 'https://news.example/d/1',
      markdown: sampleRendering().markdown,
    });
    expect(body.html).toContain('<!DOCTYPE html>');
    expect(body.pdf.fileName).toBe('每日网安情报速递【20261129】.pdf');
    expect(Buffer.from(body.pdf.base64, 'base64').equals(Buffer.from(sampleRendering().pdf!.data))).toBe(
      true,
    );
  });

  it('is rejected by a verifying receiver when the secret differs', async () => {
    receiver = await startReceiver((req) => {
      const ts = Number(req.headers['x-newsdesk-timestamp']);
      const ok = verifyWebhookSignature(
        'hook-secret',
        ts,
        req.body,
        String(req.headers['x-newsdesk-signature']),
      );
      return ok ? { status: 200 } : { status: 401, body: { error: 'bad signature' } };
    });
    await expect(
      sendWebhook(sampleRendering(), config(receiver.url, { secret: 'nope' }), new AbortController().signal),
    ).rejects.toMatchObject({
      kind: 'http',
      status: 401,
      retryable: false,
    });
  });

  it('leaves html, pdf and signature out by default', async () => {
    receiver = await startReceiver(() => ({ status: 204, body: '' }));
    const res = await sendWebhook(sampleRendering(), config(receiver.url), new AbortController().signal);
    expect(res.status).toBe(204);
    const req = receiver.requests[0];
    expect(req.headers['x-newsdesk-signature']).toBeUndefined();
    expect(Object.keys(JSON.parse(req.body)).sort()).toEqual([
      'date',
      'digestId',
      'markdown',
      'publicUrl',
      'title',
      'type',
    ]);
  });
});
