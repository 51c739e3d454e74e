// The real service as a child process (`node --import tsx src/cli/index.ts serve`), for process-level tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  child: ChildProcess;
  /** Parsed JSON log lines from stdout so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the base URL once the service logs that it listens. */
  address: Promise<string>;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Environment for the child: this process's, without any NEWSDESK_* settings, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NEWSDESK_')));
  return { ...base, NEWSDESK_LOG_LEVEL: 'info', NEWSDESK_PORT: '0', ...env };
}

/** `entry`: node arguments before the CLI's own (default: the TypeScript entry through tsx). */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
  entry: string[] = ['--import', 'tsx', 'src/cli/index.ts'],
): ServiceProcess {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  let onAddress: (a: string) => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const address = new Promise<string>((resolve, reject) => {
    onAddress = resolve;
    onFail = reject;
  });
  address.catch(() => undefined); // tests that expect a failed start only await `exited`
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let cut: number;
    while ((cut = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, cut);
      pending = pending.slice(cut + 1);
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (typeof entry.address === 'string') onAddress(entry.address);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.on('exit', (code, signal) => {
      onFail(new Error(`service exited (${code ?? signal}) before listening: ${stderr}`));
      resolve(code ?? signal!);
    });
  });
  return { child, logs, stderr: () => stderr, address, exited };
}

export function spawnService(dataDir: string, env: Record<string, string> = {}): ServiceProcess {
  return spawnCli(['serve'], { NEWSDESK_DATA_DIR: dataDir, ...env });
}

export async function api<T = any>(
  base: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await request(`${base}${url}`, {
    method: method as 'GET',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Kill the child if a test failed before it could end it. */
export function ensureDead(service: ServiceProcess | undefined): void {
  if (service && service.child.exitCode === null && service.child.signalCode === null)
    service.child.kill('SIGKILL');
}
