// What a delivery channel receives and returns.

/** A digest rendered for delivery. */
export interface DigestRendering {
  title: string;
  markdown: string;
  html: string;
  pdf?: { fileName: string; data: Uint8Array };
  /** Link to the published HTML page, when public links are enabled. */
  publicUrl?: string;
  digestId?: string;
  /** yyyy-MM-dd */
  date?: string;
}

export interface SendResult {
  ok: true;
  /** HTTP status, or the SMTP reply code for e-mail. */
  status: number;
  /** The receiver's answer, truncated (see MAX_RESPONSE_CHARS). */
  responseBody: string;
}

/** Sends one rendering through one channel; throws DeliveryError on failure. */
export type ChannelSender<C> = (
  rendering: DigestRendering,
  config: C,
  signal: AbortSignal,
) => Promise<SendResult>;

/** Longest receiver answer kept in results, attempt records and errors. */
export const MAX_RESPONSE_CHARS = 2000;

export function truncate(text: string, max = MAX_RESPONSE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more]`;
}
