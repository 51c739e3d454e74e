// Exit codes, decided in one place: errors map by their stable code, executions by their final status.
import { AppError } from '../errors.ts';
import type { ExecutionStatus } from '../store/types.ts';

export const EXIT = {
  OK: 0,
  /** A task failed, timed out, was cancelled or skipped; or an unexpected error. */
  FAILED: 1,
  /** Bad input: invalid arguments, payload or configuration. */
  BAD_INPUT: 2,
  NOT_FOUND: 3,
} as const;

export function exitCodeForError(err: unknown): number {
  if (err instanceof AppError) {
    if (err.code === 'VALIDATION' || err.code === 'CONFIG') return EXIT.BAD_INPUT;
    if (err.code === 'NOT_FOUND') return EXIT.NOT_FOUND;
  }
  const code = (err as { code?: unknown })?.code;
  // commander's own usage errors (unknown option, missing argument, ...)
  if (typeof code === 'string' && code.startsWith('commander.')) {
    return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help'
      ? EXIT.OK
      : EXIT.BAD_INPUT;
  }
  return EXIT.FAILED;
}

export function exitCodeForStatus(status: ExecutionStatus): number {
  return status === 'succeeded' ? EXIT.OK : EXIT.FAILED;
}

/** One line (or a few) for stderr that says what went wrong, naming fields when known. */
export function describeError(err: unknown): string {
  if (err instanceof AppError) {
    const issues = (err.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
    if (err.code === 'VALIDATION' && Array.isArray(issues) && issues.length > 1) {
      return [err.message.split(':')[0], ...issues.map((i) => `  ${i.path}: ${i.message}`)].join('\n');
    }
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
