// Building DOM without HTML strings: text always goes in as text nodes, so anything that came from a feed
// or the API shows as text and runs nothing. The only HTML that enters the page goes through sanitize.ts.

export type Child = Node | string | number | boolean | null | undefined | Child[];
export type Attrs = Record<string, unknown>;

const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'poster', 'cite']);
const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'indeterminate', 'multiple', 'readOnly']);

/** Only links that cannot run script: http(s), mailto, blob, or same-site paths. */
export function safeUrl(raw: string): string {
  const value = raw.trim();
  if (/^(\/(?!\/)|\.{1,2}\/|\?|#)/.test(value)) return value;
  try {
    const u = new URL(value);
    if (['http:', 'https:', 'mailto:', 'blob:'].includes(u.protocol)) return u.href;
  } catch {
    // fall through
  }
  return '#';
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) {
        if (typeof value !== 'function') throw new TypeError(`${key} must be a function`);
        el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
      } else if (key === 'class') {
        el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      } else if (key === 'dataset') {
        Object.assign(el.dataset, value);
      } else if (key === 'style') {
        // CSSOM, not the style attribute: the page's CSP forbids inline style attributes.
        Object.assign(el.style, value);
      } else if (PROPS.has(key)) {
        (el as unknown as Record<string, unknown>)[key] = value;
      } else if (URL_ATTRS.has(key)) {
        el.setAttribute(key, safeUrl(String(value)));
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

export function render(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Run `fn` at most once per `ms` of quiet. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
