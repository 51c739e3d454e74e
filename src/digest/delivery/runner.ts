// Delivery with retries: every attempt is reported through a port (to be stored on the digest),
// failures come back as outcomes, never swallowed.
import { serializeError } from '../../errors.ts';
import { parseChannelConfig, sendToChannel, type ChannelConfig, type ChannelType } from './channels.ts';
import { DeliveryError, isDeliveryError, type DeliveryErrorKind } from './errors.ts';
import { redactSecrets } from './mask.ts';
import type { DigestRendering, SendResult } from './types.ts';

export interface DeliveryTarget {
  /** Store id of the channel, when it has one. */
  id?: string;
  /** Name shown to people, e.g. "安全部飞书群". */
  name: string;
  /** Raw or parsed config; validated again here. */
  config: unknown;
}

export interface DeliveryAttemptError {
  type: string;
  kind: DeliveryErrorKind | 'unknown';
  code?: string;
  message: string;
  retryable: boolean;
}

export interface DeliveryAttempt {
  channel: string;
  channelId: string | null;
  channelType: ChannelType | null;
  /** 1-based. */
  attempt: number;
  ok: boolean;
  /** HTTP status or SMTP reply code; null when nothing answered. */
  status: number | null;
  /** The receiver's answer, truncated, secrets redacted. */
  response: string | null;
  /** Epoch ms when the attempt started. */
  at: number;
  durationMs: number;
  error: DeliveryAttemptError | null;
  /** Delay before the next attempt, or null when this was the last one. */
  nextRetryInMs: number | null;
}

export interface DeliveryOutcome {
  channel: string;
  channelId: string | null;
  channelType: ChannelType | null;
  ok: boolean;
  attempts: number;
  status: number | null;
  response: string | null;
  error: DeliveryAttemptError | null;
}

export interface RetryPolicy {
  /** Total attempts including the first. Default 3. */
  attempts?: number;
  /** First delay; doubles each time. Default 2 s. */
  baseDelayMs?: number;
  /** Upper bound for a delay, also for a receiver's Retry-After. Default 60 s. */
  maxDelayMs?: number;
  /** ± fraction of random spread on each delay. Default 0.2. */
  jitter?: number;
}

export interface DeliverOptions {
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Called after every attempt, before any wait; an error thrown here aborts the delivery. */
  onAttempt?: (attempt: DeliveryAttempt) => void | Promise<void>;
  /** Replaceable for tests. */
  send?: (rendering: DigestRendering, config: ChannelConfig, signal: AbortSignal) => Promise<SendResult>;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function backoffDelay(
  attempt: number,
  policy: RetryPolicy = {},
  random = Math.random,
  retryAfterMs?: number,
): number {
  const base = policy.baseDelayMs ?? 2_000;
  const max = policy.maxDelayMs ?? 60_000;
  const jitter = policy.jitter ?? 0.2;
  const exp = Math.min(max, base * 2 ** (attempt - 1));
  const spread = exp * jitter * (random() * 2 - 1);
  const delay = Math.round(Math.min(max, Math.max(0, exp + spread)));
  return retryAfterMs === undefined ? delay : Math.min(max, Math.max(delay, retryAfterMs));
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describeError(err: unknown, config: object): DeliveryAttemptError {
  const s = serializeError(err);
  return {
    type: s.type,
    kind: isDeliveryError(err) ? err.kind : 'unknown',
    code: s.code,
    message: redactSecrets(s.message, config),
    retryable: isDeliveryError(err) ? err.retryable : false,
  };
}

/** Deliver to one channel, retrying transient failures with exponential backoff and jitter. */
export async function deliver(
  target: DeliveryTarget,
  rendering: DigestRendering,
  options: DeliverOptions = {},
): Promise<DeliveryOutcome> {
  const now = options.now ?? Date.now;
  const send = options.send ?? sendToChannel;
  const sleep = options.sleep ?? abortableSleep;
  const signal = options.signal ?? new AbortController().signal;
  const maxAttempts = Math.max(1, options.retry?.attempts ?? 3);
  const base = { channel: target.name, channelId: target.id ?? null };
  const rawConfig = (target.config && typeof target.config === 'object' ? target.config : {}) as object;

  let config: ChannelConfig;
  try {
    config = parseChannelConfig(target.config);
  } catch (err) {
    const error = { ...describeError(err, rawConfig), kind: 'config' as const, retryable: false };
    const at = now();
    await options.onAttempt?.({
      ...base,
      channelType: null,
      attempt: 1,
      ok: false,
      status: null,
      response: null,
      at,
      durationMs: 0,
      error,
      nextRetryInMs: null,
    });
    return { ...base, channelType: null, ok: false, attempts: 1, status: null, response: null, error };
  }

  const channelType = config.type;
  let last: DeliveryOutcome = {
    ...base,
    channelType,
    ok: false,
    attempts: 0,
    status: null,
    response: null,
    error: null,
  };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const at = now();
    let record: DeliveryAttempt;
    let retryAfterMs: number | undefined;
    try {
      const res = await send(rendering, config, signal);
      record = {
        ...base,
        channelType,
        attempt,
        ok: true,
        status: res.status,
        response: redactSecrets(res.responseBody, config),
        at,
        durationMs: now() - at,
        error: null,
        nextRetryInMs: null,
      };
    } catch (err) {
      const error = describeError(err, config);
      const aborted = signal.aborted;
      if (aborted) error.retryable = false;
      retryAfterMs = isDeliveryError(err) ? err.retryAfterMs : undefined;
      const more = error.retryable && attempt < maxAttempts;
      record = {
        ...base,
        channelType,
        attempt,
        ok: false,
        status: err instanceof DeliveryError ? (err.status ?? null) : null,
        response:
          err instanceof DeliveryError && err.responseBody !== undefined
            ? redactSecrets(err.responseBody, config)
            : null,
        at,
        durationMs: now() - at,
        error,
        nextRetryInMs: more ? backoffDelay(attempt, options.retry, options.random, retryAfterMs) : null,
      };
    }
    await options.onAttempt?.(record);
    last = {
      ...base,
      channelType,
      ok: record.ok,
      attempts: attempt,
      status: record.status,
      response: record.response,
      error: record.error,
    };
    if (record.ok || record.nextRetryInMs === null) return last;
    try {
      await sleep(record.nextRetryInMs, signal);
    } catch {
      return last;
    }
  }
  return last;
}

/** Deliver to several channels at once; one outcome per target, in the same order. */
export function deliverAll(
  targets: readonly DeliveryTarget[],
  rendering: DigestRendering,
  options: DeliverOptions = {},
): Promise<DeliveryOutcome[]> {
  return Promise.all(targets.map((t) => deliver(t, rendering, options)));
}
