// The service exactly as `npm start` launches it: run the prestart step (the server build) once, then exec
// the start command in its own process group on a free port, so the measured process is the service.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export function npmStartCommand(): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { prestart?: string; start: string };
  };
  if (pkg.scripts.prestart) execSync(pkg.scripts.prestart, { cwd: ROOT, stdio: 'ignore' });
  return pkg.scripts.start;
}

export interface StartedService {
  child: ChildProcess;
  command: string;
  /** Base URL once the service logs that it listens. */
  url: string;
  /** From spawn (after the build) until listening. */
  startMs: number;
  /** SIGTERM to the whole group, resolved when it has exited. */
  stop(): Promise<void>;
}

/** `npm start` with NEWSDESK_DATA_DIR, port 0 and `env`; the caller's NEWSDESK_* settings are left out. */
export async function startNpmService(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<StartedService> {
  const command = npmStartCommand();
  const t0 = performance.now();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NEWSDESK_')));
  const child = spawn('sh', ['-c', `exec ${command}`], {
    cwd: ROOT,
    env: {
      ...base,
      PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${base.PATH ?? ''}`,
      NEWSDESK_DATA_DIR: dataDir,
      NEWSDESK_PORT: '0',
      NEWSDESK_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group: a launcher and the service stop together
  });
  const exited = new Promise((r) => child.once('exit', r));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /"address":"([^"]+)"/.exec(buf);
      if (m) resolve(m[1]);
      if (buf.length > 1e6) buf = buf.slice(-1e4);
    });
    child.on('exit', (code) => reject(new Error(`service exited with ${code}`)));
  });
  const startMs = performance.now() - t0;
  child.stdout!.resume();
  return {
    child,
    command,
    url,
    startMs,
    async stop() {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
