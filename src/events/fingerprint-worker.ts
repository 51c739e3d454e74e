// Worker thread of the fingerprint pool: fingerprints a chunk of articles and says how long it took. The
// chunk's arrays go back in one moved buffer (fingerprint-transfer.ts).
import { serveThreadPool, Transferred } from '../thread-worker.ts';
import { fingerprintArticle, type FingerprintInput, type FingerprintOptions } from './fingerprint.ts';
import { packFingerprints } from './fingerprint-transfer.ts';

interface Request {
  id: number;
  articles: FingerprintInput[];
  options: FingerprintOptions;
}

serveThreadPool<Request>(({ articles, options }) => {
  const t0 = performance.now();
  const { packed, transfer } = packFingerprints(articles.map((a) => fingerprintArticle(a, options)));
  return new Transferred({ packed, ms: performance.now() - t0 }, transfer);
});
