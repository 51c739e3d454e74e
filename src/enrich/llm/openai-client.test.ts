import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LlmError } from '../errors.ts';
import { fake, startFakeLlmServer, type FakeLlmServer } from '../testing/fake-llm-server.ts';
import { parseRetryAfter } from './classify-error.ts';
import { createOpenAiCompatibleClient, type OpenAiCompatibleClient } from './openai-client.ts';

const messages = [
  { role: 'system' as const, content: 'Answer in JSON.' },
  { role: 'user' as const, content: 'Say hello.' },
];

async function codeOf(p: Promise<unknown>): Promise<LlmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

describe('OpenAI-compatible client', () => {
  let server: FakeLlmServer;
  let client: OpenAiCompatibleClient;

  beforeAll(async () => {
    server = await startFakeLlmServer({ apiKey: 'sk-test' });
    client = createOpenAiCompatibleClient({
      baseURL: server.baseURL,
      apiKey: 'sk-test',
      defaultTimeoutMs: 5_000,
    });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });
  afterEach(() => {
    server.reset();
  });

  it('sends a chat completion in JSON mode and reads content, usage (cached, reasoning) and model', async () => {
    server.push(
      fake.json(
        { hello: 'world' },
        {
          usage: { prompt_tokens: 120, completion_tokens: 30, cached_tokens: 100, reasoning_tokens: 12 },
          model: 'm-2024',
        },
      ),
    );
    const res = await client.complete({
      model: 'm',
      messages,
      jsonMode: true,
      maxTokens: 77,
      temperature: 0.1,
    });
    expect(JSON.parse(res.content)).toEqual({ hello: 'world' });
    expect(res.usage).toEqual({ prompt: 120, completion: 30, cached: 100, reasoning: 12, estimated: false });
    expect(res.model).toBe('m-2024');
    expect(res.finishReason).toBe('stop');
    expect(res.latencyMs).toBeGreaterThan(0);
    const sent = server.requests[0];
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.body).toMatchObject({
      model: 'm',
      response_format: { type: 'json_object' },
      max_tokens: 77,
      temperature: 0.1,
    });
    expect(sent.body.messages).toEqual(messages);
  });

  it('can send max_completion_tokens instead of max_tokens', async () => {
    const c = createOpenAiCompatibleClient({
      baseURL: server.baseURL,
      apiKey: 'sk-test',
      maxTokensParam: 'max_completion_tokens',
    });
    try {
      await c.complete({ model: 'm', messages, maxTokens: 50 });
      expect(server.requests[0].body.max_completion_tokens).toBe(50);
      expect(server.requests[0].body.max_tokens).toBeUndefined();
    } finally {
      await c.close();
    }
  });

  it('estimates usage when the server sends none, and says so', async () => {
    server.push(fake.noUsage({ a: 1 }));
    const res = await client.complete({ model: 'm', messages });
    expect(res.usage.estimated).toBe(true);
    expect(res.usage.prompt).toBeGreaterThan(0);
  });

  it('classifies a wrong key as LLM_AUTH (fatal)', async () => {
    const bad = createOpenAiCompatibleClient({ baseURL: server.baseURL, apiKey: 'sk-wrong' });
    try {
      const err = await codeOf(bad.complete({ model: 'm', messages }));
      expect(err.code).toBe('LLM_AUTH');
      expect(err.status).toBe(401);
      expect(err.fatal).toBe(true);
      expect(err.retryable).toBe(false);
    } finally {
      await bad.close();
    }
  });

  it('classifies 403, 404, 400, 500, 503 and quota errors', async () => {
    server.push(
      { kind: 'error', status: 403, message: 'forbidden' },
      fake.modelNotFound(),
      { kind: 'error', status: 400, message: 'context too long' },
      fake.serverError(500),
      fake.serverError(503),
      fake.quotaExhausted(),
    );
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await codeOf(client.complete({ model: 'm', messages }))).code);
    expect(codes).toEqual([
      'LLM_AUTH',
      'LLM_MODEL_NOT_FOUND',
      'LLM_BAD_REQUEST',
      'LLM_SERVER',
      'LLM_SERVER',
      'LLM_BUDGET',
    ]);
  });

  it('reads Retry-After from a 429', async () => {
    server.push(fake.rateLimited({ seconds: 7 }), fake.rateLimited({ ms: 250 }));
    const a = await codeOf(client.complete({ model: 'm', messages }));
    expect(a).toMatchObject({ code: 'LLM_RATE_LIMIT', retryAfterMs: 7000, retryable: true, fatal: false });
    const b = await codeOf(client.complete({ model: 'm', messages }));
    expect(b.retryAfterMs).toBe(250);
  });

  it('times out a slow answer with LLM_TIMEOUT', async () => {
    server.push(fake.slow(5_000, fake.json({ late: true })));
    const started = performance.now();
    const err = await codeOf(client.complete({ model: 'm', messages, timeoutMs: 300 }));
    expect(err.code).toBe('LLM_TIMEOUT');
    expect(err.retryable).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('reports a cancel from the caller as LLM_ABORTED, not a timeout', async () => {
    server.push(fake.slow(5_000, fake.json({ late: true })));
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('shutdown')), 200);
    const err = await codeOf(client.complete({ model: 'm', messages, signal: ctrl.signal }));
    expect(err.code).toBe('LLM_ABORTED');
  });

  it('reports an HTML page from a proxy as LLM_SERVER', async () => {
    server.push({ kind: 'raw', status: 502, body: '<html>Bad gateway</html>' });
    expect((await codeOf(client.complete({ model: 'm', messages }))).code).toBe('LLM_SERVER');
  });

  describe('unreachable server', () => {
    let closed: Server;
    let url: string;
    beforeAll(async () => {
      closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v1`;
      await new Promise<void>((r) => closed.close(() => r()));
    });

    it('classifies connection refused as LLM_CONNECTION (retryable)', async () => {
      const c = createOpenAiCompatibleClient({ baseURL: url, apiKey: 'x' });
      try {
        const err = await codeOf(c.complete({ model: 'm', messages }));
        expect(err.code).toBe('LLM_CONNECTION');
        expect(err.retryable).toBe(true);
      } finally {
        await c.close();
      }
    });
  });
});

describe('parseRetryAfter', () => {
  const h = (o: Record<string, string>) => (n: string) => o[n];
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(parseRetryAfter(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(h({}))).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});
