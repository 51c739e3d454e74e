// The newsdesk CLI run in-process against a temp SQLite database.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { exitCodeForError } from './exit-codes.ts';
import { runCli } from './program.ts';

describe('newsdesk CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const { code } = await runCli(args, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: {
        NEWSDESK_DATA_DIR: dir,
        NEWSDESK_LOG_LEVEL: 'silent',
        NEWSDESK_SHUTDOWN_GRACE_MS: '500',
        ...env,
      },
      signals: false,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('run: prints progress and the result, exit 0 on success, recorded with trigger cli', async () => {
    const r = await cli(['run', 'diagnostics.sleep', '--payload', '{"ms":60,"steps":3}']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[1/3] step 1/3');
    expect(r.out).toContain('[3/3] step 3/3');
    expect(r.out).toMatch(/succeeded in \d+ ms/);
    expect(r.out).toContain('result: {"slept":60}');
    const list = await cli(['executions', '--json', '--limit', '1']);
    expect(JSON.parse(list.out).items[0]).toMatchObject({
      task: 'diagnostics.sleep',
      trigger: 'cli',
      status: 'succeeded',
    });
  });

  it('run: follows retries and exits 1 when the task keeps failing', async () => {
    const r = await cli(['run', 'diagnostics.sleep', '--payload', '{"ms":1,"steps":1,"fail":"always"}']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('attempt 3/3 queued (retry)');
    expect(r.out).toMatch(/failed in .* attempt 3\/3/);
    expect(r.out).toContain('error: Error: failing on attempt 3 as asked');
  });

  it('run: exit 2 for a bad payload or malformed JSON, naming the problem', async () => {
    const bad = await cli(['run', 'diagnostics.sleep', '--payload', '{"steps":0}']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('steps');
    const malformed = await cli(['run', 'diagnostics.noop', '--payload', '{nope']);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('--payload is not valid JSON');
  });

  it('run: exit 3 for an unknown task', async () => {
    const r = await cli(['run', 'no.such.task']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('task no.such.task not found');
  });

  it('run --no-wait: only enqueues and prints the id', async () => {
    const r = await cli(['run', 'diagnostics.noop', '--no-wait']);
    expect(r.code).toBe(0);
    const id = r.out.split(' ')[0];
    const list = JSON.parse((await cli(['executions', '--json', '--status', 'queued'])).out);
    expect(list.items.map((e: { id: string }) => e.id)).toContain(id);
  });

  it('executions: a table filtered by task and status; bad status is exit 2', async () => {
    const r = await cli(['executions', '--task', 'diagnostics.sleep', '--status', 'succeeded']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+TASK\s+STATUS\s+TRIGGER/);
    expect(lines.slice(1, -1).every((l) => l.includes('diagnostics.sleep') && l.includes('succeeded'))).toBe(
      true,
    );
    expect(lines.at(-1)).toBe('1 of 1');
    const bad = await cli(['executions', '--status', 'finished']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown status finished');
  });

  it('schedules: lists the default schedule with its next run', async () => {
    const r = await cli(['schedules']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /maintenance\.cleanup\s+maintenance\.cleanup\s+0 2 \* \* \*\s+Asia\/Shanghai\s+yes\s+\d{4}-\d\d-\d\d 02:00:00\+08:00/,
    );
  });

  it('migrate: applies migrations to a new database', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-cli-migrate-'));
    try {
      const r = await cli(['migrate'], { NEWSDESK_DATA_DIR: fresh });
      expect(r.code).toBe(0);
      expect(r.out).toContain('database is up to date');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('config print: every key, secrets masked', async () => {
    const r = await cli(['config', 'print'], {
      NEWSDESK_API_TOKEN: 'token-that-is-long-enough-1234',
      NEWSDESK_DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:5432/news',
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('NEWSDESK_API_TOKEN=****1234');
    expect(r.out).not.toContain('token-that-is-long-enough');
    expect(r.out).not.toContain('hunter2');
    expect(r.out).toContain('NEWSDESK_TIMEZONE=Asia/Shanghai');
  });

  it('a bad config value is exit 2 naming the key', async () => {
    const r = await cli(['executions'], { NEWSDESK_CONCURRENCY: 'many' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('NEWSDESK_CONCURRENCY');
  });

  it('unknown options and commands are usage errors (exit 2)', async () => {
    expect((await cli(['run'])).code).toBe(2);
    expect((await cli(['executions', '--bogus'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['serve', '--role', 'chef'])).code).toBe(2);
    expect((await cli(['--help'])).code).toBe(0);
  });

  it('maps error codes to exit codes in one place', () => {
    expect(exitCodeForError(new ValidationError('x'))).toBe(2);
    expect(exitCodeForError(new AppError('CONFIG', 'x'))).toBe(2);
    expect(exitCodeForError(new NotFoundError('task', 'x'))).toBe(3);
    expect(exitCodeForError(new ConflictError('x'))).toBe(1);
    expect(exitCodeForError(new Error('x'))).toBe(1);
  });
});
