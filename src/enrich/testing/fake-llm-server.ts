// An OpenAI-compatible chat-completions server on 127.0.0.1 for tests and benchmarks, with scripted
// behaviours: JSON answers, malformed or truncated JSON, 429 with Retry-After, 5xx, 401, slow answers,
// usage fields (cached and reasoning tokens) and a fixed latency. One-shot behaviours queued with push()
// are used first, in order; then the default responder answers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
}

export interface FakeLlmRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string };
    max_tokens?: number;
    max_completion_tokens?: number;
    [k: string]: unknown;
  };
  receivedAt: number;
}

export type FakeBehaviour =
  /** 200 with this message content (objects are JSON-encoded). */
  | {
      kind: 'reply';
      content: unknown;
      usage?: Partial<FakeUsage> | null;
      finishReason?: string;
      model?: string;
    }
  /** Any status with a JSON error body (OpenAI shape) and headers. */
  | { kind: 'error'; status: number; message?: string; code?: string; headers?: Record<string, string> }
  /** Raw HTTP response, e.g. a proxy's HTML page. */
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
  /** Wait, then behave as `then`. */
  | { kind: 'delay'; ms: number; then: FakeBehaviour };

export type FakeResponder = (req: FakeLlmRequest) => FakeBehaviour | Promise<FakeBehaviour>;

export interface FakeLlmServerOptions {
  /** Added before every answer. */
  latencyMs?: number;
  /** Default answer when nothing is queued. Defaults to autoResponder(). */
  respond?: FakeBehaviour | FakeResponder;
  /** When set, requests without "Authorization: Bearer <apiKey>" get 401. */
  apiKey?: string;
}

export interface FakeLlmServer {
  /** Base URL for the OpenAI SDK, ending in /v1. */
  readonly baseURL: string;
  readonly requests: FakeLlmRequest[];
  /** Queue one-shot behaviours, used by the next requests in order. */
  push(...behaviours: FakeBehaviour[]): void;
  respondWith(respond: FakeBehaviour | FakeResponder): void;
  setLatency(ms: number): void;
  /** Forget queued behaviours and recorded requests; back to the default responder and no latency. */
  reset(): void;
  /** Requests being answered right now, and the most seen at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Shorthands for behaviours. */
export const fake = {
  json: (value: unknown, opts: { usage?: Partial<FakeUsage>; model?: string } = {}): FakeBehaviour => ({
    kind: 'reply',
    content: value,
    ...opts,
  }),
  text: (content: string, finishReason = 'stop'): FakeBehaviour => ({ kind: 'reply', content, finishReason }),
  /** Valid JSON cut in half, as a model stopped by max_tokens produces it. */
  truncated: (value: unknown): FakeBehaviour => {
    const s = JSON.stringify(value);
    return { kind: 'reply', content: s.slice(0, Math.floor(s.length / 2)), finishReason: 'length' };
  },
  malformed: (): FakeBehaviour => ({
    kind: 'reply',
    content: "Sure! Here is the JSON: {summary: 'missing quotes', category: }",
  }),
  noUsage: (value: unknown): FakeBehaviour => ({ kind: 'reply', content: value, usage: null }),
  rateLimited: (retry: { seconds?: number; ms?: number } = {}): FakeBehaviour => ({
    kind: 'error',
    status: 429,
    message: 'Rate limit reached',
    code: 'rate_limit_exceeded',
    headers: {
      ...(retry.seconds != null ? { 'retry-after': String(retry.seconds) } : {}),
      ...(retry.ms != null ? { 'retry-after-ms': String(retry.ms) } : {}),
    },
  }),
  quotaExhausted: (): FakeBehaviour => ({
    kind: 'error',
    status: 429,
    message: 'You exceeded your current quota',
    code: 'insufficient_quota',
  }),
  serverError: (status = 500): FakeBehaviour => ({ kind: 'error', status, message: 'internal error' }),
  unauthorized: (): FakeBehaviour => ({ kind: 'error', status: 401, message: 'Incorrect API key provided' }),
  modelNotFound: (): FakeBehaviour => ({
    kind: 'error',
    status: 404,
    message: 'The model does not exist',
    code: 'model_not_found',
  }),
  slow: (ms: number, then: FakeBehaviour): FakeBehaviour => ({ kind: 'delay', ms, then }),
};

/**
 * Answers every step with one object that satisfies all of them (zod drops the keys a step does not ask
 * for): a Chinese title and summary, a category, an importance, and entities.
 */
export function autoResponder(opts: { category?: string; usage?: Partial<FakeUsage> } = {}): FakeResponder {
  return (req) => {
    const prompt = req.body.messages?.map((m) => m.content).join('\n') ?? '';
    const cve = /CVE-\d{4}-\d{4,7}/i.exec(prompt)?.[0];
    return {
      kind: 'reply',
      usage: opts.usage,
      content: {
        title: '某公司披露重大网络安全事件',
        text: '这是正文的中文译文。',
        summary:
          '据报道，攻击者利用已知漏洞入侵了目标系统并窃取了部分数据。事件影响多家机构的业务运行。建议相关单位尽快安装补丁、排查异常登录并加强监测。',
        category: opts.category ?? '其他',
        importance: 0.4,
        entities: {
          attackers: ['未知攻击者'],
          victims: ['某公司'],
          loss: null,
          cves: cve ? [cve] : [],
          vulnerabilities: [],
          products: [],
          vendors: [],
        },
        attackers: ['未知攻击者'],
        victims: ['某公司'],
        loss: null,
        cves: cve ? [cve] : [],
        vulnerabilities: [],
        products: [],
        vendors: [],
      },
    };
  };
}

function estimateTokens(s: string): number {
  const cjk = s.match(/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g)?.length ?? 0;
  return Math.ceil(cjk + (s.length - cjk) / 4);
}

export async function startFakeLlmServer(opts: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const queue: FakeBehaviour[] = [];
  const requests: FakeLlmRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let respond: FakeBehaviour | FakeResponder = opts.respond ?? autoResponder();
  let latencyMs = opts.latencyMs ?? 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let closed = false;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

  const perform = async (req: FakeLlmRequest, res: ServerResponse, b: FakeBehaviour): Promise<void> => {
    if (b.kind === 'delay') {
      await wait(b.ms);
      return perform(req, res, b.then);
    }
    if (b.kind === 'raw') return send(res, b.status, b.body, { 'content-type': 'text/html', ...b.headers });
    if (b.kind === 'error') {
      const body = {
        error: { message: b.message ?? `HTTP ${b.status}`, type: 'fake_error', code: b.code ?? null },
      };
      return send(res, b.status, JSON.stringify(body), b.headers);
    }
    const content = typeof b.content === 'string' ? b.content : JSON.stringify(b.content);
    const prompt = req.body.messages?.map((m) => m.content).join('\n') ?? '';
    const u: FakeUsage = {
      prompt_tokens: estimateTokens(prompt) + 8,
      completion_tokens: estimateTokens(content),
      cached_tokens: 0,
      reasoning_tokens: 0,
      ...(b.usage ?? {}),
    };
    const payload = {
      id: `chatcmpl-fake-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: b.model ?? req.body.model ?? 'fake-model',
      choices: [
        { index: 0, message: { role: 'assistant', content }, finish_reason: b.finishReason ?? 'stop' },
      ],
      ...(b.usage === null
        ? {}
        : {
            usage: {
              prompt_tokens: u.prompt_tokens,
              completion_tokens: u.completion_tokens,
              total_tokens: u.prompt_tokens + u.completion_tokens,
              prompt_tokens_details: { cached_tokens: u.cached_tokens },
              completion_tokens_details: { reasoning_tokens: u.reasoning_tokens },
            },
          }),
    };
    send(res, 200, JSON.stringify(payload));
  };

  const server = createServer((req, res) => {
    // A client that gave up (timeout, cancel) must not use up a behaviour queued for a later request.
    let clientGone = false;
    res.on('close', () => {
      if (!res.writableEnded) clientGone = true;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          let body: FakeLlmRequest['body'] = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
          } catch {
            return send(res, 400, JSON.stringify({ error: { message: 'invalid JSON body' } }));
          }
          const path = req.url ?? '/';
          if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
            return send(res, 404, JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
          }
          if (clientGone) return;
          const record: FakeLlmRequest = { path, headers: req.headers, body, receivedAt: Date.now() };
          requests.push(record);
          await wait(latencyMs);
          if (clientGone) return;
          if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
            return await perform(record, res, fake.unauthorized());
          }
          const behaviour =
            queue.shift() ?? (typeof respond === 'function' ? await respond(record) : respond);
          await perform(record, res, behaviour);
        } catch (err) {
          send(res, 500, JSON.stringify({ error: { message: String(err) } }));
        } finally {
          inFlight--;
        }
      })();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...b) => queue.push(...b),
    respondWith: (r) => {
      respond = r;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      respond = opts.respond ?? autoResponder();
      latencyMs = opts.latencyMs ?? 0;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
