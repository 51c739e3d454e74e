// Whether the feed's own summary can stand in for a generated one: the source must ask for it, and the
// summary must be of a useful length, in the target language, and not a teaser cut off with "…".
import { detectTextLanguage } from './text/language.ts';

export type FeedSummaryDecision = { use: true; summary: string } | { use: false; reason: string };

export interface FeedSummaryPolicy {
  targetLanguage: string;
  minChars: number;
  maxChars: number;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

export function cleanFeedSummary(raw: string): string {
  return raw
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, e: string) => ENTITIES[e])
    .replace(/\s+/g, ' ')
    .trim();
}

const TEASER_END = /(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|阅读全文|更多)\s*$/i;

export function decideFeedSummary(
  feedSummary: string | null | undefined,
  enabled: boolean,
  policy: FeedSummaryPolicy,
  title: string,
): FeedSummaryDecision {
  if (!enabled) return { use: false, reason: 'source does not use feed summaries' };
  if (!feedSummary) return { use: false, reason: 'feed has no summary' };
  const summary = cleanFeedSummary(feedSummary);
  const length = Array.from(summary).length;
  if (length < policy.minChars) return { use: false, reason: `feed summary too short (${length} chars)` };
  if (length > policy.maxChars) return { use: false, reason: `feed summary too long (${length} chars)` };
  if (TEASER_END.test(summary)) return { use: false, reason: 'feed summary is a cut-off teaser' };
  if (summary === title.trim()) return { use: false, reason: 'feed summary repeats the title' };
  const language = detectTextLanguage(summary);
  if (language !== policy.targetLanguage) {
    return { use: false, reason: `feed summary is in ${language}, not ${policy.targetLanguage}` };
  }
  return { use: true, summary };
}
