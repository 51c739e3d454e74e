// `newsdesk run <task>`: enqueue with trigger 'cli', run the engine in this process until that execution
// (and any retries of it) finishes, printing progress; the exit code follows the final status.
// Note: the in-process engine may also pick up other due work from the same database while it waits.
import os from 'node:os';
import type { Config } from '../config/config.ts';
import { ValidationError } from '../errors.ts';
import { createApp } from '../main.ts';
import { TERMINAL_STATUSES, type Execution } from '../store/types.ts';
import type { ExecutionEvent } from '../tasks/types.ts';
import { EXIT, exitCodeForStatus } from './exit-codes.ts';
import { formatDuration, type CliIo } from './io.ts';

export interface RunTaskOptions {
  payload?: string;
  wait: boolean;
}

/** If the runner will schedule another attempt after this outcome (mirrors the runner's retry rules). */
export function retryExpected(e: Execution): boolean {
  if (e.status !== 'failed' && e.status !== 'timed_out') return false;
  if (e.attempt >= e.maxAttempts) return false;
  return e.error?.type !== 'PermanentFailure' && e.error?.type !== 'ValidationError';
}

export function parsePayloadArg(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`--payload is not valid JSON: ${(err as Error).message}`, { field: 'payload' });
  }
}

function who(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return os.hostname();
  }
}

const RETRY_WAIT_MS = 10_000;

export async function runTaskCommand(
  config: Readonly<Config>,
  task: string,
  opts: RunTaskOptions,
  io: CliIo,
): Promise<number> {
  const payload = parsePayloadArg(opts.payload);
  const app = await createApp(config, { role: opts.wait ? 'worker' : 'api' });
  const events: ExecutionEvent[] = [];
  let wake: () => void = () => undefined;
  const unsubscribe = app.engine.subscribe((event) => {
    events.push(event);
    wake();
  });
  let onSigint: (() => void) | undefined;
  try {
    await app.start();
    const result = await app.engine.enqueue(task, payload, { trigger: 'cli', triggeredBy: who() });
    const first = result.execution;
    if (result.deduplicated)
      io.out(`execution ${first.id} with the same idempotency key is already ${first.status}`);
    if (result.skipped || first.status === 'skipped') {
      io.out(`skipped: ${first.reason ?? 'another execution is active'}`);
      return EXIT.FAILED;
    }
    io.out(`${first.id} ${task} queued`);
    if (!opts.wait) return EXIT.OK;

    let currentId = first.id;
    let awaitingRetryOf: string | undefined;
    let retryDeadline = 0;
    let lastProgress = '';
    let final: Execution | undefined;
    if (io.signals) {
      onSigint = () => {
        io.err(`cancelling ${currentId} ...`);
        void app.engine.cancel(currentId).catch((err: Error) => io.err(err.message));
      };
      process.once('SIGINT', onSigint);
    }

    const handle = (event: ExecutionEvent): void => {
      if (event.type === 'status') {
        const e = event.execution;
        if (awaitingRetryOf && e.retryOf === awaitingRetryOf) {
          currentId = e.id;
          awaitingRetryOf = undefined;
          io.out(`${e.id} attempt ${e.attempt}/${e.maxAttempts} queued (${e.trigger})`);
          return;
        }
        if (e.id !== currentId) return;
        if (e.status === 'running')
          io.out(`running (attempt ${e.attempt}/${e.maxAttempts}) on ${e.host ?? '?'}:${e.pid ?? '?'}`);
        if (!TERMINAL_STATUSES.includes(e.status)) return;
        if (retryExpected(e)) {
          io.out(`${e.status}: ${e.error?.type ?? ''} ${e.error?.message ?? ''} — will retry`);
          awaitingRetryOf = e.id;
          retryDeadline = Date.now() + RETRY_WAIT_MS;
          return;
        }
        final = e;
      } else if (event.type === 'progress' && event.executionId === currentId) {
        const line =
          `[${event.current ?? '?'}${event.total != null ? `/${event.total}` : ''}] ${event.message ?? ''}`.trimEnd();
        if (line !== lastProgress) io.out(line);
        lastProgress = line;
      } else if (event.type === 'log' && event.executionId === currentId) {
        io.out(`  ${event.level} ${event.msg}`);
      }
    };

    while (!final) {
      while (events.length && !final) handle(events.shift()!);
      if (final) break;
      if (awaitingRetryOf && Date.now() > retryDeadline) {
        // No retry appeared: report the last attempt as final.
        final = await app.store.executions.get(awaitingRetryOf);
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (!final) return EXIT.FAILED;
    const done: Execution = final;
    io.out(
      `${done.status} in ${formatDuration(done.durationMs)} (${done.id}, attempt ${done.attempt}/${done.maxAttempts})`,
    );
    if (done.error) io.out(`error: ${done.error.type}: ${done.error.message}`);
    if (done.result !== null && done.result !== undefined) io.out(`result: ${JSON.stringify(done.result)}`);
    return exitCodeForStatus(done.status);
  } finally {
    if (onSigint) process.removeListener('SIGINT', onSigint);
    unsubscribe();
    await app.stop();
  }
}
