// Article HTML from third parties, made safe to show: parsed into an inert document, then rebuilt from an
// allowlist of tags and attributes. Scripts, styles, frames, forms, event handlers, javascript: URLs and
// anything unknown do not survive. (The page's CSP forbids inline script as a second line of defence.)

const DROP = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'template',
  'noscript',
  'svg',
  'math',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'option',
  'link',
  'meta',
  'base',
  'title',
  'head',
  'audio',
  'video',
  'source',
  'track',
  'canvas',
  'dialog',
  'portal',
]);

const KEEP = new Set([
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'em',
  'strong',
  'b',
  'i',
  'u',
  's',
  'del',
  'ins',
  'mark',
  'small',
  'sub',
  'sup',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'figure',
  'figcaption',
  'span',
  'div',
  'dl',
  'dt',
  'dd',
  'abbr',
  'cite',
  'q',
  'kbd',
  'time',
]);

const ATTRS: Record<string, string[]> = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
  ol: ['start'],
  abbr: ['title'],
  time: ['datetime'],
};

/** http(s) and mailto only; relative links resolve against the article's own URL when given. */
export function safeHref(raw: string, base?: string, allowMailto = true): string | null {
  try {
    const u = new URL(raw.trim(), base);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
    if (allowMailto && u.protocol === 'mailto:') return u.href;
  } catch {
    // not a URL
  }
  return null;
}

function clean(node: Node, out: Node, doc: Document, base?: string): void {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      out.appendChild(doc.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue; // comments, processing instructions
    const el = child as Element;
    const tag = el.localName.toLowerCase();
    if (DROP.has(tag)) continue;
    if (!KEEP.has(tag)) {
      clean(el, out, doc, base); // unknown wrapper: keep its content, lose the element
      continue;
    }
    const copy = doc.createElement(tag);
    for (const name of ATTRS[tag] ?? []) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      if (name === 'href' || name === 'src') {
        const url = safeHref(value, base, name === 'href');
        if (url) copy.setAttribute(name, url);
      } else if (/^(colspan|rowspan|start|width|height)$/.test(name)) {
        if (/^\d{1,4}$/.test(value)) copy.setAttribute(name, value);
      } else copy.setAttribute(name, value);
    }
    if (tag === 'a') {
      copy.setAttribute('rel', 'noopener noreferrer nofollow');
      copy.setAttribute('target', '_blank');
    }
    if (tag === 'img') {
      if (!copy.hasAttribute('src')) continue;
      copy.setAttribute('loading', 'lazy');
      copy.setAttribute('referrerpolicy', 'no-referrer');
    }
    clean(el, copy, doc, base);
    out.appendChild(copy);
  }
}

/** Safe DOM from untrusted HTML, ready to append to the page. */
export function sanitizeHtml(html: string, base?: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  const fragment = document.createDocumentFragment();
  clean(parsed.body, fragment, document, base);
  return fragment;
}
