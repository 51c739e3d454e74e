// The feed server of bench:crawl, run as a child process so its CPU is not the crawler's: N sources over
// P ports on 127.0.0.1, each source one corpus feed (original bytes and encoding) in its per-source copy
// (crawl-corpus.ts). Answers after a fixed latency, with an ETag and 304 for If-None-Match. Talks to its
// parent over IPC.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { feedContentType, perSourceCopy } from './crawl-corpus.ts';

export interface FeedServerConfig {
  sources: number;
  ports: number;
  latencyMs: number;
  /** Corpus files (relative to the feeds folder) to build from. */
  files: string[];
  corpus: string;
}

export interface FeedServerReady {
  type: 'ready';
  /** url of source i = urls[i] */
  urls: string[];
  /** corpus file of source i */
  files: string[];
  bytes: number;
}

async function main(cfg: FeedServerConfig): Promise<void> {
  const raw = cfg.files.map((f) => readFileSync(path.join(cfg.corpus, f)));
  const bodies: { body: Buffer; etag: string; type: string }[] = [];
  const files: string[] = [];
  let total = 0;
  for (let k = 0; k < cfg.sources; k++) {
    const j = k % raw.length;
    const body = perSourceCopy(raw[j], k);
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    bodies.push({ body, etag, type: feedContentType(cfg.files[j]) });
    files.push(cfg.files[j]);
    total += body.length;
  }
  const servers: http.Server[] = [];
  const handler: http.RequestListener = (req, res) => {
    const m = /^\/feed\/(\d+)$/.exec(req.url ?? '');
    const entry = m ? bodies[Number(m[1])] : undefined;
    setTimeout(() => {
      if (!entry) {
        res.writeHead(404);
        res.end();
        return;
      }
      if (req.headers['if-none-match'] === entry.etag) {
        res.writeHead(304, { etag: entry.etag });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': entry.type,
        etag: entry.etag,
        'content-length': entry.body.length,
      });
      res.end(entry.body);
    }, cfg.latencyMs);
  };
  const ports: number[] = [];
  for (let p = 0; p < cfg.ports; p++) {
    const server = http.createServer({ keepAliveTimeout: 10_000 }, handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as AddressInfo).port);
  }
  const urls = bodies.map((_, k) => `http://127.0.0.1:${ports[k % ports.length]}/feed/${k}`);
  process.send!({ type: 'ready', urls, files, bytes: total } satisfies FeedServerReady);
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage() });
    if (msg.type === 'stop') {
      for (const s of servers) s.closeAllConnections();
      Promise.all(servers.map((s) => new Promise((r) => s.close(r)))).then(() => process.exit(0));
    }
  });
}

process.once('message', (msg: { type: string; config: FeedServerConfig }) => {
  if (msg.type === 'start') void main(msg.config);
});
