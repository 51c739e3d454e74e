// Feed entry HTML to stored form in one streaming pass: allowlisted tags and attributes only (the lists
// of extract/html-allowlist.ts), URLs made absolute with http(s)/mailto (and data: images) only, every
// text and attribute re-escaped, plus the plain text (one line per block). Built for the crawl's hot path:
// a feed of 20 entries costs a fraction of the general-purpose sanitiser. Output is constructed from the
// allowlists, never copied from the input, so nothing outside them can pass.
import { Parser } from 'htmlparser2';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, DROPPED_WITH_CONTENT } from './extract/html-allowlist.ts';
import { DepthCounter, readWithinDepth } from './parse/markup-depth.ts';

const ALLOWED = new Set(ALLOWED_TAGS);
const DROP = new Set(DROPPED_WITH_CONTENT);
const VOID = new Set([
  'br',
  'hr',
  'img',
  'wbr',
  'area',
  'base',
  'col',
  'embed',
  'input',
  'link',
  'meta',
  'source',
  'track',
]);
const BLOCK = new Set(
  'p div br hr h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr figure figcaption section article header footer aside caption main nav'.split(
    ' ',
  ),
);

function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

/** An absolute URL with an allowed scheme, or undefined. */
function safeUrl(value: string, base: string | undefined, image: boolean): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (image && /^data:image\//i.test(v)) return v;
  let u: URL;
  try {
    u = base ? new URL(v, base) : new URL(v);
  } catch {
    return undefined;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' || (!image && u.protocol === 'mailto:')
    ? u.href
    : undefined;
}

export interface CleanHtml {
  html: string;
  text: string;
}

/** Sanitised HTML and plain text of an entry body; relative URLs resolve against `baseUrl`. */
export function cleanFeedHtml(input: string, baseUrl?: string): CleanHtml {
  let html = '';
  const lines: string[] = [];
  let line = '';
  let drop = 0;
  const depth = new DepthCounter();
  /** Open allowed elements, to close what the input left open and ignore stray end tags. */
  const open: string[] = [];
  const flush = () => {
    const t = line.replace(/[ \t\n\r\f\u00a0\u3000]+/g, ' ').trim();
    if (t) lines.push(t);
    line = '';
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        depth.open();
        if (drop > 0) {
          if (!VOID.has(name)) drop++;
          return;
        }
        if (DROP.has(name)) {
          if (!VOID.has(name)) drop = 1;
          return;
        }
        if (BLOCK.has(name)) flush();
        if (!ALLOWED.has(name)) return;
        let attrs = '';
        for (const key of ALLOWED_ATTRIBUTES[name] ?? []) {
          let value = attribs[key];
          if (value === undefined) continue;
          if (key === 'href' || key === 'src') {
            value = safeUrl(value, baseUrl, name === 'img') ?? '';
            if (!value) continue;
          }
          attrs += ` ${key}="${escapeAttr(value)}"`;
        }
        if (name === 'img' && !attrs.includes(' src=')) return;
        if (name === 'a') attrs += ' rel="noopener noreferrer nofollow"';
        if (VOID.has(name)) {
          html += `<${name}${attrs} />`;
          return;
        }
        html += `<${name}${attrs}>`;
        open.push(name);
      },
      ontext(text) {
        if (drop) return;
        html += escapeText(text);
        line += text;
      },
      onclosetag(name) {
        depth.close();
        if (drop > 0) {
          if (!VOID.has(name)) drop--;
          return;
        }
        if (DROP.has(name)) return;
        if (BLOCK.has(name)) flush();
        if (!ALLOWED.has(name) || VOID.has(name)) return;
        const at = open.lastIndexOf(name);
        if (at < 0) return;
        // Close anything opened inside it that was left open.
        while (open.length > at) html += `</${open.pop()}>`;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  // Past hostile nesting, what was read before it is kept.
  readWithinDepth(parser, input);
  while (open.length) html += `</${open.pop()}>`;
  flush();
  return { html: html.trim(), text: lines.join('\n') };
}
