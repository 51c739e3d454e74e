import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { parseChannelConfig } from '../channels.ts';
import type { DeliveryError } from '../errors.ts';
import { sampleRendering } from '../testdata/rendering.ts';
import type { EmailConfig } from './config.ts';
import { sendEmail } from './send.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let server: SMTPServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function startSmtp(
  options: Partial<SMTPServerOptions> = {},
): Promise<{ port: number; mails: Received[] }> {
  const mails: Received[] = [];
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server!.server.address() as AddressInfo).port, mails };
}

const config = (port: number, extra: object = {}) =>
  parseChannelConfig({
    type: 'email',
    host: '127.0.0.1',
    port,
    from: 'newsdesk <digest@newsdesk.test>',
    to: ['soc@bank.test'],
    cc: ['ciso@bank.test'],
    timeoutMs: 5000,
    ...extra,
  }) as EmailConfig;

/** The MIME parts of a multipart message, each with its headers (unfolded) and body. */
function mimeParts(raw: string): { headers: string; body: string }[] {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)![1];
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [headers, ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      return { headers: headers.replace(/\r\n[ \t]+/g, ' '), body: rest.join('\r\n\r\n') };
    });
}

/** Content-Disposition filename, decoding RFC 2231 (filename*0*=utf-8''...) continuations. */
function attachmentName(headers: string): string {
  const plain = /filename="([^"]+)"/i.exec(headers);
  if (plain) return plain[1];
  const pieces = [...headers.matchAll(/filename\*(\d+)?\*?=([^;\r\n]+)/gi)]
    .sort((a, b) => Number(a[1] ?? 0) - Number(b[1] ?? 0))
    .map((m) => m[2].trim().replace(/^"|"$/g, ''));
  return decodeURIComponent(pieces.join('').replace(/^utf-8''/i, ''));
}

describe('e-mail channel (SMTP)', () => {
  it('delivers the HTML body, the text part and the PDF attachment', async () => {
    const { port, mails } = await startSmtp();
    const rendering = sampleRendering();
    const res = await sendEmail(rendering, config(port), new AbortController().signal);
    expect(res.ok).toBe(true);
    expect(res.status).toBe(250);
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail.from).toBe('digest@newsdesk.test');
    expect(mail.to.sort()).toEqual(['ciso@bank.test', 'soc@bank.test']);
    expect(mail.raw).toMatch(/^Subject: =\?UTF-8\?/im);

    // multipart/mixed: an alternative (text + html) part and the PDF.
    const parts = mimeParts(mail.raw);
    const pdfPart = parts.find((p) => /Content-Type: application\/pdf/i.test(p.headers))!;
    expect(pdfPart).toBeDefined();
    expect(pdfPart.headers).toMatch(/Content-Disposition: attachment/i);
    expect(attachmentName(pdfPart.headers)).toBe('每日网安情报速递【20261129】.pdf');
    const pdfBytes = Buffer.from(pdfPart.body.replace(/\s+/g, ''), 'base64');
    expect(pdfBytes.equals(Buffer.from(rendering.pdf!.data))).toBe(true);

    const alternative = parts.find((p) => /multipart\/alternative/i.test(p.headers))!;
    const inner = mimeParts(`${alternative.headers}\r\n\r\n${alternative.body}`);
    const html = inner.find((p) => /text\/html/i.test(p.headers))!;
    const text = inner.find((p) => /text\/plain/i.test(p.headers))!;
    const decode = (p: { headers: string; body: string }) =>
      /base64/i.test(p.headers)
        ? Buffer.from(p.body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : Buffer.from(
            p.body
              .replace(/=\r\n/g, '')
              .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8');
    expect(decode(html)).toContain('<h1>每日网安情报速递【20261129】</h1>');
    expect(decode(text)).toContain('### 一、金融业网络安全事件');
  });

  it('leaves the PDF out when configured, and logs in when a user is set', async () => {
    let auth: { username?: string; password?: string } | undefined;
    const { port, mails } = await startSmtp({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      onAuth(a, _s, cb) {
        auth = { username: a.username ?? undefined, password: a.password ?? undefined };
        cb(null, { user: a.username });
      },
    });
    await sendEmail(
      sampleRendering(),
      config(port, { attachPdf: false, user: 'bot', password: 'pw-123' }),
      new AbortController().signal,
    );
    expect(auth).toMatchObject({ username: 'bot', password: 'pw-123' });
    expect(mails[0].raw).not.toMatch(/application\/pdf/i);
  });

  it('reports refused authentication as a permanent config error', async () => {
    const { port } = await startSmtp({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      onAuth(_a, _s, cb) {
        cb(new Error('Invalid username or password'));
      },
    });
    const err = (await sendEmail(
      sampleRendering(),
      config(port, { user: 'bot', password: 'bad' }),
      new AbortController().signal,
    ).catch((e: unknown) => e)) as DeliveryError;
    expect(err).toMatchObject({ name: 'DeliveryError', kind: 'config', retryable: false });
  });

  it('treats 4xx replies as transient and 5xx as permanent', async () => {
    const { port } = await startSmtp({
      onRcptTo(address, _s, cb) {
        const e = new Error(address.address.startsWith('busy') ? 'mailbox busy' : 'no such user') as Error & {
          responseCode: number;
        };
        e.responseCode = address.address.startsWith('busy') ? 452 : 550;
        cb(e);
      },
    });
    const signal = new AbortController().signal;
    await expect(
      sendEmail(sampleRendering(), config(port, { to: ['busy@bank.test'], cc: [] }), signal),
    ).rejects.toMatchObject({
      retryable: true,
      status: 452,
    });
    await expect(
      sendEmail(sampleRendering(), config(port, { to: ['gone@bank.test'], cc: [] }), signal),
    ).rejects.toMatchObject({
      retryable: false,
      status: 550,
    });
  });

  it('reports a closed port as a retryable network failure', async () => {
    const { port } = await startSmtp();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(
      sendEmail(sampleRendering(), config(port), new AbortController().signal),
    ).rejects.toMatchObject({
      kind: 'network',
      retryable: true,
    });
  });
});
