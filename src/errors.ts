// Typed errors with stable codes. Mapped to HTTP once (http/errors.ts) and to exit codes once (cli/).
// Names matter: task-control errors cross process boundaries by `name` in distributed mode.

export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_HTTP'
  | 'PARSE'
  | 'CONFIG'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION', message, details);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string | number) {
    super('NOT_FOUND', `${what} ${id} not found`, { what, id });
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details);
    this.name = 'ConflictError';
  }
}

export class ConfigError extends AppError {
  constructor(message: string, details?: unknown) {
    super('CONFIG', message, details);
    this.name = 'ConfigError';
  }
}

/** A task handler throws this when retrying cannot help (bad input, missing record, auth failure). */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

/** A task handler throws this to have the next attempt run no sooner than `delayMs` from now. */
export class RetryAfter extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, message = `retry after ${delayMs} ms`) {
    super(message);
    this.name = 'RetryAfter';
    this.delayMs = delayMs;
  }
}

export function isPermanentFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'PermanentFailure';
}

export function retryAfterMs(err: unknown): number | undefined {
  if (err instanceof Error && err.name === 'RetryAfter') {
    const ms = (err as Partial<RetryAfter>).delayMs;
    return typeof ms === 'number' && ms >= 0 ? ms : undefined;
  }
  return undefined;
}

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      type: err.name || 'Error',
      message: err.message,
      stack: err.stack,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { type: 'NonError', message: String(err) };
}
