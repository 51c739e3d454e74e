// Delivery failures as one typed error: what went wrong, and whether trying again can help.
import { AppError, type ErrorCode } from '../../errors.ts';

export type DeliveryErrorKind =
  /** Non-2xx HTTP answer, or an SMTP error reply. */
  | 'http'
  /** 2xx answer whose body says the message was refused (Feishu code, DingTalk errcode). */
  | 'rejected'
  | 'timeout'
  /** Could not connect, connection reset, DNS failure. */
  | 'network'
  /** The channel configuration is unusable (bad URL, missing field, authentication refused). */
  | 'config'
  /** Cancelled by the caller's signal. */
  | 'aborted';

const CODES: Record<DeliveryErrorKind, ErrorCode> = {
  http: 'UPSTREAM_HTTP',
  rejected: 'UPSTREAM_HTTP',
  timeout: 'UPSTREAM_TIMEOUT',
  network: 'UNAVAILABLE',
  config: 'VALIDATION',
  aborted: 'UNAVAILABLE',
};

export interface DeliveryErrorInit {
  channel: string;
  kind: DeliveryErrorKind;
  retryable: boolean;
  status?: number;
  responseBody?: string;
  /** The receiver asked to wait this long (Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class DeliveryError extends AppError {
  readonly channel: string;
  readonly kind: DeliveryErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  readonly responseBody?: string;
  readonly retryAfterMs?: number;

  constructor(message: string, init: DeliveryErrorInit) {
    super(
      CODES[init.kind],
      message,
      { channel: init.channel, kind: init.kind, status: init.status, retryable: init.retryable },
      { cause: init.cause },
    );
    this.name = 'DeliveryError';
    this.channel = init.channel;
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.status = init.status;
    this.responseBody = init.responseBody;
    this.retryAfterMs = init.retryAfterMs;
  }
}

export function isDeliveryError(err: unknown): err is DeliveryError {
  return err instanceof DeliveryError;
}

/** HTTP statuses worth another attempt: timeouts, rate limits, server trouble. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
