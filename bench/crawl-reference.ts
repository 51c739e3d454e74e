// The yardstick the crawl target was set against: "a reasonable concurrent p-limit + rss-parser +
// better-sqlite3 crawler". Every source at once under a p-limit, each body read as UTF-8 text (what
// rss-parser's users do), parsed by rss-parser, its items inserted in one transaction per source.
// rss-parser reads no JSON Feed and no legacy charsets: such sources count as failed or keep mojibake;
// the point is its time on the same feeds, measured in the same run as the service.
import path from 'node:path';
import pLimit from 'p-limit';
import RssParser from 'rss-parser';
import { Agent, request } from 'undici';
import { openBaselineArticles } from './baseline-articles-db.ts';

export interface ReferenceRun {
  wallS: number;
  cpuS: number;
  articles: number;
  failed: number;
}

export async function referenceCrawl(
  urls: string[],
  dir: string,
  concurrency: number,
): Promise<ReferenceRun> {
  const table = openBaselineArticles(path.join(dir, 'reference.db'));
  const parser = new RssParser();
  const agent = new Agent({ connections: 2 });
  const limit = pLimit(concurrency);
  let articles = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    urls.map((url, k) =>
      limit(async () => {
        try {
          const res = await request(url, { dispatcher: agent });
          const feed = await parser.parseString(await res.body.text());
          articles += table.insertSource(
            k,
            feed.items.map((item, i) => ({
              url: item.link ?? item.guid ?? `${url}#${i}`,
              guid: item.guid ?? null,
              title: item.title ?? '',
              content: item.content ?? item.contentSnippet ?? '',
              published: item.isoDate ?? null,
            })),
          );
        } catch {
          failed++;
        }
      }),
    ),
  );
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await agent.close();
  table.close();
  return { wallS, cpuS: (cpu.user + cpu.system) / 1e6, articles, failed };
}
