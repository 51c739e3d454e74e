// Feishu (Lark) custom bot webhook. Feishu answers HTTP 200 even when it refuses the message, with
// {"code": <non-zero>, "msg": ...} (older endpoints: {"StatusCode": ...}), so the body decides.
import { DeliveryError } from '../errors.ts';
import { parseJsonObject, postJson } from '../http-post.ts';
import type { ChannelSender } from '../types.ts';
import { truncate } from '../types.ts';
import type { FeishuConfig } from './config.ts';
import { feishuCard, feishuText } from './message.ts';
import { feishuSign } from './sign.ts';

/** Codes worth retrying: the frequency limit (11232). Others (19021 bad signature, 9499 bad body) will not heal. */
const RETRYABLE_CODES = new Set([11232]);

export const sendFeishu: ChannelSender<FeishuConfig> = async (rendering, config, signal) => {
  const channel = 'feishu';
  const payload: Record<string, unknown> =
    config.format === 'text' ? feishuText(rendering) : feishuCard(rendering);
  if (config.secret) {
    const timestamp = Math.floor(Date.now() / 1000);
    payload.timestamp = String(timestamp);
    payload.sign = feishuSign(timestamp, config.secret);
  }
  const res = await postJson(config.webhookUrl, payload, { channel, timeoutMs: config.timeoutMs, signal });
  const json = parseJsonObject(res.body);
  const code = json ? (json.code ?? json.StatusCode) : undefined;
  if (typeof code !== 'number') {
    throw new DeliveryError(`${channel}: unexpected answer (no code)`, {
      channel,
      kind: 'rejected',
      status: res.status,
      responseBody: truncate(res.body),
      retryable: false,
    });
  }
  if (code !== 0) {
    const msg = String(json!.msg ?? json!.StatusMessage ?? '');
    throw new DeliveryError(`${channel}: message refused, code ${code}${msg ? `: ${msg}` : ''}`, {
      channel,
      kind: 'rejected',
      status: res.status,
      responseBody: truncate(res.body),
      retryable: RETRYABLE_CODES.has(code),
    });
  }
  return { ok: true, status: res.status, responseBody: truncate(res.body) };
};
