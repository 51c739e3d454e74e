// Shapes that leave the grouping engine: event records, per-article memberships and run results.
// They are plain data so a store can persist them as rows and hand them back as GroupingState.
import type { ArticleFingerprint } from './fingerprint.ts';

export interface EventEntityCount {
  /** Normalised matching key. */
  key: string;
  /** Display name as first seen. */
  name: string;
  type: string;
  /** Member articles that named it. */
  count: number;
}

/** One incident: many stories, possibly from many sources, inside the grouping window. */
export interface EventRecord {
  /** Stable id ("evt_" + 20 hex digits derived from the first article by default). */
  id: string;
  /** Representative title: the earliest member's title, preferring a Chinese (enriched) one. */
  label: string;
  labelArticleId: string;
  /** Time of the label article (decides whether a new member takes over the label). */
  labelAt: number;
  /** Most frequent member category. */
  category: string | null;
  categoryCounts: Record<string, number>;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Every member article, in the order they joined (including members already outside the window). */
  articleIds: string[];
  /** Distinct sources, in the order they joined. */
  sourceIds: string[];
  /** CVE ids of members that are about a few CVEs (round-ups are not allowed to tag an event), sorted. */
  cves: string[];
  /** Most named entities first, at most 20. */
  entities: EventEntityCount[];
  /** Wall-clock time of the run that created / last changed the event. */
  createdAt: number;
  updatedAt: number;
  /** Set on an event absorbed by another; absorbed events are not kept in the state. */
  mergedInto: string | null;
}

/** An article's place in grouping; the state keeps those still inside the window. */
export interface EventMember {
  articleId: string;
  eventId: string;
  /** Near-duplicate cluster (same story, reworded): the id of the cluster's first article. */
  clusterId: string;
  sourceId: string;
  /** Article time used for windowing (epoch ms). */
  at: number;
  fingerprint: ArticleFingerprint;
}

/** Everything needed to continue grouping in a later run. */
export interface GroupingState {
  /** Events with a member inside the window. */
  events: EventRecord[];
  /** Members inside the window. */
  members: EventMember[];
  /** Latest instant the window was advanced to (epoch ms), or null before the first run. */
  now: number | null;
}

/**
 * Why an article joined its event: a near-duplicate of a member, a shared CVE, similar title/summary and
 * entities, the first article of a new event, or an article the state already held.
 */
export type AssignmentReason = 'duplicate' | 'cve' | 'similar' | 'new' | 'known';

export interface Assignment {
  articleId: string;
  /** Final event id after every merge in the run. */
  eventId: string;
  clusterId: string;
  /** The earlier article this one is a near-duplicate of, or null. */
  duplicateOf: string | null;
  /** The member whose evidence placed the article, or null for a new event. */
  matchedArticleId: string | null;
  reason: AssignmentReason;
  /** Evidence strength: similarity for 'duplicate'/'similar', 1 for 'cve', 0 for 'new'. */
  score: number;
  at: number;
  fingerprint: ArticleFingerprint;
}

export interface MergedEvent {
  /** Event that existed before the run and was absorbed. */
  id: string;
  /** The surviving (older) event. */
  into: string;
}

export interface GroupingResult {
  /** One per input article, in input order. */
  assignments: Assignment[];
  /** Events created in this run and still standing at its end. */
  createdEvents: EventRecord[];
  /** Events that existed before the run and changed (new members, absorbed events). */
  updatedEvents: EventRecord[];
  /** Events that existed before the run and were merged into an older one. */
  mergedEvents: MergedEvent[];
  /** Events that left the window during the run (no longer in the state). */
  expiredEventIds: string[];
}
