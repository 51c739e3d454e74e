// The digest flow through the HTTP API on a temp SQLite: seed articles, create from a selection, the
// golden Markdown, edits, HTML/PDF, the public link, the repeat check, rendered-file cleanup, bad input.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';
import type { StoreOptions } from '../store/store.ts';
import { seedContent, type SeedArticle } from '../store/testing-content.ts';

const run = promisify(execFile);
const golden = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'digest', 'testdata', name), 'utf8');

/** The articles behind the golden house.md fixture (src/digest/testdata/fixtures.ts: houseDigest). */
function houseArticles(sourceIds: string[]): SeedArticle[] {
  const [freebuf, secrss, apache] = sourceIds;
  const fetchedAt = Date.UTC(2026, 10, 28, 12);
  return [
    {
      id: 'a-1',
      sourceId: freebuf,
      url: 'https://www.freebuf.com/news/400001.html',
      title: 'Major state-owned bank hit by DDoS',
      titleZh: '某国有大行遭遇大规模 DDoS 攻击',
      summary:
        '11 月 28 日晚间，某国有大型银行网上银行遭受持续约两小时的分布式拒绝服务攻击，部分用户登录受影响，目前服务已恢复。',
      category: '金融业网络安全事件',
      eventId: 'ev-1',
      importance: 8,
      fetchedAt,
    },
    {
      id: 'a-1b',
      sourceId: secrss,
      url: 'https://www.secrss.com/articles/70001',
      title: '某国有大行网银遭 DDoS 攻击',
      titleZh: '某国有大行网银遭 DDoS 攻击',
      summary: '同一事件的另一篇报道。',
      category: '金融业网络安全事件',
      eventId: 'ev-1',
      fetchedAt: fetchedAt + 1000,
    },
    {
      id: 'a-2',
      sourceId: secrss,
      url: 'https://www.secrss.com/articles/70002',
      title: '某城商行手机银行短暂中断',
      titleZh: null,
      summary: null,
      category: '金融业网络安全事件',
      enrichState: 'done',
      fetchedAt,
    },
    {
      id: 'a-3',
      sourceId: apache,
      url: 'https://tomcat.apache.org/security-11.html',
      title: 'Apache Tomcat RCE (CVE-2026-41234)',
      titleZh: 'Apache Tomcat 曝远程代码执行漏洞（CVE-2026-41234）',
      summary:
        'Apache 官方发布安全公告，修复 Tomcat 中一处反序列化漏洞。\n攻击者可在特定配置下远程执行任意代码，建议尽快升级至 11.0.9 版本。',
      category: '重大漏洞风险提示',
      eventId: 'ev-3',
      cves: ['CVE-2026-41234'],
      fetchedAt,
    },
  ];
}

async function pdfText(t: TestApp, pdf: Buffer, name: string): Promise<string> {
  const file = path.join(t.dir, name);
  await writeFile(file, pdf);
  return (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout.replace(/\s+/g, '');
}

describe('digests API', () => {
  let t: TestApp;
  let db: StoreOptions;
  let sources: string[];
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.http.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const finished = (id: string) =>
    waitFor(async () => {
      const e = await t.app.store.executions.get(id);
      return e && ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(e.status) ? e : undefined;
    }, 20_000);

  beforeAll(async () => {
    t = await createTestApp({ env: { NEWSDESK_PDF_TIMEOUT_MS: '100000' } });
    db = { kind: 'sqlite', file: (t.config.database as { file: string }).file };
    ({ sourceIds: sources } = await seedContent(db, {
      sources: [{ name: 'FreeBuf' }, { name: '安全内参' }, { name: 'Apache' }, { name: 'BleepingComputer' }],
    }));
    await seedContent(db, { articles: houseArticles(sources) });
  });
  afterAll(() => t?.close());

  let digestId: string;

  it('creates a digest from the editor’s selection whose Markdown is the house format', async () => {
    const res = await send('POST', '/api/digests', { date: '2026-11-29', articleIds: ['a-1', 'a-3', 'a-2'] });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    digestId = d.id;
    expect(d).toMatchObject({
      date: '2026-11-29',
      title: '',
      displayTitle: '每日网安情报速递【20261129】',
      status: 'draft',
      itemCount: 3,
      checkStale: true,
      public: { enabled: false, path: null, url: null },
      outputs: { markdown: `/api/digests/${d.id}.md` },
    });
    expect(d.createdAt).toMatch(/\+08:00$/);
    const [i1, i3, i2] = d.items;
    expect(i1).toMatchObject({ articleId: 'a-1', eventId: 'ev-1', section: '金融业网络安全事件', order: 0 });
    // The article's own link first, then the other outlet of its event.
    expect(i1.links).toEqual([
      { url: 'https://www.freebuf.com/news/400001.html', source: 'FreeBuf' },
      { url: 'https://www.secrss.com/articles/70001', source: '安全内参' },
    ]);
    // No translation: the original title; no summary: empty (rendered as 暂无摘要).
    expect(i2).toMatchObject({
      title: '某城商行手机银行短暂中断',
      summary: '',
      category: '金融业网络安全事件',
    });
    expect(i3.title).toBe('Apache Tomcat 曝远程代码执行漏洞（CVE-2026-41234）');

    const md = await send('GET', `/api/digests/${d.id}.md`);
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(md.body).toBe(golden('house.md'));
    expect(md.headers['content-disposition']).toBe(
      `inline; filename="digest-20261129.md"; filename*=UTF-8''${encodeURIComponent('每日网安情报速递【20261129】.md')}`,
    );
  });

  it('lists digests newest first, and the latest one alone', async () => {
    const older = await send('POST', '/api/digests', { date: '2026-11-20', articleIds: [] });
    expect(older.statusCode).toBe(201);
    const list = (await send('GET', '/api/digests')).json();
    expect(list.items.map((d: { id: string }) => d.id)).toEqual([digestId, older.json().id]);
    expect(list.total).toBe(2);
    const latest = (await send('GET', '/api/digests?latest=1')).json();
    expect(latest.items.map((d: { id: string }) => d.id)).toEqual([digestId]);
    expect((await send('GET', '/api/digests?date=2026-11-20')).json().total).toBe(1);
    expect((await send('DELETE', `/api/digests/${older.json().id}`)).statusCode).toBe(204);
    expect((await send('GET', `/api/digests/${older.json().id}`)).statusCode).toBe(404);
  });

  it('renders HTML and a PDF whose text is the Chinese digest; the PDF is cached until an edit', async () => {
    const html = await send('GET', `/api/digests/${digestId}.html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<h1>每日网安情报速递【20261129】</h1>');
    expect(html.body).toContain('href="https://www.secrss.com/articles/70001"');

    const pdf = await send('GET', `/api/digests/${digestId}.pdf`);
    expect(pdf.statusCode, pdf.body.slice(0, 300)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(
      `attachment; filename="digest-20261129.pdf"; filename*=UTF-8''%E6%AF%8F%E6%97%A5%E7%BD%91%E5%AE%89%E6%83%85%E6%8A%A5%E9%80%9F%E9%80%92%E3%80%9020261129%E3%80%91.pdf`,
    );
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(t, pdf.rawPayload, 'first.pdf');
    expect(text).toContain('每日网安情报速递【20261129】');
    expect(text).toContain('某国有大行遭遇大规模DDoS攻击');
    const file = path.join(t.dir, 'digests', digestId, '每日网安情报速递【20261129】.pdf');
    expect(existsSync(file)).toBe(true);
    // Served from the file: same bytes, even though a new print would differ in its timestamps.
    const again = await send('GET', `/api/digests/${digestId}.pdf`);
    expect(again.rawPayload.equals(pdf.rawPayload)).toBe(true);

    // An edit drops the cached file (the next request prints the new content).
    const patched = await send('PATCH', `/api/digests/${digestId}`, { title: '周末特刊：网安情报' });
    await send('PATCH', `/api/digests/${digestId}`, { title: '' });
    expect(patched.statusCode).toBe(200);
    expect(existsSync(file)).toBe(false);
    expect((await t.app.store.digests.get(digestId))!.pdf).toBeNull();
  }, 120_000); // Chromium on a busy machine

  it('edits reorder, reword, add and remove items, and the Markdown follows', async () => {
    const d = (await send('GET', `/api/digests/${digestId}`)).json();
    const [i1, i3, i2] = d.items;
    const res = await send('PATCH', `/api/digests/${digestId}`, {
      intro: '本期要点。',
      items: [
        { id: i2.id, summary: '某城商行手机银行于早间中断约 30 分钟。' },
        { id: i1.id },
        { articleId: 'a-1b', category: '重大网络安全事件', title: '另一篇报道（编辑改写）' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const edited = res.json();
    expect(edited.revision).toBe(d.revision + 1);
    expect(edited.items.map((i: { id: string }) => i.id).slice(0, 2)).toEqual([i2.id, i1.id]);
    expect(edited.items.map((i: { articleId: string }) => i.articleId)).toEqual(['a-2', 'a-1', 'a-1b']);
    expect(edited.items.some((i: { id: string }) => i.id === i3.id)).toBe(false);
    const md = (await send('GET', `/api/digests/${digestId}.md`)).body;
    expect(md).toBe(
      [
        '# **每日网安情报速递【20261129】**',
        '本期要点。',
        '',
        '------',
        '### 一、金融业网络安全事件',
        '1. **某城商行手机银行短暂中断**',
        '    - 某城商行手机银行于早间中断约 30 分钟。',
        '2. **某国有大行遭遇大规模 DDoS 攻击**',
        `    - ${i1.summary}`,
        '------',
        '### 二、重大网络安全事件',
        '1. **另一篇报道（编辑改写）**',
        '    - 同一事件的另一篇报道。',
        '------',
        '### 三、重大数据泄露事件',
        '> 暂无',
        '------',
        '### 四、重大漏洞风险提示',
        '> 暂无',
        '',
      ].join('\n'),
    );
    // Back to the house fixture for the checks below.
    const restored = await send('PATCH', `/api/digests/${digestId}`, {
      intro: '',
      items: [{ id: i1.id }, { articleId: 'a-3' }, { id: i2.id, summary: '' }],
    });
    expect(restored.statusCode).toBe(200);
    expect((await send('GET', `/api/digests/${digestId}.md`)).body).toBe(golden('house.md'));
  });

  it('publishes a public HTML page only while the link is on', async () => {
    const on = (await send('PATCH', `/api/digests/${digestId}`, { public: true })).json();
    expect(on.public.enabled).toBe(true);
    expect(on.public.path).toMatch(/^\/public\/digests\/[A-Za-z0-9_-]{24}\.html$/);
    const page = await send('GET', on.public.path);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('每日网安情报速递【20261129】');
    // Publishing is not a content edit.
    expect(on.revision).toBe((await send('GET', `/api/digests/${digestId}`)).json().revision);
    await send('PATCH', `/api/digests/${digestId}`, { public: false });
    expect((await send('GET', on.public.path)).statusCode).toBe(404);
    expect((await send('GET', '/public/digests/short.html')).statusCode).toBe(400);
  });

  it('flags repeats of the previous days: the identical article, a near-duplicate and the same CVE', async () => {
    const { articleIds } = await seedContent(db, {
      articles: [
        {
          sourceId: sources[3],
          url: 'https://www.bleepingcomputer.com/news/city-bank-app-outage/',
          titleZh: '某城商行手机银行出现短暂中断',
          summary: '',
          category: '金融业网络安全事件',
        },
        {
          sourceId: sources[3],
          url: 'https://www.bleepingcomputer.com/news/tomcat-exploited/',
          titleZh: '在野利用预警：Tomcat 漏洞 CVE-2026-41234 已出现公开利用代码',
          summary: '多家威胁情报厂商观测到针对该漏洞的扫描活动。',
          category: '重大漏洞风险提示',
        },
        {
          sourceId: sources[3],
          url: 'https://www.bleepingcomputer.com/news/unrelated/',
          titleZh: '某电商平台用户数据在暗网出售',
          summary: '涉及约 1.2 亿条记录。',
          category: '重大数据泄露事件',
        },
      ],
    });
    const [nearDup, sameCve, unrelated] = articleIds;
    const yesterday = await send('POST', '/api/digests', {
      date: '2026-11-28',
      articleIds: ['a-1', nearDup, sameCve, unrelated],
    });
    expect(yesterday.statusCode).toBe(201);
    // Four days back is outside the default window of three days: the identical a-3 there is not a repeat.
    expect((await send('POST', '/api/digests', { date: '2026-11-25', articleIds: ['a-3'] })).statusCode).toBe(
      201,
    );

    const check = await send('POST', `/api/digests/${digestId}/check`);
    expect(check.statusCode).toBe(202);
    const execution = await finished(check.json().executionId);
    expect(execution.status, JSON.stringify(execution.error)).toBe('succeeded');
    expect(execution.result).toMatchObject({ flags: 3, compared: [{ date: '2026-11-28' }] });

    const d = (await send('GET', `/api/digests/${digestId}`)).json();
    expect(d).toMatchObject({ status: 'checked', checkStale: false, flags: 3 });
    const byArticle = Object.fromEntries(
      d.items.map((i: { articleId: string; repeat: unknown }) => [i.articleId, i.repeat]),
    );
    const y = yesterday.json();
    expect(byArticle['a-1']).toMatchObject({
      reason: 'same_article',
      score: 1,
      matchedDigestId: y.id,
      matchedDigestDate: '2026-11-28',
      matchedArticleId: 'a-1',
    });
    expect(byArticle['a-2']).toMatchObject({ reason: 'near_duplicate', matchedArticleId: nearDup });
    expect(byArticle['a-2'].score).toBeGreaterThanOrEqual(0.5);
    expect(byArticle['a-3']).toMatchObject({
      reason: 'same_event',
      detail: 'CVE-2026-41234',
      matchedArticleId: sameCve,
    });

    // Flags survive a restart of the process: they are read back from the database.
    expect((await t.app.store.digests.listRepeatFlags(digestId)).length).toBe(3);
    // An edit makes the check stale but keeps the flags of the items still there.
    const stale = (await send('PATCH', `/api/digests/${digestId}`, { intro: '更新' })).json();
    expect(stale).toMatchObject({ status: 'draft', checkStale: true, flags: 3 });
    await send('PATCH', `/api/digests/${digestId}`, { intro: '' });
  });

  it('seeds the daily digest.build schedule switched off', async () => {
    const schedules = (await send('GET', '/api/schedules')).json().items;
    expect(schedules.find((s: { name: string }) => s.name === 'digest.build')).toMatchObject({
      task: 'digest.build',
      cron: '0 8 * * *',
      timezone: 'Asia/Shanghai',
      enabled: false,
      payload: { deliver: true },
    });
  });

  it('cleanup removes rendered files past their retention and forgets them', async () => {
    // A cached file as a render leaves it (the PDF itself is tested above).
    const relative = `digests/${digestId}/每日网安情报速递【20261129】.pdf`;
    const file = path.join(t.dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '%PDF-1.4 cached');
    const revision = (await t.app.store.digests.get(digestId))!.revision;
    await t.app.store.digests.setPdf(
      digestId,
      { file: relative, key: 'k', renderedAt: Date.now() },
      revision,
    );
    const old = (Date.now() - 40 * 86_400_000) / 1000;
    await utimes(file, old, old);
    const run = await send('POST', '/api/tasks/maintenance.cleanup/run');
    const execution = await finished(run.json().executionId);
    expect(execution.status).toBe('succeeded');
    expect(execution.result).toMatchObject({
      steps: expect.arrayContaining([
        { step: 'digest-rendered-files', deleted: 1, detail: '1 digest PDF(s) expired' },
      ]),
    });
    expect(existsSync(file)).toBe(false);
    expect((await t.app.store.digests.get(digestId))!.pdf).toBeNull();
  });

  it('answers bad input with 4xx naming the problem', async () => {
    const unknownArticle = await send('POST', '/api/digests', {
      date: '2026-11-29',
      articleIds: ['a-1', 'nope'],
    });
    expect(unknownArticle.statusCode).toBe(400);
    expect(unknownArticle.json().error).toMatchObject({
      code: 'VALIDATION',
      message: 'unknown article id: nope',
      details: [{ path: 'articleIds' }],
    });
    for (const date of ['2026-02-30', '2026-13-01', '29.11.2026']) {
      const res = await send('POST', '/api/digests', { date, articleIds: ['a-1'] });
      expect(res.statusCode, date).toBe(400);
      expect(res.json().error.details[0].path).toBe('date');
    }
    expect((await send('POST', '/api/digests', { date: '2026-11-29' })).statusCode).toBe(400);
    expect(
      (await send('POST', '/api/digests', { date: '2026-11-29', articleIds: ['a-1', 'a-1'] })).statusCode,
    ).toBe(400);
    expect(
      (await send('POST', '/api/digests', { date: '2026-11-29', auto: true, articleIds: [] })).statusCode,
    ).toBe(400);
    expect((await send('GET', '/api/digests?date=2026-02-30')).statusCode).toBe(400);

    for (const url of [
      '/api/digests/missing',
      '/api/digests/missing.md',
      '/api/digests/missing.html',
      '/api/digests/missing.pdf',
      '/api/digests/missing/deliveries',
    ]) {
      const res = await send('GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await send('POST', '/api/digests/missing/check')).statusCode).toBe(404);
    expect((await send('POST', '/api/digests/missing/deliver')).statusCode).toBe(404);
    expect((await send('PATCH', '/api/digests/missing', { title: 'x' })).statusCode).toBe(404);
    expect((await send('DELETE', '/api/digests/missing')).statusCode).toBe(404);

    const badItem = await send('PATCH', `/api/digests/${digestId}`, { items: [{ id: 'not-an-item' }] });
    expect(badItem.statusCode).toBe(400);
    expect(badItem.json().error.details[0].path).toBe('items.0.id');
    const badCategory = await send('PATCH', `/api/digests/${digestId}`, {
      items: [{ articleId: 'a-1', category: '行业动态' }],
    });
    expect(badCategory.statusCode).toBe(400);
    expect(badCategory.json().error.details[0].path).toBe('items.0.category');
    const badArticle = await send('PATCH', `/api/digests/${digestId}`, { items: [{ articleId: 'nope' }] });
    expect(badArticle.statusCode).toBe(400);
    expect((await send('PATCH', `/api/digests/${digestId}`, { colour: 'red' })).statusCode).toBe(400);
    // Nothing of the above changed the digest.
    expect((await send('GET', `/api/digests/${digestId}.md`)).body).toBe(golden('house.md'));
  });
});
