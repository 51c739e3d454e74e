// Sanitised article HTML (no scripts, event handlers, javascript: URLs, iframes) and a plain-text rendering.
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { resolveUrl } from '../parse/text.ts';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, DROPPED_WITH_CONTENT } from './html-allowlist.ts';

/** Cleans untrusted HTML for storage; relative links and images are made absolute against `baseUrl`. */
export function sanitizeArticleHtml(html: string, baseUrl?: string): string {
  const absolutise = (attr: 'href' | 'src') => (tagName: string, attribs: sanitizeHtml.Attributes) => {
    const v = attribs[attr];
    if (v && baseUrl) attribs[attr] = resolveUrl(v, baseUrl) ?? v;
    if (tagName === 'a') {
      attribs.rel = 'noopener noreferrer nofollow';
    }
    return { tagName, attribs };
  };
  return sanitizeHtml(html, {
    allowedTags: [...ALLOWED_TAGS],
    allowedAttributes: {
      ...Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([tag, attrs]) => [tag, [...attrs]])),
      a: [...ALLOWED_ATTRIBUTES.a, 'rel'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: [...DROPPED_WITH_CONTENT],
    transformTags: { a: absolutise('href'), img: absolutise('src') },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  }).trim();
}

const BLOCK = new Set(
  'p div br hr h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr figure figcaption section article header footer aside caption main nav'.split(
    ' ',
  ),
);
const SKIP = new Set([
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'template',
  'svg',
  'head',
  'title',
]);

/** Plain text with one line per block, for enrichment and search. */
export function htmlToPlainText(html: string): string {
  const lines: string[] = [];
  let line = '';
  let skipDepth = 0;
  const flush = () => {
    const t = line.replace(/[ \t\n\r\f\u00a0\u3000]+/g, ' ').trim();
    if (t) lines.push(t);
    line = '';
  };
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIP.has(name)) skipDepth++;
        else if (BLOCK.has(name)) flush();
      },
      ontext(text) {
        if (!skipDepth) line += text;
      },
      onclosetag(name) {
        if (SKIP.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        else if (BLOCK.has(name)) flush();
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return lines.join('\n');
}
