// The feed parser threads: jobs run there once they are up, errors keep their code, close ends them.
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/helpers/app.ts';
import { isFetchError } from './fetch/errors.ts';
import { extractArticleHtml } from './extract/extract-article.ts';
import { inlineCrawlParser, WorkerCrawlParser } from './parse-pool.ts';

const rss = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>http://a.example/1?utm_source=x</link><pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate>
<description><![CDATA[<p onclick="x()">Body <script>bad()</script>one</p>]]></description></item>
<item><title>Old</title><link>http://a.example/2</link><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
</channel></rss>`;

/** The sample feed with every entry counted as recent. */
const everyEntryJob = () => ({
  bytes: new TextEncoder().encode(rss),
  finalUrl: 'http://a.example/feed',
  timeZone: 'UTC',
  maxFetchDays: 0,
  now: Date.UTC(2024, 2, 5),
});

describe('WorkerCrawlParser', () => {
  const pool = new WorkerCrawlParser({ threads: 2 });
  afterAll(() => pool.close());

  it('parses and builds on worker threads with the same results as inline', async () => {
    await pool.warmUp();
    await waitFor(() => pool.readyThreads === 2, 30_000, 20);
    const handle = await pool.parse({
      bytes: new TextEncoder().encode(rss),
      contentType: 'application/rss+xml',
      finalUrl: 'http://a.example/feed',
      timeZone: 'UTC',
      maxFetchDays: 3,
      now: Date.UTC(2024, 2, 5),
    });
    expect(handle.summary).toMatchObject({ format: 'rss', title: 'T', total: 2 });
    expect(handle.summary.recent.map((r) => r.canonicalUrl)).toEqual(['http://a.example/1']);
    const options = {
      sourceUrl: 'http://a.example/feed',
      useDescriptionAsSummary: false,
      fullText: false,
      fullTextMinChars: 0,
    };
    const [article] = await handle.build([0], options);
    expect(article).toMatchObject({ title: 'One', contentText: 'Body one', contentHtml: '<p>Body one</p>' });
    await expect(handle.build([0], options)).rejects.toThrow(/already built/);
    expect(pool.counts).toEqual({ threaded: 1, inline: 0 });
  }, 90_000);

  it('extracts articles from page HTML on a thread, as inline, and keeps the code of a refusal', async () => {
    const paragraphs = Array.from(
      { length: 6 },
      (_, i) =>
        `<p>Paragraph ${i + 1}: the council voted to expand the bus network with three new routes.</p>`,
    ).join('');
    const html = `<html><head><title>Buses</title></head><body><nav>Home</nav><article>${paragraphs}</article></body></html>`;
    const before = pool.counts.threaded;
    const options = { defaultTimeZone: 'UTC' };
    const threaded = await pool.extractPage(html, 'http://a.example/buses', options);
    expect(pool.counts.threaded).toBe(before + 1);
    expect(threaded?.text).toContain('Paragraph 6');
    expect(threaded).toEqual(extractArticleHtml(html, 'http://a.example/buses', options));
    expect(await inlineCrawlParser.extractPage(html, 'http://a.example/buses', options)).toEqual(threaded);
    const hostile = `<html><body>${'<div>'.repeat(5000)}x</body></html>`;
    const err = await pool.extractPage(hostile, 'http://a.example/deep', options).catch((e: unknown) => e);
    expect(isFetchError(err) && err.code).toBe('PARSE');
  });

  it('hands back a parse failure as FetchError PARSE', async () => {
    const err = await pool
      .parse({
        bytes: new TextEncoder().encode('<html><body>not a feed</body></html>'),
        finalUrl: 'http://a.example/x',
        timeZone: 'UTC',
        maxFetchDays: 3,
        now: Date.now(),
      })
      .catch((e: unknown) => e);
    expect(isFetchError(err) && err.code).toBe('PARSE');
  });

  it('shares one start-up among many jobs that arrive before the threads are ready', async () => {
    const cold = new WorkerCrawlParser({ threads: 1 });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const job = everyEntryJob();
      const handles = await Promise.all(Array.from({ length: 30 }, () => cold.parse(job)));
      for (const h of handles) h.release();
      expect(handles.every((h) => h.summary.total === 2)).toBe(true);
      expect(cold.counts).toEqual({ threaded: 30, inline: 0 });
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await cold.close();
    }
  }, 90_000);

  it('fails the build of a feed whose thread died, and parses the next one on a new thread', async () => {
    const pool2 = new WorkerCrawlParser({ threads: 1 });
    try {
      const job = everyEntryJob();
      const handle = await pool2.parse(job);
      await pool2.threads[0].terminate();
      const options = {
        sourceUrl: 'http://a.example/feed',
        useDescriptionAsSummary: false,
        fullText: false,
        fullTextMinChars: 0,
      };
      await expect(handle.build([0], options)).rejects.toThrow(/exited/);
      const again = await pool2.parse(job);
      expect(await again.build([0], options)).toHaveLength(1);
      expect(pool2.counts.inline).toBe(0);
    } finally {
      await pool2.close();
    }
  }, 90_000);

  it('refuses work once closed', async () => {
    await pool.close();
    await expect(
      pool.parse({
        bytes: new Uint8Array(),
        finalUrl: 'http://a/',
        timeZone: 'UTC',
        maxFetchDays: 3,
        now: 0,
      }),
    ).rejects.toThrow(/closed/);
  });
});
