// E-mail over SMTP (nodemailer): the HTML page as the body, the Markdown as the text part, the PDF attached.
import nodemailer from 'nodemailer';
import { DeliveryError } from '../errors.ts';
import type { ChannelSender, DigestRendering } from '../types.ts';
import { truncate } from '../types.ts';
import type { EmailConfig } from './config.ts';

export function emailMessage(rendering: DigestRendering, config: EmailConfig) {
  const text = rendering.publicUrl
    ? `${rendering.markdown}\n完整日报：${rendering.publicUrl}\n`
    : rendering.markdown;
  return {
    from: config.from,
    to: config.to,
    cc: config.cc.length ? config.cc : undefined,
    bcc: config.bcc.length ? config.bcc : undefined,
    subject: config.subject ?? rendering.title,
    html: rendering.html,
    text,
    attachments:
      config.attachPdf && rendering.pdf
        ? [
            {
              filename: rendering.pdf.fileName,
              content: Buffer.from(rendering.pdf.data),
              contentType: 'application/pdf',
            },
          ]
        : [],
  };
}

/** Connection-level failures worth retrying; authentication and address errors are not. */
const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPROTOCOL',
]);

function classify(err: unknown): DeliveryError {
  const channel = 'email';
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const responseBody = e.response ? truncate(e.response) : undefined;
  if (e.code === 'EAUTH') {
    return new DeliveryError(`${channel}: SMTP authentication failed`, {
      channel,
      kind: 'config',
      status: reply,
      responseBody,
      retryable: false,
      cause: err,
    });
  }
  if (reply !== undefined) {
    // 4xx replies are transient by definition (RFC 5321); 5xx are permanent.
    return new DeliveryError(`${channel}: SMTP server answered ${reply}`, {
      channel,
      kind: 'http',
      status: reply,
      responseBody,
      retryable: reply < 500,
      cause: err,
    });
  }
  if (e.code === 'ETIMEDOUT') {
    return new DeliveryError(`${channel}: SMTP server did not answer in time`, {
      channel,
      kind: 'timeout',
      retryable: true,
      cause: err,
    });
  }
  const network = NETWORK_CODES.has(e.code ?? '');
  return new DeliveryError(`${channel}: ${e.code ?? 'error'}: ${e.message ?? String(err)}`, {
    channel,
    kind: network ? 'network' : 'config',
    retryable: network,
    cause: err,
  });
}

export const sendEmail: ChannelSender<EmailConfig> = async (rendering, config, signal) => {
  signal.throwIfAborted();
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTLS,
    tls: { rejectUnauthorized: config.tlsRejectUnauthorized },
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  const onAbort = () => transport.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const info = await transport.sendMail(emailMessage(rendering, config));
    const response = String(info.response ?? '');
    const rejected = (info.rejected ?? []).map(String);
    const status = Number.parseInt(response, 10);
    const note = rejected.length ? `; rejected: ${rejected.join(', ')}` : '';
    return { ok: true, status: Number.isNaN(status) ? 250 : status, responseBody: truncate(response + note) };
  } catch (err) {
    if (signal.aborted) {
      throw new DeliveryError('email: delivery cancelled', {
        channel: 'email',
        kind: 'aborted',
        retryable: false,
        cause: err,
      });
    }
    throw classify(err);
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
};
