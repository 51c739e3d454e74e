// Field rules shared by the XML and JSON feed readers: plain-text titles, summaries cut from content,
// category lists, dates, and the syndication module's refresh hint.
import { parseDate, type DateParseOptions } from './dates.ts';
import { collapseWhitespace, decodeEntities, htmlToText } from './text.ts';
import type { FeedEntry } from './types.ts';

export interface NormaliseContext {
  /** URL the document was fetched from; relative links resolve against it. */
  feedUrl?: string;
  dates: DateParseOptions;
}

/** Plain text of a title-like field (which may carry HTML), or undefined when empty. */
export function plainText(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = htmlToText(s);
  return t ? t : undefined;
}

export function dateOf(s: string | undefined, ctx: NormaliseContext): number | undefined {
  return s ? parseDate(s, ctx.dates) : undefined;
}

/** Categories trimmed, entity-decoded, without repeats, in order. */
export function uniqueCategories(values: (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const t = v ? collapseWhitespace(decodeEntities(v)) : '';
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** An entry without a summary gets the first 500 characters of its content's text. */
export function finishEntry(e: FeedEntry): FeedEntry {
  if (!e.summary && e.contentHtml) {
    const t = htmlToText(e.contentHtml);
    if (t) e.summary = t.length > 500 ? `${t.slice(0, 500)}…` : t;
  }
  return e;
}

const PERIOD_MINUTES: Record<string, number> = {
  hourly: 60,
  daily: 1440,
  weekly: 10080,
  monthly: 43200,
  yearly: 525600,
};

/** sy:updatePeriod / sy:updateFrequency as minutes between updates. */
export function syndicationMinutes(
  period: string | undefined,
  frequency: string | undefined,
): number | undefined {
  const p = period ? PERIOD_MINUTES[period.trim().toLowerCase()] : undefined;
  if (!p) return undefined;
  const freq = Number(frequency) > 0 ? Number(frequency) : 1;
  return Math.max(1, Math.round(p / freq));
}
