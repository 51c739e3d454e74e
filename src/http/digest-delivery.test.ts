// Channels and delivery through the HTTP API: masked secrets, a Feishu receiver that verifies the
// signature and fails once, an SMTP server that receives the PDF, a channel that keeps failing, and the
// digest.build → digest.check → digest.deliver chain with automatic selection.
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';
import { startReceiver, type Receiver } from '../digest/delivery/testdata/http-receiver.ts';
import type { Execution } from '../store/types.ts';
import type { StoreOptions } from '../store/store.ts';
import { seedContent } from '../store/testing-content.ts';
import { localDay } from '../time.ts';

const HOUR = 3_600_000;
const FEISHU_SECRET = 'feishu-signing-secret-0001';
const HOOK_ID = '0f7d2c2e-1111-2222-3333-444455556666';

function feishuSignatureOk(body: Record<string, unknown>): boolean {
  const expected = createHmac('sha256', `${body.timestamp}\n${FEISHU_SECRET}`).update('').digest('base64');
  return body.sign === expected;
}

interface Mail {
  to: string[];
  raw: string;
}

describe('digest delivery API', () => {
  let t: TestApp;
  let db: StoreOptions;
  let feishu: Receiver;
  let broken: Receiver;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: Mail[] = [];
  let digestId: string;
  let sources: string[];
  const channelIds: Record<string, string> = {};

  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.http.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  // Generous: a delivery with an e-mail channel prints the PDF first, slow on a busy machine.
  const finished = (id: string) =>
    waitFor(async () => {
      const e = await t.app.store.executions.get(id);
      return e && ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(e.status) ? e : undefined;
    }, 100_000);

  beforeAll(async () => {
    // Feishu: refuses a wrong signature (code 19021), and the very first request fails with HTTP 500.
    let failedOnce = false;
    feishu = await startReceiver((req) => {
      if (!failedOnce) {
        failedOnce = true;
        return { status: 500, body: { code: 500, msg: 'internal error' } };
      }
      const body = JSON.parse(req.body) as Record<string, unknown>;
      if (!feishuSignatureOk(body)) return { body: { code: 19021, msg: 'sign match fail' } };
      return { body: { code: 0, msg: 'success', data: {} } };
    });
    broken = await startReceiver(() => ({ status: 503, body: 'unavailable' }));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;

    t = await createTestApp({
      env: {
        NEWSDESK_DELIVERY_BASE_DELAY_MS: '10',
        NEWSDESK_DELIVERY_MAX_DELAY_MS: '50',
        NEWSDESK_PDF_TIMEOUT_MS: '100000',
      },
    });
    db = { kind: 'sqlite', file: (t.config.database as { file: string }).file };
    ({ sourceIds: sources } = await seedContent(db, {
      sources: [{ name: 'FreeBuf' }, { name: 'BleepingComputer' }],
    }));
    await seedContent(db, {
      articles: [
        {
          id: 'd-1',
          sourceId: sources[0],
          titleZh: '某银行遭勒索软件攻击',
          summary: '攻击导致部分业务系统中断。',
          category: '金融业网络安全事件',
          fetchedAt: Date.UTC(2026, 10, 1),
        },
      ],
    });
    const created = await send('POST', '/api/digests', { date: '2026-11-01', articleIds: ['d-1'] });
    digestId = created.json().id;
  });

  afterAll(async () => {
    await t?.close();
    await feishu?.close();
    await broken?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('stores channels with their secrets and shows them masked', async () => {
    const res = await send('POST', '/api/channels', {
      name: '安全部飞书群',
      type: 'feishu',
      config: { webhookUrl: `${feishu.url}/open-apis/bot/v2/hook/${HOOK_ID}`, secret: FEISHU_SECRET },
    });
    expect(res.statusCode, res.body).toBe(201);
    const ch = res.json();
    channelIds.feishu = ch.id;
    expect(ch).toMatchObject({ name: '安全部飞书群', type: 'feishu', enabled: true });
    expect(ch.config.secret).toBe('****0001');
    expect(ch.config.webhookUrl).not.toContain(HOOK_ID);
    expect(ch.config).toMatchObject({ format: 'card', timeoutMs: 15000 });
    expect(res.body).not.toContain(FEISHU_SECRET);
    expect((await send('GET', '/api/channels')).body).not.toContain(FEISHU_SECRET);
    expect((await send('GET', `/api/channels/${ch.id}`)).body).not.toContain(HOOK_ID);

    // Sending back what was shown keeps the stored secret; other fields change.
    const patched = await send('PATCH', `/api/channels/${ch.id}`, {
      description: '值班群',
      config: { ...ch.config, format: 'card' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ description: '值班群' });
    expect((await t.app.store.deliveryChannels.get(ch.id))!.config).toMatchObject({
      secret: FEISHU_SECRET,
      webhookUrl: `${feishu.url}/open-apis/bot/v2/hook/${HOOK_ID}`,
    });

    const mail = await send('POST', '/api/channels', {
      name: 'SOC 邮件',
      type: 'email',
      config: {
        host: '127.0.0.1',
        port: smtpPort,
        from: 'newsdesk <digest@newsdesk.test>',
        to: ['soc@bank.test'],
        password: 'smtp-password-123',
        timeoutMs: 5000,
      },
    });
    expect(mail.statusCode, mail.body).toBe(201);
    expect(mail.json().config.password).toMatch(/^\*{4}/);
    expect(mail.body).not.toContain('smtp-password');
    channelIds.email = mail.json().id;
  });

  it('refuses a bad channel config with 400 naming the field, a duplicate name with 409', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', type: 'feishu', config: { webhookUrl: 'ftp://example.test/hook' } }, 'config.webhookUrl'],
      [{ name: 'x', type: 'feishu', config: {} }, 'config.webhookUrl'],
      [
        { name: 'x', type: 'email', config: { host: 'h', from: 'a@b.c', to: ['not-an-address'] } },
        'config.to.0',
      ],
      [{ name: 'x', type: 'feishu', config: { type: 'slack', webhookUrl: 'https://x.test' } }, 'config.type'],
      [{ name: 'x', type: 'pigeon', config: {} }, 'type'],
    ];
    for (const [body, field] of cases) {
      const res = await send('POST', '/api/channels', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    const patch = await send('PATCH', `/api/channels/${channelIds.feishu}`, { config: { timeoutMs: 1 } });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.details[0].path).toBe('config.timeoutMs');
    const dup = await send('POST', '/api/channels', {
      name: '安全部飞书群',
      type: 'slack',
      config: { webhookUrl: 'https://hooks.example.test/x' },
    });
    expect(dup.statusCode).toBe(409);
    expect((await send('GET', '/api/channels/missing')).statusCode).toBe(404);
    expect((await send('DELETE', '/api/channels/missing')).statusCode).toBe(404);
  });

  it('delivers to Feishu (signed, retried after a 500) and by e-mail with the PDF; every attempt is recorded', async () => {
    const res = await send('POST', `/api/digests/${digestId}/deliver`);
    expect(res.statusCode, res.body).toBe(202);
    const execution = await finished(res.json().executionId);
    expect(execution.status, JSON.stringify(execution.error)).toBe('succeeded');
    expect(execution.result).toMatchObject({
      channels: expect.arrayContaining([
        { channel: '安全部飞书群', ok: true, attempts: 2, status: 200 },
        { channel: 'SOC 邮件', ok: true, attempts: 1, status: 250 },
      ]),
    });

    expect(feishu.requests).toHaveLength(2);
    const card = JSON.parse(feishu.requests[1].body);
    expect(feishuSignatureOk(card)).toBe(true);
    expect(card.card.header.title.content).toBe('每日网安情报速递【20261101】');
    expect(JSON.stringify(card)).toContain('某银行遭勒索软件攻击');

    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['soc@bank.test']);
    expect(mails[0].raw).toMatch(/Content-Type: application\/pdf/i);
    expect(mails[0].raw).toContain('JVBERi0'); // base64 of "%PDF-"

    const attempts = (await send('GET', `/api/digests/${digestId}/deliveries`)).json().items;
    const feishuAttempts = attempts.filter((a: { channel: string }) => a.channel === '安全部飞书群');
    expect(
      feishuAttempts.map((a: { attempt: number; ok: boolean; status: number }) => [
        a.attempt,
        a.ok,
        a.status,
      ]),
    ).toEqual([
      [1, false, 500],
      [2, true, 200],
    ]);
    expect(feishuAttempts[0]).toMatchObject({
      executionId: execution.id,
      channelType: 'feishu',
      error: { kind: 'http', retryable: true },
    });
    expect(feishuAttempts[0].nextRetryInMs).toBeGreaterThanOrEqual(0);
    expect(feishuAttempts[0].at).toMatch(/\+08:00$/);
    // Nothing recorded leaks the hook id or the secret.
    expect(JSON.stringify(attempts)).not.toContain(HOOK_ID);
    expect(JSON.stringify(attempts)).not.toContain(FEISHU_SECRET);

    const d = (await send('GET', `/api/digests/${digestId}`)).json();
    expect(d.status).toBe('delivered');
    expect(d.deliveredAt).not.toBeNull();
    expect(d.delivery).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: '安全部飞书群', ok: true, attempts: 2 }),
        expect.objectContaining({ channel: 'SOC 邮件', ok: true, attempts: 1 }),
      ]),
    );
  }, 120_000); // includes starting Chromium for the PDF attachment

  it('fails the execution with a clear error when a channel keeps failing, and shows it on the digest', async () => {
    const ch = await send('POST', '/api/channels', {
      name: '备用 webhook',
      type: 'webhook',
      enabled: false,
      config: { url: `${broken.url}/hook?token=abcdef123456` },
    });
    expect(ch.statusCode, ch.body).toBe(201);
    const res = await send('POST', `/api/digests/${digestId}/deliver`, { channels: ['备用 webhook'] });
    expect(res.statusCode).toBe(202);
    const execution = await finished(res.json().executionId);
    expect(execution.status).toBe('failed');
    expect(execution.error!.message).toContain('备用 webhook');
    expect(execution.error!.message).toContain('after 3 attempts');
    expect(execution.error!.message).not.toContain('abcdef123456');
    expect(broken.requests).toHaveLength(3);

    const d = (await send('GET', `/api/digests/${digestId}`)).json();
    expect(d.status).toBe('delivery_failed');
    expect(d.delivery).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: '备用 webhook', ok: false, attempts: 3, status: 503 }),
      ]),
    );
    const unknown = await send('POST', `/api/digests/${digestId}/deliver`, { channels: ['nobody'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain('nobody');
  });

  it('builds automatically, then checks and delivers in a chain of executions', async () => {
    const now = Date.now();
    const yesterday = localDay(now - 24 * HOUR, t.config.timezone);
    const { articleIds } = await seedContent(db, {
      articles: [
        {
          sourceId: sources[0],
          titleZh: '事件甲（FreeBuf）',
          category: '重大漏洞风险提示',
          importance: 5,
          eventId: 'auto-ev',
          fetchedAt: now - HOUR,
        },
        {
          sourceId: sources[1],
          titleZh: '事件甲（Bleeping）',
          category: '重大漏洞风险提示',
          importance: 9,
          eventId: 'auto-ev',
          fetchedAt: now - HOUR,
        },
        {
          sourceId: sources[1],
          titleZh: '单独的一条',
          category: '行业动态',
          importance: 1,
          fetchedAt: now - HOUR,
        },
        { sourceId: sources[1], titleZh: '还没有处理完', enrichState: 'pending', fetchedAt: now - HOUR },
        {
          sourceId: sources[0],
          titleZh: '昨天已经用过',
          category: '重大漏洞风险提示',
          importance: 10,
          fetchedAt: now - 2 * HOUR,
        },
        {
          sourceId: sources[0],
          titleZh: '上次日报之前的旧闻',
          category: '重大漏洞风险提示',
          fetchedAt: now - 30 * HOUR,
        },
      ],
    });
    const [evLow, evHigh, single, , used] = articleIds;
    // Yesterday's digest, made a day ago: the window starts there.
    await t.app.store.digests.create({
      date: yesterday,
      items: [
        { articleId: used, category: '重大漏洞风险提示', title: '昨天已经用过', summary: '', links: [] },
      ],
      createdAt: now - 24 * HOUR,
    });
    feishu.requests.length = 0;

    const run = await send('POST', '/api/tasks/digest.build/run', {
      payload: { deliver: true, channels: ['安全部飞书群'] },
    });
    expect(run.statusCode, run.body).toBe(202);
    const build = await finished(run.json().executionId);
    expect(build.status, JSON.stringify(build.error)).toBe('succeeded');
    const result = build.result as {
      digestId: string;
      items: number;
      checkExecutionId: string;
      date: string;
    };
    expect(result).toMatchObject({ items: 2, date: localDay(now, t.config.timezone) });

    const check = await finished(result.checkExecutionId);
    expect(check).toMatchObject({
      task: 'digest.check',
      status: 'succeeded',
      trigger: 'chain',
      parentId: build.id,
    });
    const deliverId = (check.result as { deliverExecutionId: string }).deliverExecutionId;
    const deliver: Execution = await finished(deliverId);
    expect(deliver).toMatchObject({
      task: 'digest.deliver',
      status: 'succeeded',
      trigger: 'chain',
      parentId: check.id,
    });

    const d = (await send('GET', `/api/digests/${result.digestId}`)).json();
    expect(d.status).toBe('delivered');
    expect(d.checkedAt).not.toBeNull();
    expect(d.items.map((i: { articleId: string }) => i.articleId)).toEqual([evHigh, single]);
    expect(d.items.map((i: { articleId: string }) => i.articleId)).not.toContain(evLow);
    expect(d.items[0].links.map((l: { source: string }) => l.source)).toEqual([
      'BleepingComputer',
      'FreeBuf',
    ]);
    // An unknown category lands in 其他.
    expect(d.items[1]).toMatchObject({ category: '其他', section: '其他' });
    expect(feishu.requests).toHaveLength(1);
    expect(JSON.stringify(JSON.parse(feishu.requests[0].body))).toContain('事件甲（Bleeping）');
  });
});
