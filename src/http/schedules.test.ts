import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';

describe('schedules API', () => {
  let t: TestApp;
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.http.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const create = async (body: Record<string, unknown>) => {
    const res = await send('POST', '/api/schedules', { task: 'diagnostics.noop', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    t = await createTestApp({ seedSchedules: false });
  });
  afterAll(() => t.close());

  it('creates, reads, lists, edits and deletes a schedule', async () => {
    const s = await create({
      name: 'nightly',
      cron: '30 3 * * *',
      timezone: 'Europe/Berlin',
      payload: { n: 1 },
    });
    expect(s).toMatchObject({
      name: 'nightly',
      cron: '30 3 * * *',
      timezone: 'Europe/Berlin',
      enabled: true,
      coalesce: true,
      maxInstances: 1,
    });
    expect(s.nextRunAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:30:00\.000\+08:00$/); // 03:30 Berlin shown in the service zone
    expect((await send('GET', `/api/schedules/${s.id}`)).json().name).toBe('nightly');
    expect((await send('GET', '/api/schedules')).json().items.map((x: { id: string }) => x.id)).toContain(
      s.id,
    );

    const patched = await send('PATCH', `/api/schedules/${s.id}`, { cron: '0 6 * * *', enabled: false });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ cron: '0 6 * * *', enabled: false, nextRunAt: null });

    expect((await send('DELETE', `/api/schedules/${s.id}`)).statusCode).toBe(204);
    expect((await send('GET', `/api/schedules/${s.id}`)).statusCode).toBe(404);
  });

  it('lists the next fire times in the schedule zone', async () => {
    const s = await create({ name: 'hourly-ny', cron: '0 * * * *', timezone: 'America/New_York' });
    const res = await send('GET', `/api/schedules/${s.id}/next?count=3`);
    expect(res.statusCode).toBe(200);
    const { items, timezone } = res.json();
    expect(timezone).toBe('America/New_York');
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/:00:00\.000-0[45]:00$/);
    expect(Date.parse(items[1]) - Date.parse(items[0])).toBe(3_600_000);
    expect((await send('GET', `/api/schedules/${s.id}/next?count=0`)).statusCode).toBe(400);
    expect((await send('GET', `/api/schedules/${s.id}/next?count=101`)).statusCode).toBe(400);
  });

  it('previews a cron expression with seconds without storing it', async () => {
    const res = await send('POST', '/api/schedules/preview', {
      cron: '*/15 * * * * *',
      timezone: 'UTC',
      count: 4,
    });
    expect(res.statusCode).toBe(200);
    const times = res.json().items.map((x: string) => Date.parse(x));
    expect(times[1] - times[0]).toBe(15_000);
    expect(res.json().items[0]).toMatch(/\+00:00$/);
  });

  it('400 with a clear message for an invalid cron, naming the field', async () => {
    for (const cron of ['61 * * * *', 'every day', '* * *']) {
      const res = await send('POST', '/api/schedules', {
        name: `bad ${cron}`,
        task: 'diagnostics.noop',
        cron,
      });
      expect(res.statusCode, cron).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
      expect(res.json().error.message).toContain('invalid cron');
      expect(res.json().error.details[0].path).toBe('cron');
    }
    const preview = await send('POST', '/api/schedules/preview', { cron: '0 25 * * *' });
    expect(preview.statusCode).toBe(400);
    expect(preview.json().error.message).toMatch(/hour/i);
  });

  it('400 for an invalid time zone, on create, edit and preview', async () => {
    const created = await send('POST', '/api/schedules', {
      name: 'tz',
      task: 'diagnostics.noop',
      cron: '0 * * * *',
      timezone: 'Mars/Olympus',
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.message).toContain('invalid time zone "Mars/Olympus"');
    expect(created.json().error.details[0].path).toBe('timezone');
    const s = await create({ name: 'tz-edit', cron: '0 * * * *' });
    const patched = await send('PATCH', `/api/schedules/${s.id}`, { timezone: 'Nowhere/Land' });
    expect(patched.statusCode).toBe(400);
    const preview = await send('POST', '/api/schedules/preview', {
      cron: '0 * * * *',
      timezone: 'Nowhere/Land',
    });
    expect(preview.statusCode).toBe(400);
  });

  it('400 for an unknown task or a bad payload, 409 for a duplicate name', async () => {
    const unknown = await send('POST', '/api/schedules', { name: 'u', task: 'no.such', cron: '0 * * * *' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].path).toBe('task');
    const payload = await send('POST', '/api/schedules', {
      name: 'p',
      task: 'diagnostics.sleep',
      cron: '0 * * * *',
      payload: { steps: 0 },
    });
    expect(payload.statusCode).toBe(400);
    expect(payload.json().error.details[0].path).toBe('payload.steps');
    await create({ name: 'dup', cron: '0 * * * *' });
    const dup = await send('POST', '/api/schedules', {
      name: 'dup',
      task: 'diagnostics.noop',
      cron: '0 * * * *',
    });
    expect(dup.statusCode).toBe(409);
    const missing = await send('POST', '/api/schedules', { name: 'm', task: 'diagnostics.noop' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe('cron');
    const patchTask = await send(
      'PATCH',
      `/api/schedules/${(await create({ name: 'fixed', cron: '0 * * * *' })).id}`,
      { task: 'x' },
    );
    expect(patchTask.statusCode).toBe(400);
    expect(patchTask.json().error.details[0].path).toBe('task');
  });

  it('404 for unknown schedule ids', async () => {
    expect((await send('GET', '/api/schedules/nope')).statusCode).toBe(404);
    expect((await send('PATCH', '/api/schedules/nope', { enabled: false })).statusCode).toBe(404);
    expect((await send('DELETE', '/api/schedules/nope')).statusCode).toBe(404);
    expect((await send('GET', '/api/schedules/nope/next')).statusCode).toBe(404);
    expect((await send('POST', '/api/schedules/nope/run')).statusCode).toBe(404);
  });

  it('runs a schedule now with its payload (202), linked to the schedule', async () => {
    const s = await create({
      name: 'run-me',
      task: 'diagnostics.sleep',
      cron: '0 0 1 1 *',
      payload: { ms: 10, steps: 1 },
    });
    const res = await send('POST', `/api/schedules/${s.id}/run`);
    expect(res.statusCode).toBe(202);
    const id = res.json().executionId;
    const done = await waitFor(async () => {
      const e = (await send('GET', `/api/executions/${id}`)).json();
      return e.status === 'succeeded' ? e : undefined;
    });
    expect(done).toMatchObject({ scheduleId: s.id, trigger: 'manual', payload: { ms: 10, steps: 1 } });
  });

  it('an edit made through the API takes effect for the next fire without a restart', async () => {
    const s = await create({ name: 'every-second', cron: '0 0 1 1 *', enabled: true });
    await send('PATCH', `/api/schedules/${s.id}`, { cron: '* * * * * *' });
    const fired = await waitFor(async () => {
      const list = (await send('GET', `/api/executions?scheduleId=${s.id}&trigger=schedule`)).json();
      return list.total > 0 ? list.items[0] : undefined;
    }, 5_000);
    expect(fired.scheduledFor).toMatch(/\+08:00$/);
    await send('PATCH', `/api/schedules/${s.id}`, { enabled: false });
  });
});
