// A source's crawl state after a crawl: success (or 304), counted failure, or a failure during what looks
// like our own outage (recorded, not counted). Values in, a patch out; the orchestrator writes it.
import type { Source } from '../../store/content-types.ts';
import type { SourceStatePatch } from '../../store/crawl-types.ts';
import { decideRedirect, type Hop } from './redirect-policy.ts';
import {
  MINUTE,
  adaptiveIntervalMs,
  entriesPerWeek,
  failureBackoffMs,
  hintFloorMs,
  nextCheckAfterFailure,
  nextCheckAt,
  shouldAutoDisable,
  type FeedHints,
} from './schedule-policy.ts';

export interface StatePolicy {
  /** Permanent redirects replace the URL after this many crawls in a row. */
  redirectPromoteAfter: number;
  /** Disable after failing this long (0 never). */
  autoDisableAfterMs: number;
  random?: () => number;
}

export interface SuccessFacts extends FeedHints {
  now: number;
  status: number;
  notModified: boolean;
  etag?: string;
  lastModified?: string;
  /** Hash of a body that came without validators, null when it had some; absent when no body was read. */
  bodyHash?: string | null;
  redirects: readonly Hop[];
  /** Publication times of every entry in the document (adaptive polling); undefined on 304. */
  publishedAt?: readonly number[];
  itemsFound: number;
  itemsNew: number;
  message: string;
}

export interface FailureFacts {
  now: number;
  code: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
}

/** When to look again after a good answer: the fixed interval, or adaptive from the entry rate. */
export function nextCheckAfterSuccess(source: Source, facts: SuccessFacts, perWeek: number | null): number {
  const hints = { ttlMinutes: facts.ttlMinutes, maxAgeMs: facts.maxAgeMs, retryAfterMs: facts.retryAfterMs };
  if (source.fetchIntervalMinutes != null)
    return nextCheckAt({
      now: facts.now,
      mode: 'fixed',
      intervalMs: source.fetchIntervalMinutes * MINUTE,
      ...hints,
    });
  return facts.now + Math.max(adaptiveIntervalMs(perWeek ?? 0), hintFloorMs(hints));
}

export function stateAfterSuccess(
  source: Source,
  facts: SuccessFacts,
  policy: StatePolicy,
): { patch: SourceStatePatch; promotedTo?: string } {
  const perWeek = facts.publishedAt ? entriesPerWeek(facts.publishedAt, facts.now) : source.entriesPerWeek;
  const memory = source.pendingRedirectUrl
    ? { target: source.pendingRedirectUrl, count: source.pendingRedirectCount }
    : undefined;
  const decision = decideRedirect(facts.redirects, memory, policy.redirectPromoteAfter);
  const patch: SourceStatePatch = {
    etag: facts.notModified ? (facts.etag ?? source.etag) : (facts.etag ?? null),
    lastModified: facts.notModified
      ? (facts.lastModified ?? source.lastModified)
      : (facts.lastModified ?? null),
    ...(facts.bodyHash !== undefined ? { bodyHash: facts.bodyHash } : {}),
    lastFetchAt: facts.now,
    lastSuccessAt: facts.now,
    lastStatus: facts.status,
    lastMessage: facts.message,
    lastErrorCode: null,
    consecutiveFailures: 0,
    firstFailureAt: null,
    nextCheckAt: nextCheckAfterSuccess(source, facts, perWeek),
    pendingRedirectUrl: decision.memory?.target ?? null,
    pendingRedirectCount: decision.memory?.count ?? 0,
    itemsFound: facts.itemsFound,
    itemsNew: facts.itemsNew,
    entriesPerWeek: perWeek === null ? null : Math.round(perWeek * 100) / 100,
  };
  if (decision.promoteTo && decision.promoteTo !== source.url) {
    patch.url = decision.promoteTo;
    return { patch, promotedTo: decision.promoteTo };
  }
  return { patch };
}

export function stateAfterFailure(
  source: Source,
  facts: FailureFacts,
  policy: StatePolicy,
): SourceStatePatch {
  const failures = source.consecutiveFailures + 1;
  const since = source.firstFailureAt ?? facts.now;
  const patch: SourceStatePatch = {
    lastFetchAt: facts.now,
    lastStatus: facts.status ?? null,
    lastErrorCode: facts.code,
    lastMessage: facts.message,
    consecutiveFailures: failures,
    firstFailureAt: since,
    nextCheckAt: nextCheckAfterFailure(facts.now, failures, facts.retryAfterMs, { random: policy.random }),
    itemsFound: 0,
    itemsNew: 0,
  };
  const verdict = shouldAutoDisable({ consecutiveFailures: failures, failingSince: since }, facts.now, {
    disableAfterMs: policy.autoDisableAfterMs,
  });
  if (verdict.disable) {
    patch.active = false;
    patch.disabledReason = `disabled automatically: ${verdict.reason}; last error ${facts.code}: ${facts.message}`;
  }
  return patch;
}

/** Every source failed at the network level at once: record the error, keep the streak, retry soon. */
export function stateAfterOutage(source: Source, facts: FailureFacts, policy: StatePolicy): SourceStatePatch {
  return {
    lastFetchAt: facts.now,
    lastStatus: facts.status ?? null,
    lastErrorCode: facts.code,
    lastMessage: `not counted (every source failed at once; the network looks down): ${facts.message}`,
    nextCheckAt: facts.now + failureBackoffMs(1, { random: policy.random }),
  };
}
