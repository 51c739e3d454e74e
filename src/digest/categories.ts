// Digest sections: which categories exist, their order, and which show even when empty.
import { z } from 'zod';
import { DEFAULT_CATEGORY_ENTRIES, FALLBACK_CATEGORY_NAME } from '../config/categories.ts';

export interface CategorySpec {
  name: string;
  /** Shown with "> 暂无" when no item falls into it. */
  showWhenEmpty: boolean;
}

/** The house sections (shared with enrichment's category list in config/categories.ts). */
export const DEFAULT_CATEGORIES: readonly CategorySpec[] = DEFAULT_CATEGORY_ENTRIES;

/** Items whose category is not in the list land here. */
export const FALLBACK_CATEGORY = FALLBACK_CATEGORY_NAME;

export const categorySpecSchema = z.object({
  name: z.string().trim().min(1),
  showWhenEmpty: z.boolean().default(false),
});

export const categoryListSchema = z
  .array(categorySpecSchema)
  .min(1)
  .refine((list) => new Set(list.map((c) => c.name)).size === list.length, {
    message: 'category names must be unique',
  });

/**
 * The section an item belongs to: its own category when configured, else the fallback
 * (the configured "其他", or the last category when there is no "其他").
 */
export function sectionFor(category: string, categories: readonly CategorySpec[]): string {
  const name = category.trim();
  if (categories.some((c) => c.name === name)) return name;
  if (categories.some((c) => c.name === FALLBACK_CATEGORY)) return FALLBACK_CATEGORY;
  return categories[categories.length - 1].name;
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`section number out of range: ${n}`);
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}
