// Worker thread of the fingerprint pool: fingerprints a chunk of articles and says how long it took.
import { serveThreadPool } from '../thread-worker.ts';
import { fingerprintArticle, type FingerprintInput, type FingerprintOptions } from './fingerprint.ts';

interface Request {
  id: number;
  articles: FingerprintInput[];
  options: FingerprintOptions;
}

serveThreadPool<Request>(({ articles, options }) => {
  const t0 = performance.now();
  const fingerprints = articles.map((a) => fingerprintArticle(a, options));
  return { fingerprints, ms: performance.now() - t0 };
});
