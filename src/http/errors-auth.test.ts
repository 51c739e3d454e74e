import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { tokenMatches } from './auth.ts';
import { toErrorResponse } from './errors.ts';

describe('error mapping', () => {
  it('maps AppError codes to statuses once', () => {
    expect(toErrorResponse(new ValidationError('bad')).status).toBe(400);
    expect(toErrorResponse(new NotFoundError('thing', 'x')).status).toBe(404);
    expect(toErrorResponse(new ConflictError('dup')).status).toBe(409);
    expect(toErrorResponse(new AppError('UNAUTHORIZED', 'no')).status).toBe(401);
    expect(toErrorResponse(new AppError('UPSTREAM_TIMEOUT', 'slow')).status).toBe(502);
    expect(toErrorResponse(new AppError('UPSTREAM_HTTP', '500')).status).toBe(502);
    expect(toErrorResponse(new AppError('CONFIG', 'x')).status).toBe(500);
  });

  it('hides the message of unexpected errors', () => {
    const res = toErrorResponse(new Error('secret internals'));
    expect(res).toMatchObject({
      status: 500,
      internal: true,
      body: { error: { code: 'INTERNAL', message: 'internal error' } },
    });
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
  });
});

describe('client mistakes are 4xx JSON, never 500', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ start: false });
  });
  afterAll(() => t.close());

  it('404 JSON for an unknown route', async () => {
    const res = await t.http.inject({ method: 'GET', url: '/api/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route for GET /api/nothing-here' },
    });
  });

  it('400 for a malformed JSON body', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/schedules',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "x",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION');
    expect(res.json().error.message).toContain('malformed JSON');
  });

  it('400 for an empty JSON body on a route that needs one', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/schedules',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
  });

  it('415 for an unsupported content type', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/schedules',
      headers: { 'content-type': 'application/x-yaml' },
      payload: 'name: x',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('400 for a wrong type, naming the nested field', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/schedules',
      payload: { name: 'x', task: 'diagnostics.noop', cron: '* * * * *', maxInstances: 'two' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'maxInstances', in: 'body' })]);
    expect(res.json().error.message).toContain('body.maxInstances');
  });

  it('GET /api/events without Accept: text/event-stream is the JSON list of news events', async () => {
    const res = await t.http.inject({
      method: 'GET',
      url: '/api/events',
      headers: { accept: 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ items: [], total: 0 });
  });
});

describe('auth with NEWSDESK_API_TOKEN set', () => {
  const token = 'a-very-secret-token-0123456789';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { NEWSDESK_API_TOKEN: token }, start: false, seedSchedules: false });
  });
  afterAll(() => t.close());

  const mutating: [string, string, unknown][] = [
    ['POST', '/api/tasks/diagnostics.noop/run', {}],
    ['POST', '/api/executions/x/cancel', undefined],
    ['POST', '/api/schedules', { name: 'a', task: 'diagnostics.noop', cron: '0 * * * *' }],
    ['POST', '/api/schedules/preview', { cron: '0 * * * *' }],
    ['PATCH', '/api/schedules/x', { enabled: false }],
    ['DELETE', '/api/schedules/x', undefined],
    ['POST', '/api/schedules/x/run', undefined],
  ];

  it('401 on every mutating route without the token or with a wrong one', async () => {
    for (const [method, url, payload] of mutating) {
      const none = await t.http.inject({ method: method as 'POST', url, payload: payload as object });
      expect(none.statusCode, `${method} ${url}`).toBe(401);
      expect(none.json().error.code).toBe('UNAUTHORIZED');
      expect(none.headers['www-authenticate']).toBe('Bearer');
      const wrong = await t.http.inject({
        method: method as 'POST',
        url,
        payload: payload as object,
        headers: { authorization: `Bearer ${token}x` },
      });
      expect(wrong.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('2xx with the token, recorded as triggered by api-token', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const run = await t.http.inject({
      method: 'POST',
      url: '/api/tasks/diagnostics.noop/run',
      payload: {},
      headers: auth,
    });
    expect(run.statusCode).toBe(202);
    const e = (
      await t.http.inject({ method: 'GET', url: `/api/executions/${run.json().executionId}` })
    ).json();
    expect(e.triggeredBy).toBe('api-token');
    const created = await t.http.inject({
      method: 'POST',
      url: '/api/schedules',
      payload: { name: 'with-token', task: 'diagnostics.noop', cron: '0 * * * *' },
      headers: auth,
    });
    expect(created.statusCode).toBe(201);
    const del = await t.http.inject({
      method: 'DELETE',
      url: `/api/schedules/${created.json().id}`,
      headers: auth,
    });
    expect(del.statusCode).toBe(204);
  });

  it('reads stay open without a token', async () => {
    for (const url of [
      '/api/tasks',
      '/api/executions',
      '/api/schedules',
      '/health',
      '/metrics',
      '/openapi.json',
    ]) {
      expect((await t.http.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('documents the bearer scheme on mutating routes only', async () => {
    const doc = (await t.http.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/tasks/{name}/run'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/tasks'].get.security).toBeUndefined();
  });
});
