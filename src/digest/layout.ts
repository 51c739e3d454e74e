// Digest layout shared by every renderer: which sections appear, in what order, with which items.
import { chineseNumeral, DEFAULT_CATEGORIES, sectionFor, type CategorySpec } from './categories.ts';
import { orderedItems, type DigestItem } from './model.ts';

export interface DigestSection<T extends DigestItem = DigestItem> {
  /** Chinese section number by position among the rendered sections: 一, 二, ... */
  numeral: string;
  name: string;
  items: T[];
}

/**
 * Sections in the configured order. Categories marked showWhenEmpty always appear; others only with
 * items. Items keep the digest's order inside their section.
 */
export function layoutSections<T extends DigestItem>(
  items: readonly T[],
  categories: readonly CategorySpec[] = DEFAULT_CATEGORIES,
): DigestSection<T>[] {
  const bySection = new Map<string, T[]>(categories.map((c) => [c.name, []]));
  for (const item of orderedItems(items)) bySection.get(sectionFor(item.category, categories))!.push(item);
  const shown = categories.filter((c) => c.showWhenEmpty || bySection.get(c.name)!.length > 0);
  return shown.map((c, i) => ({
    numeral: chineseNumeral(i + 1),
    name: c.name,
    items: bySection.get(c.name)!,
  }));
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;

/**
 * Collapse text into one paragraph: line breaks and runs of white space become one space, except
 * between CJK characters or punctuation, where a space would be a visible gap.
 */
export function oneParagraph(text: string): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split(/\n+/)
    .map((l) => l.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((l) => l !== '');
  let out = '';
  for (const line of lines) {
    if (out === '') out = line;
    else if (CJK.test(out.at(-1)!) || CJK.test(line[0])) out += line;
    else out += ` ${line}`;
  }
  return out;
}

export const EMPTY_SUMMARY = '暂无摘要';
export const EMPTY_SECTION = '暂无';

/** Only http(s) links are shown as links; anything else (javascript:, data:) is dropped. */
export function isSafeLinkUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
