// The digest as data: what the renderers, the selection and the repeat check agree on.
import { z } from 'zod';
import { compactDay } from '../time.ts';

/** A source link of an item: the representative article first, then other outlets covering the same event. */
export interface DigestLink {
  url: string;
  /** Outlet name shown to readers, e.g. "FreeBuf" or "BleepingComputer". */
  source: string;
}

export interface DigestItem {
  /** Stable id of the item inside its digest (assigned by the store). */
  id: string;
  articleId: string;
  eventId?: string | null;
  /** One of the configured category names; unknown names fall into the fallback category. */
  category: string;
  /** Chinese title as shown to readers. */
  title: string;
  /** One-paragraph Chinese summary; may be empty (rendered as 暂无摘要). */
  summary: string;
  links: DigestLink[];
  /** Position in the digest; items are numbered within their section in this order. */
  order: number;
}

/** An item before the store has given it an id (output of automatic selection, input of "create"). */
export type NewDigestItem = Omit<DigestItem, 'id'>;

export interface Digest {
  id: string;
  /** The digest's own local day, yyyy-MM-dd (not "today"). */
  date: string;
  /** Empty means the default title for the date (每日网安情报速递【yyyyMMdd】). */
  title: string;
  /** Optional lead paragraph; empty in the house format. */
  intro: string;
  items: DigestItem[];
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-MM-dd');

export const digestLinkSchema = z.object({
  url: z.string().min(1),
  source: z.string(),
});

export const digestItemSchema = z.object({
  id: z.string().min(1),
  articleId: z.string().min(1),
  eventId: z.string().nullable().optional(),
  category: z.string().min(1),
  title: z.string(),
  summary: z.string(),
  links: z.array(digestLinkSchema),
  order: z.number().int(),
});

export const digestSchema = z.object({
  id: z.string().min(1),
  date: day,
  title: z.string(),
  intro: z.string(),
  items: z.array(digestItemSchema),
});

export const DIGEST_TITLE_PREFIX = '每日网安情报速递';

/** 每日网安情报速递【yyyyMMdd】 for the digest's own date. */
export function defaultDigestTitle(date: string): string {
  return `${DIGEST_TITLE_PREFIX}【${compactDay(date)}】`;
}

/** The title readers see: the edited title, or the default one for the date. */
export function displayTitle(digest: Pick<Digest, 'date' | 'title'>): string {
  const t = digest.title.trim();
  return t === '' ? defaultDigestTitle(digest.date) : t;
}

/** Items in the digest's order (stable for equal `order`). */
export function orderedItems<T extends { order: number }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.order - b.item.order || a.index - b.index)
    .map((x) => x.item);
}
