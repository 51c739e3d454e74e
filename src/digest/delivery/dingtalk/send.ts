// DingTalk custom robot. Like Feishu it answers HTTP 200 with {"errcode": <non-zero>} on refusal.
import { clipBytes } from '../clip.ts';
import { DeliveryError } from '../errors.ts';
import { parseJsonObject, postJson } from '../http-post.ts';
import type { ChannelSender, DigestRendering } from '../types.ts';
import { truncate } from '../types.ts';
import type { DingtalkConfig } from './config.ts';
import { dingtalkSignedUrl } from './sign.ts';

/** Markdown messages are capped at 20,000 bytes by DingTalk; keep headroom for the JSON around it. */
export const DINGTALK_MAX_TEXT_BYTES = 18_000;

/** 130101: sending too fast (20 per minute per robot); -1: system busy. Others will not heal. */
const RETRYABLE_ERRCODES = new Set([130101, -1]);

export function dingtalkMessage(rendering: DigestRendering, config: DingtalkConfig): Record<string, unknown> {
  const suffix = rendering.publicUrl ? `\n\n[查看完整日报](${rendering.publicUrl})` : '';
  const mentions = config.atMobiles.length ? `\n\n${config.atMobiles.map((m) => `@${m}`).join(' ')}` : '';
  const room = DINGTALK_MAX_TEXT_BYTES - Buffer.byteLength(suffix + mentions);
  return {
    msgtype: 'markdown',
    markdown: {
      title: rendering.title,
      text: clipBytes(rendering.markdown.trimEnd(), room) + suffix + mentions,
    },
    at: { atMobiles: config.atMobiles, isAtAll: config.atAll },
  };
}

export const sendDingtalk: ChannelSender<DingtalkConfig> = async (rendering, config, signal) => {
  const channel = 'dingtalk';
  const url = config.secret
    ? dingtalkSignedUrl(config.webhookUrl, config.secret, Date.now())
    : config.webhookUrl;
  const res = await postJson(url, dingtalkMessage(rendering, config), {
    channel,
    timeoutMs: config.timeoutMs,
    signal,
  });
  const json = parseJsonObject(res.body);
  const errcode = json?.errcode;
  if (typeof errcode !== 'number') {
    throw new DeliveryError(`${channel}: unexpected answer (no errcode)`, {
      channel,
      kind: 'rejected',
      status: res.status,
      responseBody: truncate(res.body),
      retryable: false,
    });
  }
  if (errcode !== 0) {
    throw new DeliveryError(
      `${channel}: message refused, errcode ${errcode}: ${String(json!.errmsg ?? '')}`,
      {
        channel,
        kind: 'rejected',
        status: res.status,
        responseBody: truncate(res.body),
        retryable: RETRYABLE_ERRCODES.has(errcode),
      },
    );
  }
  return { ok: true, status: res.status, responseBody: truncate(res.body) };
};
