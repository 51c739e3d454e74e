// Turns whatever the SDK or the network threw into an LlmError with a stable code.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { LlmError } from '../errors.ts';

/** Retry-After in ms from `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date). */
export function parseRetryAfter(
  get: (name: string) => string | null | undefined,
  now = Date.now(),
): number | undefined {
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = get('retry-after');
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface ClassifyContext {
  /** Our own deadline fired. */
  timedOut: boolean;
  /** The caller's signal fired (cancel, shutdown, batch stop). */
  aborted: boolean;
  timeoutMs: number;
  model: string;
}

export function classifyLlmError(err: unknown, ctx: ClassifyContext): unknown {
  if (err instanceof LlmError) return err;
  if (ctx.timedOut)
    return new LlmError('LLM_TIMEOUT', `no answer within ${ctx.timeoutMs} ms`, { cause: err });
  if (ctx.aborted) return new LlmError('LLM_ABORTED', 'call aborted', { cause: err });
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmError('LLM_TIMEOUT', `no answer within ${ctx.timeoutMs} ms`, { cause: err });
  }
  if (err instanceof APIUserAbortError) return new LlmError('LLM_ABORTED', 'call aborted', { cause: err });
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new LlmError('LLM_CONNECTION', `cannot reach the model server${cause}`, { cause: err });
  }
  if (err instanceof APIError && typeof err.status === 'number') return fromStatus(err, ctx);
  // A 200 whose body is not JSON: the server (or a proxy in front of it) misbehaved.
  if (err instanceof SyntaxError) {
    return new LlmError('LLM_SERVER', `unreadable response: ${err.message}`, { cause: err });
  }
  return err;
}

function fromStatus(err: APIError, ctx: ClassifyContext): LlmError {
  const status = err.status as number;
  const detail = shortMessage(err);
  const opts = { status, cause: err };
  if (status === 401 || status === 403) {
    return new LlmError('LLM_AUTH', `model server refused the credentials (HTTP ${status}): ${detail}`, opts);
  }
  if (status === 404) {
    return new LlmError(
      'LLM_MODEL_NOT_FOUND',
      `model "${ctx.model}" or the endpoint was not found (HTTP 404): ${detail}`,
      opts,
    );
  }
  if (status === 429) {
    // A spent quota is not a rate limit: waiting a minute will not bring the money back.
    if (err.code === 'insufficient_quota') {
      return new LlmError('LLM_BUDGET', `provider quota exhausted (HTTP 429): ${detail}`, opts);
    }
    const retryAfterMs = err.headers ? parseRetryAfter((n) => err.headers?.get(n)) : undefined;
    return new LlmError('LLM_RATE_LIMIT', `rate limited (HTTP 429): ${detail}`, { ...opts, retryAfterMs });
  }
  if (status === 408) return new LlmError('LLM_TIMEOUT', `server timed out (HTTP 408): ${detail}`, opts);
  if (status >= 500 || status === 409) {
    const retryAfterMs = err.headers ? parseRetryAfter((n) => err.headers?.get(n)) : undefined;
    return new LlmError('LLM_SERVER', `model server error (HTTP ${status}): ${detail}`, {
      ...opts,
      retryAfterMs,
    });
  }
  return new LlmError('LLM_BAD_REQUEST', `request rejected (HTTP ${status}): ${detail}`, opts);
}

function shortMessage(err: APIError): string {
  const msg = err.message || 'no message';
  return msg.length > 300 ? `${msg.slice(0, 300)}…` : msg;
}
