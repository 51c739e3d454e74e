// Worker thread of the crawl's page pool: the article in a page's HTML (Readability over linkedom, or the
// source's selectors). Its own thread code, so that feed crawls never load those libraries.
import { serveThreadPool } from '../thread-worker.ts';
import { extractArticleHtml, type PageExtractOptions } from './extract/extract-article.ts';

interface Request {
  id: number;
  html: string;
  url: string;
  options: PageExtractOptions;
}

serveThreadPool<Request>((req) => extractArticleHtml(req.html, req.url, req.options));
