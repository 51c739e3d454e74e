// `npm start` runs the esbuild bundle of src/ with plain node: it must serve what the TypeScript entry
// serves, including the files it reads from src/ at run time (dashboard client and assets, thread code).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../src/crawl/test-support/http-server.ts';
import { waitFor } from '../helpers/app.ts';
import { api, ensureDead, spawnCli, type ServiceProcess } from '../helpers/service.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The node options of the `start` script (heap tuning): the service here runs with exactly those. */
function startNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  expect(words[0]).toBe('node');
  return words.slice(1).filter((w) => w.startsWith('--'));
}

describe('the built server (npm start)', { timeout: 90_000 }, () => {
  const outDir = path.join(ROOT, 'dist', `test-build-${process.pid}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-built-'));
  let service: ServiceProcess | undefined;
  let base = '';
  let crawled: any;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), `--outdir=${outDir}`], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    service = spawnCli(
      ['serve'],
      {
        NEWSDESK_DATA_DIR: dataDir,
        NEWSDESK_SCHEDULER: 'false',
        NEWSDESK_CRAWL_ALLOW_PRIVATE: '127.0.0.1',
        NEWSDESK_CRAWL_PARSE_THREADS: '1',
      },
      [...startNodeFlags(), path.join(outDir, 'newsdesk.mjs')],
    );
    base = await service.address;
  }, 90_000);

  afterAll(async () => {
    ensureDead(service);
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the API and the dashboard with its assets', async () => {
    expect((await api(base, 'GET', '/health')).status).toBe(200);
    const shell = await fetch(`${base}/ui/`).then((r) => r.text());
    const assets = [...shell.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const a of assets) expect((await fetch(`${base}${a}`)).status, a).toBe(200);
  });

  it('crawls a feed through its parser thread', async () => {
    const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
      <item><title>One</title><link>http://127.0.0.1/a</link><description>Body one</description></item>
      <item><title>Two</title><link>http://127.0.0.1/b</link><description>Body two</description></item>
      </channel></rss>`;
    const server = await startTestServer({
      '/feed.xml': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(rss);
      },
    });
    try {
      const source = await api(base, 'POST', '/api/sources', {
        name: 'built',
        url: `${server.url}/feed.xml`,
        maxFetchDays: 0,
      });
      expect(source.status).toBe(201);
      const run = await api(base, 'POST', '/api/tasks/crawl.sources/run', { payload: {} });
      const id: string = run.body.executionId;
      await waitFor(
        async () => (await api(base, 'GET', `/api/executions/${id}`)).body.status === 'succeeded',
        30_000,
      );
      const done = await api(base, 'GET', `/api/executions/${id}`);
      expect(done.body.result).toMatchObject({ succeeded: 1, articlesNew: 2 });
      // Parsed on the thread, not by the inline fallback a missing worker file would cause.
      expect(service!.logs.filter((l) => String(l.msg).includes('parser threads could not start'))).toEqual(
        [],
      );
      crawled = done.body.result;
    } finally {
      await server.close();
    }
  });

  it('groups the crawled articles with fingerprints from its thread', async () => {
    const enrichId: string = crawled?.enrich?.executionId;
    expect(enrichId).toBeTruthy();
    await waitFor(
      async () => (await api(base, 'GET', `/api/executions/${enrichId}`)).body.status === 'succeeded',
      30_000,
    );
    const run = await api(base, 'POST', '/api/tasks/events.group/run', { payload: {} });
    const id: string = run.body.executionId;
    await waitFor(
      async () => (await api(base, 'GET', `/api/executions/${id}`)).body.finishedAt != null,
      30_000,
    );
    const done = await api(base, 'GET', `/api/executions/${id}`);
    expect(done.body.status).toBe('succeeded');
    expect(done.body.result).toMatchObject({ articles: 2 });
    expect(
      service!.logs.filter((l) => String(l.msg).includes('fingerprint threads could not start')),
    ).toEqual([]);
  });

  it("extracts an entry's article page through its page thread", async () => {
    const story = Array.from(
      { length: 6 },
      (_, i) =>
        `<p>Paragraph ${i + 1} of the full story about the harbour bridge repairs and their cost.</p>`,
    ).join('');
    const server = await startTestServer({
      '/full.xml': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
          <item><title>Bridge</title><link>${server.url}/story</link><description>Short.</description></item>
          </channel></rss>`);
      },
      '/story': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<html><head><title>Bridge</title></head><body><nav>Home</nav><article>${story}</article></body></html>`,
        );
      },
    });
    try {
      const source = await api(base, 'POST', '/api/sources', {
        name: 'full text',
        url: `${server.url}/full.xml`,
        maxFetchDays: 0,
        fullText: true,
      });
      const run = await api(base, 'POST', `/api/sources/${source.body.id}/crawl`);
      const id: string = run.body.executionId;
      await waitFor(
        async () => (await api(base, 'GET', `/api/executions/${id}`)).body.finishedAt != null,
        30_000,
      );
      const list = await api(base, 'GET', `/api/articles?sourceId=${source.body.id}`);
      const article = await api(base, 'GET', `/api/articles/${list.body.items[0].id}`);
      expect(article.body.contentText).toContain('Paragraph 6 of the full story');
      // Extracted on the page thread, not by the inline fallback a missing worker file would cause.
      expect(service!.logs.filter((l) => String(l.msg).includes('threads could not start'))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
