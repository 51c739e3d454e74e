// The house Markdown format. Pinned by golden files in testdata/: any change to blank lines,
// separators or numbering must be deliberate.
import { DEFAULT_CATEGORIES, type CategorySpec } from './categories.ts';
import { EMPTY_SECTION, EMPTY_SUMMARY, isSafeLinkUrl, layoutSections, oneParagraph } from './layout.ts';
import { displayTitle, type Digest } from './model.ts';

export interface MarkdownOptions {
  categories?: readonly CategorySpec[];
  /** Add a "来源" line with the source links under each item (off: the exact house format). */
  includeLinks?: boolean;
}

export const SECTION_SEPARATOR = '------';

/**
 * Layout (every line ends with "\n", no blank lines except after the intro, no trailing separator):
 *   # **<title>**
 *   [<intro>, then one blank line]      only when the intro is not empty
 *   ------
 *   ### 一、<category>
 *   1. **<title>**
 *       - <summary or 暂无摘要>
 *       - 来源：[src](url) | [src](url)   only with includeLinks and at least one http(s) link
 *   ------
 *   ### 二、<category>
 *   > 暂无
 */
export function renderMarkdown(digest: Digest, options: MarkdownOptions = {}): string {
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  const lines: string[] = [`# **${oneParagraph(displayTitle(digest))}**`];
  const intro = oneParagraph(digest.intro);
  // A blank line keeps "------" from turning the intro into a setext heading.
  if (intro !== '') lines.push(intro, '');
  for (const section of layoutSections(digest.items, categories)) {
    lines.push(SECTION_SEPARATOR, `### ${section.numeral}、${section.name}`);
    if (section.items.length === 0) lines.push(`> ${EMPTY_SECTION}`);
    section.items.forEach((item, i) => {
      lines.push(`${i + 1}. **${oneParagraph(item.title)}**`);
      lines.push(`    - ${oneParagraph(item.summary) || EMPTY_SUMMARY}`);
      if (options.includeLinks) {
        const links = item.links.filter((l) => isSafeLinkUrl(l.url));
        if (links.length > 0) lines.push(`    - 来源：${links.map(markdownLink).join(' | ')}`);
      }
    });
  }
  return `${lines.join('\n')}\n`;
}

function markdownLink(link: { url: string; source: string }): string {
  const label = oneParagraph(link.source).replace(/[[\]\\]/g, (c) => `\\${c}`) || new URL(link.url).hostname;
  const url = link.url.replace(/[()\s]/g, (c) => encodeURIComponent(c));
  return `[${label}](${url})`;
}
