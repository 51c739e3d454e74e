// Stable error codes for everything that can go wrong talking to a model. The batch runner decides on
// `fatal` (stop the whole batch: retrying another article cannot help) and `retryable` (try this call again).

export type LlmErrorCode =
  | 'LLM_AUTH'
  | 'LLM_MODEL_NOT_FOUND'
  | 'LLM_RATE_LIMIT'
  | 'LLM_SERVER'
  | 'LLM_TIMEOUT'
  | 'LLM_CONNECTION'
  | 'LLM_BAD_REQUEST'
  | 'LLM_BAD_OUTPUT'
  | 'LLM_BUDGET'
  | 'LLM_ABORTED';

/** Codes that stop a batch at once: configuration, credentials, money, or a cancel from outside. */
export const FATAL_CODES: ReadonlySet<LlmErrorCode> = new Set([
  'LLM_AUTH',
  'LLM_MODEL_NOT_FOUND',
  'LLM_BUDGET',
  'LLM_ABORTED',
]);

/** Codes worth another attempt of the same call after a pause. */
export const RETRYABLE_CODES: ReadonlySet<LlmErrorCode> = new Set([
  'LLM_RATE_LIMIT',
  'LLM_SERVER',
  'LLM_TIMEOUT',
  'LLM_CONNECTION',
]);

export class LlmError extends Error {
  readonly code: LlmErrorCode;
  readonly status?: number;
  /** Server-requested pause (Retry-After / retry-after-ms), when it sent one. */
  readonly retryAfterMs?: number;
  readonly fatal: boolean;
  readonly retryable: boolean;

  constructor(
    code: LlmErrorCode,
    message: string,
    opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'LlmError';
    this.code = code;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.fatal = FATAL_CODES.has(code);
    this.retryable = RETRYABLE_CODES.has(code);
  }
}

export function isLlmError(err: unknown): err is LlmError {
  return err instanceof LlmError;
}

/** An article that cannot be enriched at all (e.g. no text); it is reported as skipped, not failed. */
export class EnrichmentSkipped extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'EnrichmentSkipped';
    this.reason = reason;
  }
}
