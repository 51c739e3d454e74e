// A standalone, printable HTML page for a digest: inline CSS, no scripts, no external assets.
import { DEFAULT_CATEGORIES, type CategorySpec } from './categories.ts';
import { escapeHtml } from '../html-escape.ts';
import { EMPTY_SECTION, EMPTY_SUMMARY, isSafeLinkUrl, layoutSections, oneParagraph } from './layout.ts';
import { displayTitle, type Digest, type DigestItem } from './model.ts';

export interface HtmlOptions {
  categories?: readonly CategorySpec[];
  /** Show source links under each item (default on: the page is where readers click through). */
  includeLinks?: boolean;
  /** A line at the bottom of the page, e.g. "newsdesk · 2026-11-29 08:00". */
  footer?: string;
}

// CJK-capable fonts first so Chinese never falls back to a font without the glyphs.
const FONT_STACK =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", ' +
  '"Microsoft YaHei", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif';

const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f4f6f9;color:#1f2933;font-family:${FONT_STACK};font-size:15px;line-height:1.7}
main{max-width:820px;margin:0 auto;padding:32px 40px;background:#fff}
h1{font-size:24px;line-height:1.4;margin:0 0 12px;color:#102a43;text-align:center}
.intro{margin:0 0 16px;color:#334e68}
hr{border:0;border-top:1px solid #d9e2ec;margin:20px 0}
h2{font-size:18px;margin:0 0 10px;color:#243b53;border-left:4px solid #2f6fde;padding-left:10px}
ol{margin:0;padding-left:1.6em}
li{margin:0 0 14px;break-inside:avoid;page-break-inside:avoid}
.item-title{font-weight:700;color:#102a43}
.summary{margin:4px 0 0;color:#334e68;text-align:justify}
.links{margin:4px 0 0;font-size:13px;color:#627d98;word-break:break-all}
.links a{color:#2f6fde;text-decoration:none}
.empty{margin:0;padding:6px 12px;border-left:3px solid #bcccdc;color:#829ab1;background:#f8fafc}
footer{margin-top:24px;font-size:12px;color:#9fb3c8;text-align:center}
@page{size:A4;margin:14mm 12mm}
@media print{body{background:#fff}main{max-width:none;padding:0}a{color:inherit}}
`.trim();

// Nothing on this page needs to load: forbid scripts and remote fetches outright.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderHtml(digest: Digest, options: HtmlOptions = {}): string {
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  const includeLinks = options.includeLinks ?? true;
  const title = escapeHtml(oneParagraph(displayTitle(digest)));
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${title}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${title}</h1>`,
  );
  const intro = oneParagraph(digest.intro);
  if (intro !== '') parts.push(`<p class="intro">${escapeHtml(intro)}</p>`);
  for (const section of layoutSections(digest.items, categories)) {
    parts.push('<hr>', '<section>', `<h2>${escapeHtml(`${section.numeral}、${section.name}`)}</h2>`);
    if (section.items.length === 0) parts.push(`<p class="empty">${EMPTY_SECTION}</p>`);
    else parts.push('<ol>', ...section.items.map((item) => renderItem(item, includeLinks)), '</ol>');
    parts.push('</section>');
  }
  if (options.footer) parts.push(`<footer>${escapeHtml(options.footer)}</footer>`);
  parts.push('</main>', '</body>', '</html>');
  return `${parts.join('\n')}\n`;
}

function renderItem(item: DigestItem, includeLinks: boolean): string {
  const summary = oneParagraph(item.summary) || EMPTY_SUMMARY;
  let html = `<li><div class="item-title">${escapeHtml(oneParagraph(item.title))}</div>`;
  html += `<p class="summary">${escapeHtml(summary)}</p>`;
  const links = includeLinks ? item.links.filter((l) => isSafeLinkUrl(l.url)) : [];
  if (links.length > 0) {
    const anchors = links.map((l) => {
      const label = oneParagraph(l.source) || new URL(l.url).hostname;
      return `<a href="${escapeHtml(l.url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(label)}</a>`;
    });
    html += `<p class="links">来源：${anchors.join(' · ')}</p>`;
  }
  return `${html}</li>`;
}
