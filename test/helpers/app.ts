// A real app (SQLite file in a temp dir) with its HTTP layer, for route tests through app.inject().
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { buildHttpApp, type HttpApp, type HttpAppOptions } from '../../src/http/app.ts';
import { createApp, type App, type CreateAppOptions } from '../../src/main.ts';

export interface TestApp {
  app: App;
  http: HttpApp;
  config: Readonly<Config>;
  dir: string;
  close(): Promise<void>;
}

export interface TestAppOptions extends CreateAppOptions {
  env?: Record<string, string>;
  http?: HttpAppOptions;
  /** Start the engine and scheduler (default true). */
  start?: boolean;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-test-'));
  const config = loadConfig({
    NEWSDESK_DATA_DIR: dir,
    NEWSDESK_LOG_LEVEL: 'silent',
    NEWSDESK_SHUTDOWN_GRACE_MS: '1000',
    NEWSDESK_ABANDON_MS: '200',
    ...opts.env,
  });
  const { env: _env, http: httpOpts, start, ...appOpts } = opts;
  const app = await createApp(config, appOpts);
  let http: HttpApp | undefined;
  try {
    if (start !== false) await app.start();
    http = buildHttpApp(app, { metrics: undefined, ...httpOpts });
    await http.ready();
  } catch (err) {
    await http?.close().catch(() => undefined);
    await app.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const built = http;
  let closed: Promise<void> | undefined;
  return {
    app,
    http: built,
    config,
    dir,
    close() {
      closed ??= (async () => {
        await built.close();
        await app.stop();
        rmSync(dir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}

/** Wait until `check` returns a truthy value (polling), or fail after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 5_000,
  everyMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
