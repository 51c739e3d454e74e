// One-call form of grouping for a task handler: saved state in, placements and the next state out.
import type { EventArticle } from './article.ts';
import { EventGrouper } from './event-grouper.ts';
import type { GroupingResult, GroupingState } from './event-types.ts';
import type { GroupingOptions } from './options.ts';

export const EMPTY_GROUPING_STATE: GroupingState = Object.freeze({
  events: [],
  members: [],
  now: null,
}) as GroupingState;

/**
 * Group `newArticles` into the events of `state` (null for a first run). Returns what changed and the state
 * to save for the next run; ids of events that existed stay the same unless they were merged into an older one.
 */
export function groupArticles(
  newArticles: readonly EventArticle[],
  state: GroupingState | null,
  options: GroupingOptions & { now?: number } = {},
): GroupingResult & { state: GroupingState } {
  const grouper = EventGrouper.fromState(state ?? EMPTY_GROUPING_STATE, options);
  const result = grouper.group(newArticles, { now: options.now });
  return { ...result, state: grouper.snapshot() };
}
