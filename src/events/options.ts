// Tunables of event grouping, with the defaults the tests and benchmark were calibrated on.
import { hash } from 'node:crypto';
import { ValidationError } from '../errors.ts';
import type { EventArticle } from './article.ts';
import type { CjkMode } from './tokenize.ts';

export interface GroupingOptions {
  /** Sliding window: articles further apart never group; events idle this long close. Default 72 h. */
  windowMs?: number;
  /** Headline or body similarity from which two articles are the same story. Default 0.6. */
  duplicateThreshold?: number;
  /** Evidence score from which an article joins an event. Default 0.4. */
  joinThreshold?: number;
  /** Evidence score from which an article bridging two events merges them. Default 0.5. */
  mergeThreshold?: number;
  /** Articles naming more CVEs than this are round-ups: their CVEs link nothing. Default 4. */
  maxFocalCves?: number;
  /** Most recent members kept per CVE / entity / title term key. Default 64. */
  postingCap?: number;
  /** Most recent members kept per LSH bucket. Default 24. */
  bucketCap?: number;
  /** Title-term and entity candidates fully scored per article (CVE and near-duplicate ones come first). Default 10. */
  maxTermCandidates?: number;
  /** Score every member in the window instead of indexed candidates (all-pairs): for baselines and checks. */
  exhaustive?: boolean;
  cjk?: CjkMode;
  /** Body characters read for the body signature. Default 2000. */
  bodyChars?: number;
  /** Wall clock for createdAt/updatedAt. Default Date.now. */
  clock?: () => number;
  /** Id for an event started by `seed`. Default: deterministic from the seed article id. */
  newEventId?: (seed: EventArticle) => string;
}

export type ResolvedGroupingOptions = Required<GroupingOptions>;

export const DEFAULT_WINDOW_MS = 72 * 60 * 60 * 1000;

/** Deterministic: a retried or replayed run gives the event the same id. */
export function defaultEventId(seed: Pick<EventArticle, 'id'>): string {
  return 'evt_' + hash('sha1', seed.id, 'hex').slice(0, 20);
}

export function resolveGroupingOptions(options: GroupingOptions = {}): ResolvedGroupingOptions {
  const resolved: ResolvedGroupingOptions = {
    windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
    duplicateThreshold: options.duplicateThreshold ?? 0.6,
    joinThreshold: options.joinThreshold ?? 0.4,
    mergeThreshold: options.mergeThreshold ?? 0.5,
    maxFocalCves: options.maxFocalCves ?? 4,
    postingCap: options.postingCap ?? 64,
    bucketCap: options.bucketCap ?? 24,
    maxTermCandidates: options.maxTermCandidates ?? 10,
    exhaustive: options.exhaustive ?? false,
    cjk: options.cjk ?? 'bigram',
    bodyChars: options.bodyChars ?? 2000,
    clock: options.clock ?? Date.now,
    newEventId: options.newEventId ?? defaultEventId,
  };
  if (!(resolved.windowMs > 0)) throw new ValidationError('windowMs must be positive');
  for (const key of ['duplicateThreshold', 'joinThreshold', 'mergeThreshold'] as const) {
    const value = resolved[key];
    if (!(value > 0 && value <= 1)) throw new ValidationError(`${key} must be in (0, 1]`, { [key]: value });
  }
  for (const key of ['maxFocalCves', 'postingCap', 'bucketCap', 'maxTermCandidates', 'bodyChars'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 1)
      throw new ValidationError(`${key} must be a positive integer`, { [key]: value });
  }
  return resolved;
}
