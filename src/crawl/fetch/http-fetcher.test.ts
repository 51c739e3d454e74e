import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/http-server.ts';
import { FetchError } from './errors.ts';
import { HttpFetcher, type HttpFetcherOptions } from './http-fetcher.ts';

let server: TestServer;
const fetchers: HttpFetcher[] = [];

function fetcher(options: HttpFetcherOptions = {}): HttpFetcher {
  const f = new HttpFetcher({ allowPrivate: ['127.0.0.1/32'], ...options });
  fetchers.push(f);
  return f;
}

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error('expected the fetch to fail');
}

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  await server.close();
});

describe('HttpFetcher: responses and conditional GET', () => {
  it('returns body, validators and headers, and sends the configured User-Agent and per-source headers', async () => {
    server.route('/feed', (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/rss+xml',
        etag: '"v1"',
        'last-modified': 'Tue, 05 Mar 2024 02:20:00 GMT',
        'cache-control': 'max-age=600',
      });
      res.end('<rss/>');
    });
    const f = fetcher({ userAgent: 'newsdesk-test/1.0' });
    const out = await f.fetch(`${server.url}/feed`, { headers: { 'X-Source': 'abc' } });
    expect(out.status).toBe(200);
    expect(Buffer.from(out.bytes).toString()).toBe('<rss/>');
    expect(out.etag).toBe('"v1"');
    expect(out.lastModified).toBe('Tue, 05 Mar 2024 02:20:00 GMT');
    expect(out.maxAgeMs).toBe(600_000);
    expect(out.notModified).toBe(false);
    expect(server.requests[0].headers['user-agent']).toBe('newsdesk-test/1.0');
    expect(server.requests[0].headers['x-source']).toBe('abc');
  });

  it('sends If-None-Match / If-Modified-Since and reports 304 as notModified', async () => {
    server.route('/feed', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"v1"' });
      res.end('body');
    });
    const out = await fetcher().fetch(`${server.url}/feed`, {
      etag: '"v1"',
      lastModified: 'Tue, 05 Mar 2024 02:20:00 GMT',
    });
    expect(out.notModified).toBe(true);
    expect(out.status).toBe(304);
    expect(out.bytes.length).toBe(0);
    expect(out.etag).toBe('"v1"');
    expect(out.lastModified).toBe('Tue, 05 Mar 2024 02:20:00 GMT');
    expect(server.requests[0].headers['if-modified-since']).toBe('Tue, 05 Mar 2024 02:20:00 GMT');
  });

  it('decompresses gzip, deflate (raw and zlib) and brotli', async () => {
    const text = 'héllo '.repeat(1000);
    const variants: Record<string, Buffer> = {
      gzip: zlib.gzipSync(text),
      deflate: zlib.deflateSync(text),
      'deflate-raw': zlib.deflateRawSync(text),
      br: zlib.brotliCompressSync(text),
    };
    for (const [name, body] of Object.entries(variants)) {
      server.route(`/${name}`, (_req, res) => {
        res.writeHead(200, { 'content-encoding': name === 'deflate-raw' ? 'deflate' : name });
        res.end(body);
      });
    }
    const f = fetcher();
    for (const name of Object.keys(variants)) {
      const out = await f.fetch(`${server.url}/${name}`);
      expect(Buffer.from(out.bytes).toString(), name).toBe(text);
    }
  });
});

describe('HttpFetcher: redirects', () => {
  it('follows permanent and temporary redirects and reports each hop', async () => {
    server.route('/a', (_req, res) => {
      res.writeHead(301, { location: '/b' });
      res.end();
    });
    server.route('/b', (_req, res) => {
      res.writeHead(302, { location: `${server.url}/c` });
      res.end();
    });
    server.route('/c', (_req, res) => {
      res.writeHead(308, { location: '/d' });
      res.end();
    });
    server.route('/d', (_req, res) => {
      res.writeHead(307, { location: '/final' });
      res.end();
    });
    server.route('/final', (_req, res) => res.end('ok'));
    const out = await fetcher().fetch(`${server.url}/a`);
    expect(out.finalUrl).toBe(`${server.url}/final`);
    expect(out.redirects.map((r) => [r.status, r.permanent])).toEqual([
      [301, true],
      [302, false],
      [308, true],
      [307, false],
    ]);
    expect(out.redirects[0]).toMatchObject({ from: `${server.url}/a`, to: `${server.url}/b` });
  });

  it('detects loops and caps the chain at 5 hops', async () => {
    server.route('/loop1', (_req, res) => {
      res.writeHead(302, { location: '/loop2' });
      res.end();
    });
    server.route('/loop2', (_req, res) => {
      res.writeHead(302, { location: '/loop1' });
      res.end();
    });
    for (let i = 0; i < 8; i++)
      server.route(`/hop${i}`, (_req, res) => {
        res.writeHead(301, { location: `/hop${i + 1}` });
        res.end();
      });
    const f = fetcher();
    const loop = await failure(f.fetch(`${server.url}/loop1`));
    expect(loop.code).toBe('REDIRECT_LOOP');
    expect(loop.redirects?.length).toBe(2);
    const many = await failure(f.fetch(`${server.url}/hop0`));
    expect(many.code).toBe('TOO_MANY_REDIRECTS');
    expect(server.requests.filter((r) => r.url.startsWith('/hop')).length).toBe(6);
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const other = await startTestServer({ '/x': (_req, res) => res.end('other') });
    try {
      server.route('/away', (_req, res) => {
        res.writeHead(302, { location: `http://localhost:${other.port}/x` });
        res.end();
      });
      const f = fetcher({ allowPrivate: ['127.0.0.1/32', 'localhost'] });
      await f.fetch(`${server.url}/away`, { headers: { Authorization: 'Bearer secret', 'X-Keep': '1' } });
      expect(server.requests[0].headers.authorization).toBe('Bearer secret');
      expect(other.requests[0].headers.authorization).toBeUndefined();
      expect(other.requests[0].headers['x-keep']).toBe('1');
    } finally {
      await other.close();
    }
  });
});

describe('HttpFetcher: errors with stable codes', () => {
  it('reports 429 and 503 with Retry-After in seconds or as an HTTP date', async () => {
    server.route('/busy', (_req, res) => {
      res.writeHead(429, { 'retry-after': '120' });
      res.end();
    });
    server.route('/down', (_req, res) => {
      res.writeHead(503, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() });
      res.end();
    });
    server.route('/gone', (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const f = fetcher();
    const busy = await failure(f.fetch(`${server.url}/busy`));
    expect(busy.code).toBe('UPSTREAM_HTTP_429');
    expect(busy.status).toBe(429);
    expect(busy.retryAfterMs).toBe(120_000);
    const down = await failure(f.fetch(`${server.url}/down`));
    expect(down.code).toBe('UPSTREAM_HTTP_503');
    expect(down.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(down.retryAfterMs).toBeLessThanOrEqual(3_600_000);
    expect((await failure(f.fetch(`${server.url}/gone`))).code).toBe('UPSTREAM_HTTP_404');
  });

  it('times out a server that never answers, and one that stalls mid-body', async () => {
    server.route('/silent', () => {
      /* never responds */
    });
    server.route('/stall', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const f = fetcher({ headersTimeoutMs: 200, bodyTimeoutMs: 200 });
    const t0 = Date.now();
    expect((await failure(f.fetch(`${server.url}/silent`))).code).toBe('UPSTREAM_TIMEOUT');
    expect((await failure(f.fetch(`${server.url}/stall`))).code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('enforces the total timeout across a slow drip', async () => {
    server.route('/drip', (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 20);
      res.on('close', () => clearInterval(timer));
    });
    const err = await failure(fetcher({ totalTimeoutMs: 300 }).fetch(`${server.url}/drip`));
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('refuses bodies over the limit by Content-Length and while streaming', async () => {
    server.route('/declared', (_req, res) => {
      res.writeHead(200, { 'content-length': String(20 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    server.route('/chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 97);
      let sent = 0;
      const push = () => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', push);
        }
        res.end();
      };
      push();
    });
    const f = fetcher({ maxBodyBytes: 1024 * 1024 });
    expect((await failure(f.fetch(`${server.url}/declared`))).code).toBe('TOO_LARGE');
    expect((await failure(f.fetch(`${server.url}/chunked`))).code).toBe('TOO_LARGE');
  });

  it('refuses a gzip bomb over the default 15 MB limit after decompression', async () => {
    const body = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024), { level: 9 });
    expect(body.length).toBeLessThan(100 * 1024);
    server.route('/bomb', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(body.length) });
      res.end(body);
    });
    const err = await failure(fetcher().fetch(`${server.url}/bomb`));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/decompressed body exceeds 15728640/);
  });

  it('refuses deflate and brotli bombs too', async () => {
    const plain = Buffer.alloc(4 * 1024 * 1024);
    const bombs: Record<string, Buffer> = {
      deflate: zlib.deflateSync(plain, { level: 9 }),
      br: zlib.brotliCompressSync(plain, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
    };
    for (const [enc, body] of Object.entries(bombs)) {
      expect(body.length).toBeLessThan(64 * 1024);
      server.route(`/bomb-${enc}`, (_req, res) => {
        res.writeHead(200, { 'content-encoding': enc, 'content-length': String(body.length) });
        res.end(body);
      });
    }
    const f = fetcher({ maxBodyBytes: 1024 * 1024 });
    for (const enc of Object.keys(bombs)) {
      const err = await failure(f.fetch(`${server.url}/bomb-${enc}`));
      expect(err.code, enc).toBe('TOO_LARGE');
      expect(err.message).toMatch(/decompressed/);
    }
  });

  it('maps refused connections and DNS failures', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect((await failure(fetcher().fetch(`http://127.0.0.1:${port}/`))).code).toBe('CONNECTION');
    const dnsFail = fetcher({
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    expect((await failure(dnsFail.fetch('http://no-such-host.invalid/feed'))).code).toBe('DNS');
  });

  it('stops with ABORTED when the caller cancels', async () => {
    server.route('/slow', (_req, res) => {
      setTimeout(() => res.end('late'), 2_000).unref();
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await failure(fetcher().fetch(`${server.url}/slow`, { signal: ac.signal }));
    expect(err.code).toBe('ABORTED');
  });

  it('rejects an invalid certificate with TLS (verification stays on)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          path.join(dir, 'k.pem'),
          '-out',
          path.join(dir, 'c.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const tlsServer = https.createServer(
        { key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) },
        (_req, res) => res.end('secret'),
      );
      await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
      try {
        const port = (tlsServer.address() as net.AddressInfo).port;
        expect((await failure(fetcher().fetch(`https://127.0.0.1:${port}/`))).code).toBe('TLS');
      } finally {
        tlsServer.closeAllConnections();
        await new Promise<void>((r) => tlsServer.close(() => r()));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HttpFetcher: SSRF guard', () => {
  it('refuses loopback, private, link-local, CGNAT, metadata and unique-local addresses by default', async () => {
    server.route('/x', (_req, res) => res.end('x'));
    const f = new HttpFetcher();
    fetchers.push(f);
    for (const url of [
      `${server.url}/x`,
      `http://localhost:${server.port}/x`,
      'http://10.1.2.3/',
      'http://172.20.0.1/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[fd00:ec2::254]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      expect((await failure(f.fetch(url))).code, url).toBe('SSRF_BLOCKED');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a public-looking name that resolves to a private address, unless allowed', async () => {
    const resolve = async (host: string) =>
      host === 'intranet.example' ? [{ address: '10.0.0.7', family: 4 as const }] : [];
    const blocked = fetcher({ resolve, allowPrivate: [] });
    expect((await failure(blocked.fetch('http://intranet.example/feed'))).code).toBe('SSRF_BLOCKED');
    // Allowed by name: the request proceeds to the connection (which this test points at the local server).
    server.route('/feed', (_req, res) => res.end('internal feed'));
    const allowed = fetcher({
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      allowPrivate: ['intranet.example'],
    });
    const out = await allowed.fetch(`http://intranet.example:${server.port}/feed`);
    expect(Buffer.from(out.bytes).toString()).toBe('internal feed');
  });

  it('checks every redirect hop', async () => {
    server.route('/to-metadata', (_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    const err = await failure(fetcher().fetch(`${server.url}/to-metadata`));
    expect(err.code).toBe('SSRF_BLOCKED');
    expect(err.redirects?.[0]?.to).toBe('http://169.254.169.254/latest/meta-data/');
  });

  it('re-checks addresses at connect time (a name that changes its answer is still refused)', async () => {
    let calls = 0;
    const f = fetcher({
      allowPrivate: [],
      resolve: async () =>
        calls++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }],
    });
    const err = await failure(f.fetch(`http://rebind.example:${server.port}/`));
    expect(err.code).toBe('SSRF_BLOCKED');
    expect(server.requests).toHaveLength(0);
  });
});

describe('HttpFetcher: politeness', () => {
  it('keeps at most N requests in flight per host and spaces request starts', async () => {
    let active = 0;
    let peak = 0;
    server.route('/slow', (_req, res) => {
      active++;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active--;
        res.end('ok');
      }, 100);
    });
    const f = fetcher({ maxConcurrentPerHost: 2 });
    await Promise.all(Array.from({ length: 6 }, () => f.fetch(`${server.url}/slow`)));
    expect(peak).toBe(2);

    server.requests.length = 0;
    const spaced = fetcher({ maxConcurrentPerHost: 4, minDelayPerHostMs: 150 });
    server.route('/fast', (_req, res) => res.end('ok'));
    await Promise.all(Array.from({ length: 3 }, () => spaced.fetch(`${server.url}/fast`)));
    const starts = server.requests.map((r) => r.at).sort((a, b) => a - b);
    // Arrival times jitter on a busy machine; the spread of three starts cannot be shorter than two gaps.
    expect(starts[2] - starts[0]).toBeGreaterThanOrEqual(250);
  });

  it('honours robots.txt for page fetches only, and caches it per host', async () => {
    server.route('/robots.txt', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('User-agent: newsdesk\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n');
    });
    server.route('/private/page', (_req, res) => res.end('secret'));
    server.route('/public/page', (_req, res) => res.end('public'));
    const f = fetcher({ userAgent: 'newsdesk/0.1' });
    expect((await failure(f.fetch(`${server.url}/private/page`, { checkRobots: true }))).code).toBe('ROBOTS');
    expect(
      Buffer.from((await f.fetch(`${server.url}/public/page`, { checkRobots: true })).bytes).toString(),
    ).toBe('public');
    // Feeds are fetched regardless of robots.txt.
    expect(Buffer.from((await f.fetch(`${server.url}/private/page`)).bytes).toString()).toBe('secret');
    expect(server.requests.filter((r) => r.url === '/robots.txt')).toHaveLength(1);
    // Another agent token falls under "User-agent: *".
    const other = fetcher({ userAgent: 'otherbot/2.0' });
    expect((await failure(other.fetch(`${server.url}/public/page`, { checkRobots: true }))).code).toBe(
      'ROBOTS',
    );
  });

  it('treats a missing robots.txt as allow-all', async () => {
    server.route('/page', (_req, res) => res.end('page'));
    const out = await fetcher().fetch(`${server.url}/page`, { checkRobots: true });
    expect(Buffer.from(out.bytes).toString()).toBe('page');
  });
});

describe('HttpFetcher: proxies', () => {
  it('sends requests through a per-request or global HTTP proxy', async () => {
    const tunnels: string[] = [];
    const sockets = new Set<net.Socket>();
    const http = await import('node:http');
    const proxyServer = http.createServer((_req, res) => {
      res.writeHead(400);
      res.end();
    });
    proxyServer.on('connect', (req, clientSocket, head) => {
      tunnels.push(req.url ?? '');
      sockets.add(clientSocket as net.Socket);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxyServer.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxyServer.address() as net.AddressInfo).port}`;
    try {
      server.route('/via', (_req, res) => res.end('proxied'));
      const perRequest = fetcher();
      expect(
        Buffer.from((await perRequest.fetch(`${server.url}/via`, { proxy: proxyUrl })).bytes).toString(),
      ).toBe('proxied');
      const global = fetcher({ proxy: proxyUrl });
      await global.fetch(`${server.url}/via`);
      expect(tunnels).toEqual([`127.0.0.1:${server.port}`, `127.0.0.1:${server.port}`]);
      // The SSRF guard still applies to the target behind a proxy.
      expect(
        (await failure(fetcher({ proxy: proxyUrl, allowPrivate: [] }).fetch('http://10.0.0.1/'))).code,
      ).toBe('SSRF_BLOCKED');
    } finally {
      for (const s of sockets) s.destroy();
      proxyServer.closeAllConnections();
      await new Promise<void>((r) => proxyServer.close(() => r()));
    }
  });
});
