// Server-Sent Events through a real listening server and a real HTTP client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';

interface SseFrame {
  event?: string;
  id?: string;
  data?: any;
  comment?: string;
}

/** Read SSE frames until `stop` says so or the server ends the stream. */
async function readFrames(
  url: string,
  opts: {
    stop?: (frames: SseFrame[]) => boolean;
    accept?: string;
    timeoutMs?: number;
    onOpen?: () => void;
  } = {},
): Promise<{ frames: SseFrame[]; ended: boolean; status: number; contentType: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 5_000);
  const res = await request(url, {
    headers: { accept: opts.accept ?? 'text/event-stream' },
    signal: controller.signal,
  });
  opts.onOpen?.();
  const frames: SseFrame[] = [];
  let buffer = '';
  let ended = true;
  try {
    for await (const chunk of res.body) {
      buffer += chunk.toString();
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const frame: SseFrame = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
        }
        frames.push(frame);
      }
      if (opts.stop?.(frames)) {
        ended = false;
        controller.abort();
        break;
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
    ended = false;
  } finally {
    clearTimeout(timer);
  }
  return { frames, ended, status: res.statusCode, contentType: String(res.headers['content-type']) };
}

describe('SSE', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ http: { sseHeartbeatMs: 50 } });
    await t.http.listen({ host: '127.0.0.1', port: 0 });
    const addr = t.http.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(() => t.close());

  const run = async (payload: unknown) => {
    const res = await request(`${base}/api/tasks/diagnostics.sleep/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload }),
    });
    expect(res.statusCode).toBe(202);
    return ((await res.body.json()) as { executionId: string }).executionId;
  };

  it("streams one execution's progress and status, then ends after the terminal status", async () => {
    const id = await run({ ms: 600, steps: 6 });
    const { frames, ended, status, contentType } = await readFrames(`${base}/api/executions/${id}/events`);
    expect(status).toBe(200);
    expect(contentType).toContain('text/event-stream');
    expect(ended).toBe(true);
    const events = frames.filter((f) => f.event);
    const progress = events.filter((f) => f.event === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)!.data).toMatchObject({
      executionId: id,
      current: 6,
      total: 6,
      message: 'step 6/6',
    });
    const last = events.at(-1)!;
    expect(last.event).toBe('status');
    expect(last.data).toMatchObject({ id, status: 'succeeded' });
    const logLine = events.find((f) => f.event === 'log' && f.data.msg === 'slept 600 ms in 6 steps');
    expect(logLine?.data.ts).toMatch(/\+08:00$/);
    const ids = events.map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('a finished execution sends its final status and ends at once', async () => {
    const id = await run({ ms: 0, steps: 1 });
    await waitFor(async () => (await t.app.store.executions.get(id))?.status === 'succeeded');
    const { frames, ended } = await readFrames(`${base}/api/executions/${id}/events`);
    expect(ended).toBe(true);
    expect(frames.filter((f) => f.event)).toEqual([
      expect.objectContaining({ event: 'status', data: expect.objectContaining({ status: 'succeeded' }) }),
    ]);
  });

  for (const path of ['/api/events', '/api/stream']) {
    it(`GET ${path} streams every execution's events, with heartbeats, and cleans up on disconnect`, async () => {
      let id = '';
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const reading = readFrames(`${base}${path}`, {
        onOpen: open,
        stop: (frames) =>
          frames.some((f) => f.event === 'status' && f.data.id === id && f.data.status === 'succeeded'),
      });
      await opened;
      await new Promise((r) => setTimeout(r, 120)); // let a heartbeat through
      id = await run({ ms: 200, steps: 2 });
      const { frames } = await reading;
      const mine = frames.filter((f) => f.data && (f.data.id === id || f.data.executionId === id));
      expect(mine.map((f) => (f.event === 'status' ? `status:${f.data.status}` : f.event))).toEqual(
        expect.arrayContaining(['status:queued', 'status:running', 'progress', 'status:succeeded']),
      );
      expect(frames.some((f) => f.comment === 'heartbeat')).toBe(true);
      await waitFor(() => t.http.sse.size === 0, 2_000);
    });
  }

  it('closing the server ends open streams instead of hanging', async () => {
    const other = await createTestApp({ start: false });
    await other.http.listen({ host: '127.0.0.1', port: 0 });
    const port = (other.http.server.address() as { port: number }).port;
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    const reading = readFrames(`http://127.0.0.1:${port}/api/stream`, { onOpen: open, timeoutMs: 5_000 });
    await opened;
    await waitFor(() => other.http.sse.size === 1);
    const started = Date.now();
    await other.close();
    const { ended } = await reading;
    expect(ended).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
