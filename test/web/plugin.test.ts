// The dashboard's server side without a browser: shell, hashed assets, security headers, config view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { jsonForScript } from '../../src/web/shell.ts';

const TOKEN = 'secret-token-abcdef0123456789';

describe('dashboard plugin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      start: false,
      env: { NEWSDESK_API_TOKEN: TOKEN, NEWSDESK_DATABASE_URL: '' },
    });
  });
  afterAll(() => t.close());
  const get = (url: string) => t.http.inject({ method: 'GET', url });

  it('answers every dashboard path with the shell and inlined boot data', async () => {
    for (const url of ['/ui/', '/ui/news', '/ui/executions/abc', '/ui/anything/deep']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'.*object-src 'none'/);
    }
    const body = (await get('/ui/')).body;
    const boot = JSON.parse(/<script type="application\/json" id="boot">(.*?)<\/script>/s.exec(body)![1]);
    expect(boot).toMatchObject({ prefix: '/ui', timezone: 'Asia/Shanghai', authRequired: true });
    expect(boot.categories[0].name).toBe('金融业网络安全事件');
    expect(body).not.toContain(TOKEN);
    expect((await get('/ui')).headers.location).toBe('/ui/');
  });

  it('serves the bundle and stylesheet under content hashes, cacheable for good', async () => {
    const body = (await get('/ui/')).body;
    const js = /src="(\/ui\/assets\/app\.[A-Z0-9]+\.js)"/.exec(body)![1];
    const css = /href="(\/ui\/assets\/app\.[0-9a-f]{12}\.css)"/.exec(body)![1];
    const script = await get(js);
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.body.length).toBeGreaterThan(10_000);
    // No request leaves for a CDN: the bundle names no foreign origin to load code from.
    expect(script.body).not.toMatch(/import\s*\(?\s*["']https?:/);
    expect((await get(css)).headers['content-type']).toContain('text/css');
    // Rarely used code (the Markdown renderer) is a chunk of its own, served the same way.
    const chunk = /"\.\/(chunk\.[A-Z0-9]+\.js)"/.exec(script.body)?.[1];
    expect(chunk).toBeDefined();
    expect((await get(`/ui/assets/${chunk}`)).statusCode).toBe(200);
    // Compressed for clients that accept it.
    const zipped = await t.http.inject({
      method: 'GET',
      url: js,
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(script.rawPayload.length / 2);
    expect((await get(`${js}.map`)).statusCode).toBe(200);
    expect((await get('/ui/assets/app.0123ABCD.js')).statusCode).toBe(404);
    expect((await get('/ui/assets/../../package.json')).statusCode).toBe(404);
    expect((await get('/ui/assets/favicon.svg')).headers['content-type']).toContain('image/svg+xml');
  });

  it('shows the configuration with secrets masked', async () => {
    const res = await get('/ui/config.json');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(TOKEN);
    expect(res.body).not.toContain(TOKEN.slice(-4));
    const items = res.json().items as { key: string; value: string; secret: boolean; doc: string }[];
    const token = items.find((i) => i.key === 'NEWSDESK_API_TOKEN')!;
    expect(token).toMatchObject({ value: '****', secret: true });
    expect(items.find((i) => i.key === 'NEWSDESK_TIMEZONE')).toMatchObject({
      value: 'Asia/Shanghai',
      secret: false,
    });
    expect(items.every((i) => i.doc.length > 0)).toBe(true);
  });

  it('keeps the dashboard routes out of the OpenAPI document', async () => {
    const doc = (await get('/openapi.json')).json();
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/ui'))).toBe(false);
  });

  it('inlines JSON that cannot close its script element', () => {
    const out = jsonForScript({ title: '</script><script>alert(1)</script>', s: '\u2028' });
    expect(out).not.toContain('</script>');
    expect(out).not.toContain('<');
    expect(JSON.parse(out)).toEqual({ title: '</script><script>alert(1)</script>', s: '\u2028' });
  });
});
