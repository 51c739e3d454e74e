// Generic JSON webhook: the digest as JSON, optionally signed. Any 2xx is success.
import { postBody } from '../http-post.ts';
import type { ChannelSender, DigestRendering } from '../types.ts';
import { truncate } from '../types.ts';
import type { WebhookConfig } from './config.ts';
import { TIMESTAMP_HEADER, webhookSignature } from './sign.ts';

export interface WebhookPayload {
  type: 'digest';
  digestId: string | null;
  date: string | null;
  title: string;
  publicUrl: string | null;
  markdown: string;
  html?: string;
  pdf?: { fileName: string; contentType: 'application/pdf'; base64: string };
}

export function webhookPayload(rendering: DigestRendering, config: WebhookConfig): WebhookPayload {
  const payload: WebhookPayload = {
    type: 'digest',
    digestId: rendering.digestId ?? null,
    date: rendering.date ?? null,
    title: rendering.title,
    publicUrl: rendering.publicUrl ?? null,
    markdown: rendering.markdown,
  };
  if (config.includeHtml) payload.html = rendering.html;
  if (config.includePdf && rendering.pdf) {
    payload.pdf = {
      fileName: rendering.pdf.fileName,
      contentType: 'application/pdf',
      base64: Buffer.from(rendering.pdf.data).toString('base64'),
    };
  }
  return payload;
}

export const sendWebhook: ChannelSender<WebhookConfig> = async (rendering, config, signal) => {
  const body = JSON.stringify(webhookPayload(rendering, config));
  const headers: Record<string, string> = { ...config.headers };
  if (config.secret) {
    const ts = Date.now();
    headers[TIMESTAMP_HEADER] = String(ts);
    headers[config.signatureHeader] = webhookSignature(config.secret, ts, body);
  }
  const res = await postBody(config.url, body, 'application/json; charset=utf-8', {
    channel: 'webhook',
    headers,
    timeoutMs: config.timeoutMs,
    signal,
  });
  return { ok: true, status: res.status, responseBody: truncate(res.body) };
};
