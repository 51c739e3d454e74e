// Slack-compatible incoming webhook: {"text": ...}. Slack answers "ok"; errors come as 4xx text.
import { clipBytes } from '../clip.ts';
import { postJson } from '../http-post.ts';
import type { ChannelSender, DigestRendering } from '../types.ts';
import { truncate } from '../types.ts';
import type { SlackConfig } from './config.ts';
import { toSlackMrkdwn } from './mrkdwn.ts';

/** Slack truncates message text beyond 40,000 characters; stay below in bytes to be safe for CJK. */
const SLACK_MAX_TEXT_BYTES = 38_000;

export function slackMessage(rendering: DigestRendering, config: SlackConfig): Record<string, unknown> {
  const mrkdwn = config.format === 'mrkdwn';
  const body = mrkdwn ? toSlackMrkdwn(rendering.markdown.trimEnd()) : rendering.markdown.trimEnd();
  const link = rendering.publicUrl
    ? mrkdwn
      ? `\n\n<${rendering.publicUrl}|查看完整日报>`
      : `\n\n[查看完整日报](${rendering.publicUrl})`
    : '';
  const payload: Record<string, unknown> = {
    text: clipBytes(body, SLACK_MAX_TEXT_BYTES - Buffer.byteLength(link)) + link,
  };
  if (mrkdwn) payload.mrkdwn = true;
  if (config.username) payload.username = config.username;
  if (config.channel) payload.channel = config.channel;
  return payload;
}

export const sendSlack: ChannelSender<SlackConfig> = async (rendering, config, signal) => {
  const res = await postJson(config.webhookUrl, slackMessage(rendering, config), {
    channel: 'slack',
    timeoutMs: config.timeoutMs,
    signal,
  });
  return { ok: true, status: res.status, responseBody: truncate(res.body) };
};
