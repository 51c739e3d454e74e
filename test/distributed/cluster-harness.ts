// A real newsdesk cluster for tests and benchmarks: a fresh PostgreSQL schema, a random Redis prefix, and
// service processes started through the CLI (`node --import tsx src/cli/index.ts ...`) with the bullmq engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { dropSchema, randomSchemaName, testDatabaseUrl } from '../../src/store/testing.ts';
import { dropRedisPrefix, randomRedisPrefix, testRedisUrl } from '../../src/tasks/engines/bullmq/testing.ts';

export interface ClusterEnv {
  /** Environment shared by every process of the cluster. */
  env: Record<string, string>;
  /** A store on the cluster's schema, for assertions. */
  store: Store;
  schema: string;
  prefix: string;
  /** Drop the schema and the Redis keys, remove the data dir. */
  destroy(): Promise<void>;
}

/** A migrated schema of its own and a Redis prefix of its own; processes reach the schema through the URL. */
export async function prepareCluster(extraEnv: Record<string, string> = {}): Promise<ClusterEnv> {
  const baseUrl = await testDatabaseUrl();
  const schema = randomSchemaName('cl');
  const setup = await openStore({ kind: 'postgres', url: baseUrl, schema });
  await setup.migrate();
  await setup.close();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const store = await openStore({ kind: 'postgres', url: url.toString() });
  const prefix = randomRedisPrefix('cl');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-cluster-'));
  const redisUrl = testRedisUrl();
  const env = {
    NEWSDESK_QUEUE: 'bullmq',
    NEWSDESK_REDIS_URL: redisUrl,
    NEWSDESK_REDIS_PREFIX: prefix,
    NEWSDESK_DATABASE_URL: url.toString(),
    NEWSDESK_DATA_DIR: dataDir,
    NEWSDESK_HOST: '127.0.0.1',
    NEWSDESK_PORT: '0',
    NEWSDESK_LOG_LEVEL: 'info',
    ...extraEnv,
  };
  return {
    env,
    store,
    schema,
    prefix,
    async destroy() {
      await store.close();
      await dropSchema(baseUrl, schema);
      await dropRedisPrefix(redisUrl, prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface NodeProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Parsed JSON log lines (and raw text lines as {msg}). */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  waitForLog(match: RegExp, timeoutMs: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL if it has not exited after `ms`; resolves with the exit code. */
  stop(ms?: number): Promise<number | null>;
}

/** Start `newsdesk <args>` as a child process with the cluster environment. */
export function startNewsdesk(name: string, args: string[], env: Record<string, string>): NodeProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('NEWSDESK_')),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: process.cwd(),
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  const onText = (chunk: Buffer, buffer: { rest: string }) => {
    const text = buffer.rest + chunk.toString('utf8');
    const parts = text.split('\n');
    buffer.rest = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
    for (const w of waiters) w();
  };
  const out = { rest: '' };
  const err = { rest: '' };
  child.stdout!.on('data', (c: Buffer) => onText(c, out));
  child.stderr!.on('data', (c: Buffer) => onText(c, err));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
    for (const w of waiters) w();
  });

  return {
    name,
    child,
    pid: child.pid!,
    lines,
    exited,
    waitForLog(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((l) => match.test(String(l.msg ?? '')));
          if (found) return done(() => resolve(found));
          if (exitCode !== undefined) {
            const tail = lines.slice(-10).map((l) => String(l.msg ?? JSON.stringify(l)));
            return done(() =>
              reject(new Error(`${name} exited (${exitCode}) before logging ${match}: ${tail.join(' | ')}`)),
            );
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${name}: no log line ${match} after ${timeoutMs} ms`))),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      });
    },
    async stop(ms = 15_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The address an API process logged ("newsdesk listening on http://127.0.0.1:PORT ..."). */
export async function apiAddress(api: NodeProcess, timeoutMs: number): Promise<string> {
  const line = await api.waitForLog(/^newsdesk listening on /, timeoutMs);
  return String(line.address);
}

export async function postJson<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function patchJson<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Read a Server-Sent Events stream until `accept` returns true for an event, or the time is up. */
export async function readEvents(
  url: string,
  accept: (event: { event: string; data: unknown }) => boolean,
  timeoutMs: number,
): Promise<{ event: string; data: unknown }> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no matching event from ${url} after ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ${url} ended without a matching event`);
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        const parsed = { event, data: JSON.parse(data) as unknown };
        if (accept(parsed)) return parsed;
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
