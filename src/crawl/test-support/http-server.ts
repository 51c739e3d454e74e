// A throwaway HTTP server on 127.0.0.1 for tests: routes are plain handlers, requests are recorded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export interface TestServer {
  url: string;
  port: number;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; at: number }[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startTestServer(routes: Record<string, Handler> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: TestServer['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, at: Date.now() });
    const path = (req.url ?? '/').split('?')[0];
    const handler = table.get(req.url ?? '/') ?? table.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch((err) => {
      res.destroy(err as Error);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Outlive the client's keep-alive: on a busy machine the server closing first resets reused sockets.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route: (path, handler) => table.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Encodes text in a legacy encoding by inverting Node's decoder (tests only; built lazily per encoding). */
const tables = new Map<string, Map<string, number[]>>();

function tableFor(encoding: string): Map<string, number[]> {
  let t = tables.get(encoding);
  if (t) return t;
  t = new Map();
  const dec = new TextDecoder(encoding, { fatal: true });
  const put = (bytes: number[]) => {
    try {
      const s = dec.decode(new Uint8Array(bytes));
      if (s.length >= 1 && s.length <= 2 && !t!.has(s)) t!.set(s, bytes);
    } catch {
      /* not a valid sequence */
    }
  };
  for (let b = 0; b < 256; b++) put([b]);
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) put([lead, trail]);
  tables.set(encoding, t);
  return t;
}

export function encodeLegacy(text: string, encoding: string): Buffer {
  const t = tableFor(encoding);
  const out: number[] = [];
  for (const ch of text) {
    const bytes = t.get(ch);
    if (!bytes) throw new Error(`cannot encode ${JSON.stringify(ch)} in ${encoding}`);
    out.push(...bytes);
  }
  return Buffer.from(out);
}
