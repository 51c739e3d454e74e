// The house Markdown of a digest, for the editor's live preview. It mirrors src/digest/markdown.ts
// (which the server uses for downloads and delivery); an end-to-end test compares the two outputs.
export interface PreviewItem {
  category: string;
  title: string;
  summary: string;
  links: { url: string; source: string }[];
}

export interface PreviewDigest {
  date: string;
  title: string;
  intro: string;
  /** In digest order. */
  items: PreviewItem[];
}

export interface Category {
  name: string;
  showWhenEmpty: boolean;
}

const FALLBACK = '其他';
const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;

export function chineseNumeral(n: number): string {
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

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

export function defaultTitle(date: string): string {
  return `每日网安情报速递【${date.replaceAll('-', '')}】`;
}

export function sectionFor(category: string, categories: readonly Category[]): string {
  const name = category.trim();
  if (categories.some((c) => c.name === name)) return name;
  if (categories.some((c) => c.name === FALLBACK)) return FALLBACK;
  return categories.at(-1)?.name ?? FALLBACK;
}

export interface Section<T> {
  numeral: string;
  name: string;
  items: T[];
}

export function layoutSections<T extends { category: string }>(
  items: readonly T[],
  categories: readonly Category[],
): Section<T>[] {
  const bySection = new Map<string, T[]>(categories.map((c) => [c.name, []]));
  for (const item of items) bySection.get(sectionFor(item.category, categories))?.push(item);
  const shown = categories.filter((c) => c.showWhenEmpty || bySection.get(c.name)!.length > 0);
  return shown.map((c, i) => ({
    numeral: chineseNumeral(i + 1),
    name: c.name,
    items: bySection.get(c.name)!,
  }));
}

function isSafeLinkUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function markdownLink(link: { url: string; source: string }): string {
  const label = oneParagraph(link.source).replace(/[[\]\\]/g, (c) => `\\${c}`) || new URL(link.url).hostname;
  const url = link.url.replace(/[()\s]/g, (c) => encodeURIComponent(c));
  return `[${label}](${url})`;
}

export function digestMarkdown(
  digest: PreviewDigest,
  categories: readonly Category[],
  includeLinks = false,
): string {
  const title = digest.title.trim() === '' ? defaultTitle(digest.date) : digest.title.trim();
  const lines: string[] = [`# **${oneParagraph(title)}**`];
  const intro = oneParagraph(digest.intro);
  if (intro !== '') lines.push(intro, '');
  for (const section of layoutSections(digest.items, categories)) {
    lines.push('------', `### ${section.numeral}、${section.name}`);
    if (section.items.length === 0) lines.push('> 暂无');
    section.items.forEach((item, i) => {
      lines.push(`${i + 1}. **${oneParagraph(item.title)}**`);
      lines.push(`    - ${oneParagraph(item.summary) || '暂无摘要'}`);
      if (includeLinks) {
        const links = item.links.filter((l) => isSafeLinkUrl(l.url));
        if (links.length > 0) lines.push(`    - 来源：${links.map(markdownLink).join(' | ')}`);
      }
    });
  }
  return `${lines.join('\n')}\n`;
}
