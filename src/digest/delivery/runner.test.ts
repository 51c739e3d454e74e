import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, deliver, deliverAll, type DeliveryAttempt } from './runner.ts';
import { startReceiver, type Receiver } from './testdata/http-receiver.ts';
import { sampleRendering } from './testdata/rendering.ts';

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 50, jitter: 0 };

describe('delivery runner', () => {
  it('retries after a receiver failure and records every attempt', async () => {
    const r = await receiver((_req, i) =>
      i === 0 ? { status: 500, body: 'upstream exploded' } : { status: 200, body: 'ok' },
    );
    const attempts: DeliveryAttempt[] = [];
    let clock = 1_000;
    const outcome = await deliver(
      {
        id: 'ch-1',
        name: '值班群',
        config: { type: 'slack', webhookUrl: `${r.url}/services/T1/B2/abcdefgh12345678` },
      },
      sampleRendering(),
      { retry: fast, onAttempt: (a) => void attempts.push(a), now: () => (clock += 10) },
    );
    expect(r.requests).toHaveLength(2);
    expect(outcome).toMatchObject({
      ok: true,
      attempts: 2,
      status: 200,
      response: 'ok',
      error: null,
      channel: '值班群',
      channelId: 'ch-1',
    });
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({
      channel: '值班群',
      channelType: 'slack',
      attempt: 1,
      ok: false,
      status: 500,
      response: 'upstream exploded',
      nextRetryInMs: 5,
      error: { type: 'DeliveryError', kind: 'http', code: 'UPSTREAM_HTTP', retryable: true },
    });
    expect(attempts[0].at).toBeGreaterThan(1_000);
    expect(attempts[0].durationMs).toBe(10);
    expect(attempts[1]).toMatchObject({
      attempt: 2,
      ok: true,
      status: 200,
      error: null,
      nextRetryInMs: null,
    });
  });

  it('gives up after the last attempt and returns the failure', async () => {
    const r = await receiver(() => ({ status: 502, body: 'bad gateway' }));
    const attempts: DeliveryAttempt[] = [];
    const outcome = await deliver(
      { name: 'hook', config: { type: 'webhook', url: r.url } },
      sampleRendering(),
      {
        retry: fast,
        onAttempt: (a) => void attempts.push(a),
      },
    );
    expect(outcome).toMatchObject({
      ok: false,
      attempts: 3,
      status: 502,
      error: { kind: 'http', retryable: true },
    });
    expect(attempts.map((a) => a.nextRetryInMs)).toEqual([5, 10, null]);
  });

  it('does not retry a permanent refusal', async () => {
    const r = await receiver(() => ({ body: { errcode: 310000, errmsg: 'sign not match' } }));
    const outcome = await deliver(
      {
        name: 'ding',
        config: {
          type: 'dingtalk',
          webhookUrl: `${r.url}/robot/send?access_token=t0k3n0123456789`,
          secret: 'SECx',
        },
      },
      sampleRendering(),
      { retry: fast },
    );
    expect(r.requests).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: { kind: 'rejected', retryable: false } });
    expect(outcome.response).toContain('310000');
  });

  it('times out a receiver that does not answer, then retries', async () => {
    const r = await receiver((_req, i) => (i === 0 ? { delayMs: 2_000, body: 'late' } : { body: 'ok' }));
    const attempts: DeliveryAttempt[] = [];
    const outcome = await deliver(
      { name: 'hook', config: { type: 'webhook', url: r.url, timeoutMs: 200 } },
      sampleRendering(),
      {
        retry: fast,
        onAttempt: (a) => void attempts.push(a),
      },
    );
    expect(outcome.ok).toBe(true);
    expect(attempts[0].error).toMatchObject({ kind: 'timeout', code: 'UPSTREAM_TIMEOUT', retryable: true });
  });

  it('honours Retry-After within the maximum delay', async () => {
    const r = await receiver((_req, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : { body: 'ok' },
    );
    const waits: number[] = [];
    await deliver({ name: 'hook', config: { type: 'webhook', url: r.url } }, sampleRendering(), {
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 40, jitter: 0 },
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([40]);
  });

  it('reports an invalid config without sending, and masks secrets in messages', async () => {
    const attempts: DeliveryAttempt[] = [];
    const outcome = await deliver(
      { name: 'broken', config: { type: 'feishu', webhookUrl: 'ftp://x', secret: 's' } },
      sampleRendering(),
      {
        onAttempt: (a) => void attempts.push(a),
      },
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: { kind: 'config', retryable: false } });
    expect(outcome.error!.message).toContain('webhookUrl');
    expect(attempts).toHaveLength(1);

    // A refused connection: the error names the host but not the token in the URL.
    const r = await receiver(() => ({ body: 'ok' }));
    const url = `${r.url}/open-apis/bot/v2/hook/0f7d2c2e-aaaa-bbbb-cccc-444455556666`;
    await r.close();
    const failed = await deliver(
      { name: 'gone', config: { type: 'feishu', webhookUrl: url } },
      sampleRendering(),
      {
        retry: { attempts: 1 },
      },
    );
    expect(failed.error).toMatchObject({ kind: 'network', retryable: true });
    expect(failed.error!.message).not.toContain('0f7d2c2e-aaaa-bbbb-cccc-444455556666');
    expect(failed.error!.message).toContain('127.0.0.1');
  });

  it('stops waiting when cancelled', async () => {
    const r = await receiver(() => ({ status: 503, body: 'busy' }));
    const ac = new AbortController();
    const outcome = await deliver(
      { name: 'hook', config: { type: 'webhook', url: r.url } },
      sampleRendering(),
      {
        retry: { attempts: 5, baseDelayMs: 10_000, jitter: 0 },
        signal: ac.signal,
        onAttempt: () => ac.abort(),
      },
    );
    expect(r.requests).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
  });

  it('delivers to several channels, one outcome each', async () => {
    const ok = await receiver(() => ({ body: 'ok' }));
    const bad = await receiver(() => ({ status: 404, body: 'no such hook' }));
    const outcomes = await deliverAll(
      [
        { name: 'a', config: { type: 'slack', webhookUrl: ok.url } },
        { name: 'b', config: { type: 'webhook', url: bad.url } },
      ],
      sampleRendering(),
      { retry: fast },
    );
    expect(outcomes.map((o) => [o.channel, o.ok, o.attempts])).toEqual([
      ['a', true, 1],
      ['b', false, 1],
    ]);
  });

  it('computes exponential backoff with bounded jitter', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 10_000, jitter: 0.5 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1500);
    expect(backoffDelay(1, policy, () => 0.5, 7_000)).toBe(7_000);
    expect(backoffDelay(1, policy, () => 0.5, 60_000)).toBe(10_000);
  });
});
