// The news categories, in priority order: what enrichment classifies into and what the digest's sections
// are. One list for both, so a category the classifier may answer always has a section to land in.
import { z } from 'zod';

/** The catch-all category; it is the only default section that is hidden while empty. */
export const FALLBACK_CATEGORY_NAME = '其他';

export const DEFAULT_CATEGORY_NAMES = [
  '金融业网络安全事件',
  '重大网络安全事件',
  '重大数据泄露事件',
  '重大漏洞风险提示',
  FALLBACK_CATEGORY_NAME,
] as const;

export interface CategoryEntry {
  name: string;
  /** The digest shows the section with "> 暂无" when it has no item. */
  showWhenEmpty: boolean;
}

/** Every category shows when empty except the catch-all (the house format). */
export function defaultShowWhenEmpty(name: string): boolean {
  return name !== FALLBACK_CATEGORY_NAME;
}

export const DEFAULT_CATEGORY_ENTRIES: readonly CategoryEntry[] = Object.freeze(
  DEFAULT_CATEGORY_NAMES.map((name) => Object.freeze({ name, showWhenEmpty: defaultShowWhenEmpty(name) })),
);

const entry = z.union([
  z.string().trim().min(1),
  z.object({ name: z.string().trim().min(1), showWhenEmpty: z.boolean().optional() }).strict(),
]);

/**
 * A JSON list of categories: names (["A","B","其他"]) or objects ({"name":"A","showWhenEmpty":false}).
 * Names must be unique; a bare name shows when empty unless it is 其他.
 */
export const categoryListText = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON list, e.g. ["金融业网络安全事件","其他"]' });
      return z.NEVER;
    }
  })
  .pipe(z.array(entry).min(1, 'needs at least one category'))
  .transform((list) =>
    list.map((e): CategoryEntry =>
      typeof e === 'string'
        ? { name: e, showWhenEmpty: defaultShowWhenEmpty(e) }
        : { name: e.name, showWhenEmpty: e.showWhenEmpty ?? defaultShowWhenEmpty(e.name) },
    ),
  )
  .refine((list) => new Set(list.map((c) => c.name)).size === list.length, {
    message: 'category names must be unique',
  });
