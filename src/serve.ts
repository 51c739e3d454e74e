// Running the service: build the app, start it, serve HTTP, and shut down in order on SIGTERM/SIGINT:
// stop firing schedules → close HTTP (no new triggers) → drain running tasks within the grace period
// (then abort them; they are recorded as interrupted) → close the store → exit 0.
import type { AppContext, ProcessRole } from './app-context.ts';
import { assertSafeBinding, type Config } from './config/config.ts';
// The composition root is the one place allowed to wire the HTTP layer in.
// eslint-disable-next-line no-restricted-imports
import { buildHttpApp, type HttpApp, type HttpAppOptions } from './http/app.ts';
import { createApp, type App, type CreateAppOptions } from './main.ts';

export interface RunServiceOptions extends CreateAppOptions {
  role?: ProcessRole;
  /** Serve the HTTP API. Default: for roles all and api; workers and schedulers stay off the network. */
  serveHttp?: boolean;
  /** Install SIGTERM/SIGINT handlers that stop the service and exit the process. Default false. */
  handleSignals?: boolean;
  http?: HttpAppOptions;
}

export interface RunningService {
  app: App;
  http?: HttpApp;
  /** e.g. http://127.0.0.1:8080; undefined when this role serves no HTTP. */
  address?: string;
  /** Stop in order (scheduler → HTTP → engine drain → store). Idempotent. */
  stop(): Promise<void>;
}

export async function runService(
  config: Readonly<Config>,
  opts: RunServiceOptions = {},
): Promise<RunningService> {
  const role = opts.role ?? 'all';
  const serveHttp = opts.serveHttp ?? (role === 'all' || role === 'api');
  if (serveHttp) assertSafeBinding(config);
  const app = await createApp(config, { ...opts, role });
  let http: HttpApp | undefined;
  let address: string | undefined;
  try {
    await app.start();
    if (serveHttp) {
      http = buildHttpApp(app, opts.http);
      await http.listen({ host: config.host, port: config.port });
      address = listeningAddress(http);
    }
  } catch (err) {
    await http?.close().catch(() => undefined);
    await app.stop().catch(() => undefined);
    throw err;
  }
  describeStart(app, role, address);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.stopScheduler();
      await http?.close();
      await app.stop();
      app.logger.info('newsdesk stopped');
    })();
    return stopping;
  };
  if (opts.handleSignals) exitOnSignals(app, stop);
  return { app, http, address, stop };
}

function listeningAddress(http: HttpApp): string {
  const addr = http.server.address();
  if (!addr || typeof addr === 'string') return String(addr);
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}

function describeStart(ctx: AppContext, role: ProcessRole, address: string | undefined): void {
  const store = ctx.config.database.kind === 'sqlite' ? ctx.config.database.file : 'postgresql';
  if (address) ctx.logger.info({ address, role, store }, `newsdesk listening on ${address} (role ${role})`);
  else ctx.logger.info({ role, store }, `newsdesk started (role ${role}, no HTTP)`);
}

function exitOnSignals(app: App, stop: () => Promise<void>): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      app.logger.warn({ signal }, 'second signal: exiting without waiting for running tasks');
      process.exit(1);
    }
    received = true;
    app.logger.info({ signal, graceMs: app.config.shutdownGraceMs }, `${signal}: shutting down`);
    stop().then(
      () => {
        app.logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        app.logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
