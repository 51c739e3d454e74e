// Delivery channels, the retrying runner and secret masking.
export * from './types.ts';
export * from './errors.ts';
export * from './channels.ts';
export * from './runner.ts';
export { maskChannelConfig, maskSecret, maskUrl, redactSecrets } from './mask.ts';
export { feishuSign } from './feishu/sign.ts';
export { dingtalkSign, dingtalkSignedUrl } from './dingtalk/sign.ts';
export { webhookSignature, verifyWebhookSignature, TIMESTAMP_HEADER } from './webhook/sign.ts';
export type { FeishuConfig } from './feishu/config.ts';
export type { DingtalkConfig } from './dingtalk/config.ts';
export type { SlackConfig } from './slack/config.ts';
export type { WebhookConfig } from './webhook/config.ts';
export type { WebhookPayload } from './webhook/send.ts';
export type { EmailConfig } from './email/config.ts';
