// One model call as the pipeline sees it: budget check, rate limiter, the call, usage record, and retries
// of 429 / 5xx / timeouts / connection errors with backoff (honouring Retry-After). Every attempt is
// recorded, failed ones too, so retries are visible in accounting.
import type { BudgetGate } from '../accounting/budget.ts';
import { costOfCall, priceFor } from '../accounting/pricing.ts';
import { LlmError } from '../errors.ts';
import type { EnrichOptions } from '../options.ts';
import { estimateMessagesTokens } from '../text/tokens.ts';
import type { UsageRecord, UsageRecorder, UsageStep } from '../types.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { LlmClient, LlmMessage, LlmResponse } from './types.ts';

export interface CallDeps {
  client: LlmClient;
  limiter: RateLimiter;
  usage: UsageRecorder;
  budget?: BudgetGate;
  options: EnrichOptions;
  articleId: string;
  sourceId: string | null;
  signal?: AbortSignal;
  /** Collects this article's usage records for its result. */
  collected: UsageRecord[];
}

export interface CallRequest {
  model: string;
  messages: LlmMessage[];
  maxTokens: number;
}

export type Judged<T> = { ok: true; value: T } | { ok: false; error: string };

export type CallOutcome<T> = Judged<T> & { response: LlmResponse };

function abortError(signal: AbortSignal): LlmError {
  const reason = signal.reason;
  if (reason instanceof LlmError) return reason;
  const msg = reason instanceof Error ? reason.message : 'cancelled';
  return new LlmError('LLM_ABORTED', `call aborted: ${msg}`, { cause: reason });
}

/** Resolves after ms, or rejects at once when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function backoffDelay(attempt: number, options: EnrichOptions['retry'], random = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export async function callLlm<T>(
  deps: CallDeps,
  step: UsageStep,
  req: CallRequest,
  judge: (res: LlmResponse) => Judged<T>,
  flags: { repair: boolean } = { repair: false },
): Promise<CallOutcome<T>> {
  const { options, signal } = deps;
  const attempts = options.retry.attempts;
  const estimate = estimateMessagesTokens(req.messages) + req.maxTokens;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(signal);
    if (deps.budget) {
      const decision = await deps.budget.check();
      if (!decision.allowed) throw new LlmError('LLM_BUDGET', decision.reason ?? 'daily LLM budget reached');
    }
    let permit;
    try {
      permit = await deps.limiter.acquire(estimate, signal);
    } catch (err) {
      throw signal?.aborted ? abortError(signal) : err;
    }
    const started = performance.now();
    let response: LlmResponse | undefined;
    let failure: unknown;
    try {
      response = await deps.client.complete({
        model: req.model,
        messages: req.messages,
        jsonMode: options.jsonMode,
        maxTokens: req.maxTokens,
        temperature: options.temperature,
        signal,
        timeoutMs: options.timeoutMs,
      });
    } catch (err) {
      failure = err;
    } finally {
      permit.release(response ? response.usage.prompt + response.usage.completion : estimate);
    }

    if (response) {
      const judged = judge(response);
      await record(deps, step, req.model, attempt, flags.repair, {
        response,
        outcome: judged.ok ? 'ok' : 'invalid_output',
      });
      return { ...judged, response };
    }

    const err =
      failure instanceof LlmError
        ? failure
        : new LlmError('LLM_SERVER', failure instanceof Error ? failure.message : String(failure), {
            cause: failure,
          });
    // A cancel is not a failed call worth a record: nothing was answered or billed.
    if (err.code !== 'LLM_ABORTED') {
      await record(deps, step, req.model, attempt, flags.repair, {
        error: err,
        latencyMs: performance.now() - started,
      });
    }
    if (!(failure instanceof LlmError)) throw failure;
    if (!err.retryable || attempt >= attempts) throw err;
    if (err.retryAfterMs != null && err.retryAfterMs > options.retry.maxRetryAfterMs) throw err;
    const delay = err.retryAfterMs ?? backoffDelay(attempt, options.retry);
    if (err.code === 'LLM_RATE_LIMIT') {
      // The limit is usually per key: hold every caller, not just this one.
      deps.limiter.pauseFor(delay);
    } else {
      await sleep(delay, signal);
    }
  }
}

async function record(
  deps: CallDeps,
  step: UsageStep,
  model: string,
  attempt: number,
  repair: boolean,
  what: { response: LlmResponse; outcome: 'ok' | 'invalid_output' } | { error: LlmError; latencyMs: number },
): Promise<void> {
  const price = priceFor(deps.options.prices, model, 'response' in what ? what.response.model : undefined);
  const usage =
    'response' in what
      ? {
          promptTokens: what.response.usage.prompt,
          completionTokens: what.response.usage.completion,
          cachedTokens: what.response.usage.cached,
          reasoningTokens: what.response.usage.reasoning,
          usageEstimated: what.response.usage.estimated,
        }
      : { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, usageEstimated: false };
  const rec: UsageRecord = {
    articleId: deps.articleId,
    sourceId: deps.sourceId,
    step,
    model,
    ...usage,
    latencyMs: Math.round('response' in what ? what.response.latencyMs : what.latencyMs),
    outcome: 'response' in what ? what.outcome : 'error',
    errorCode: 'error' in what ? what.error.code : null,
    attempt,
    repair,
    costUsd: price ? costOfCall(price, usage) : null,
    at: Date.now(),
  };
  deps.collected.push(rec);
  await deps.usage.record(rec);
}
