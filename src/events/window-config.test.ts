// NEWSDESK_EVENTS_WINDOW_HOURS: how far back an article may join an event, and the API's default window.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { seedContent } from '../store/testing-content.ts';
import { HOUR } from './testdata/fixtures.ts';
import { placements, runGroupTask } from './testdata/seed-articles.ts';

/** The same incident reported twice, 30 hours apart. */
async function seedTwoReports(t: TestApp): Promise<void> {
  const target = { kind: 'sqlite' as const, file: (t.config.database as { file: string }).file };
  await seedContent(target, {
    sources: [
      { id: 'a', name: 'A' },
      { id: 'b', name: 'B' },
    ],
  });
  const now = Date.now();
  const report = (id: string, sourceId: string, at: number) => ({
    id,
    sourceId,
    url: `https://${sourceId}.example.test/${id}`,
    title: 'Ivanti Connect Secure zero-day CVE-2025-0282 exploited in the wild',
    titleZh: 'Ivanti Connect Secure 零日漏洞 CVE-2025-0282 遭在野利用',
    summary: 'Ivanti 披露 Connect Secure 栈溢出漏洞 CVE-2025-0282 已被攻击者利用，建议立即升级。',
    contentText: 'Ivanti warned that CVE-2025-0282, a stack overflow in Connect Secure, is exploited.',
    category: '重大漏洞风险提示',
    cves: ['CVE-2025-0282'],
    publishedAt: at,
    fetchedAt: at,
    enrichState: 'done',
  });
  await seedContent(target, {
    articles: [report('first', 'a', now - 31 * HOUR), report('second', 'b', now - HOUR)],
  });
}

describe('event window configuration', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('with the default 72 h, a report 30 h later joins the same event', async () => {
    t = await createTestApp({ seedSchedules: false });
    await seedTwoReports(t);
    expect((await runGroupTask(t)).status).toBe('succeeded');
    const where = await placements(t);
    expect(where.get('second')).toBe(where.get('first'));
    expect((await t.http.inject({ method: 'GET', url: '/api/events' })).json().windowHours).toBe(72);
  });

  it('with a 24 h window, the later report starts an event of its own', async () => {
    t = await createTestApp({ seedSchedules: false, env: { NEWSDESK_EVENTS_WINDOW_HOURS: '24' } });
    await seedTwoReports(t);
    expect((await runGroupTask(t)).status).toBe('succeeded');
    const where = await placements(t);
    expect(where.get('first')).toBeDefined();
    expect(where.get('second')).toBeDefined();
    expect(where.get('second')).not.toBe(where.get('first'));
    expect((await t.http.inject({ method: 'GET', url: '/api/events' })).json().windowHours).toBe(24);
  });

  it('rejects a window outside 1 hour to 30 days, naming the key', async () => {
    await expect(createTestApp({ env: { NEWSDESK_EVENTS_WINDOW_HOURS: '0' } })).rejects.toThrow(
      /NEWSDESK_EVENTS_WINDOW_HOURS/,
    );
  });
});
