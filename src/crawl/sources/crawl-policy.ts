// Decisions over a whole crawl run and over entries: network outages, maximum entry age.
import { DAY } from './schedule-policy.ts';

/** Failure codes that speak about the path to the network rather than the source. */
const NETWORK_CODES = new Set(['DNS', 'CONNECTION', 'UPSTREAM_TIMEOUT', 'TLS']);

export interface CrawlResultSummary {
  ok: boolean;
  /** Stable error code when not ok. */
  code?: string;
}

export interface OutageOptions {
  /** Fewer attempted sources than this never count as an outage (default 3). */
  minSources?: number;
  /** Fraction of network-level failures that means "the network is down" (default 1: all of them). */
  failureRatio?: number;
}

/**
 * True when the run looks like our own outage (every source failed at the network level at once);
 * the caller then records the error but neither counts the failure nor backs the sources off.
 */
export function isLikelyOutage(results: readonly CrawlResultSummary[], options: OutageOptions = {}): boolean {
  const min = options.minSources ?? 3;
  const ratio = options.failureRatio ?? 1;
  if (results.length < min) return false;
  const network = results.filter((r) => !r.ok && r.code !== undefined && NETWORK_CODES.has(r.code)).length;
  return network / results.length >= ratio;
}

/** Entries published before now − maxFetchDays are skipped; entries without a date are kept. */
export function isWithinMaxAge(publishedAt: number | undefined, now: number, maxFetchDays: number): boolean {
  if (publishedAt === undefined || !(maxFetchDays > 0)) return true;
  return publishedAt >= now - maxFetchDays * DAY;
}

export function filterByMaxAge<T extends { publishedAt?: number }>(
  entries: readonly T[],
  now: number,
  maxFetchDays: number,
): T[] {
  return entries.filter((e) => isWithinMaxAge(e.publishedAt, now, maxFetchDays));
}
