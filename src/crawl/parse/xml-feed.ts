// RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0 and CDF documents to the normalised ParsedFeed, from the light
// element tree of xml-tree.ts. One pass, no second parse: a malformed document yields what can be read
// and the tree's problems become warnings.
import { escapeHtml } from '../../html-escape.ts';
import {
  dateOf,
  finishEntry,
  plainText,
  syndicationMinutes,
  uniqueCategories,
  type NormaliseContext,
} from './feed-fields.ts';
import { collapseWhitespace, htmlToText, isHttpUrl, resolveUrl } from './text.ts';
import type { FeedEnclosure, ParsedFeed } from './types.ts';
import {
  attrOf,
  childNamed,
  childrenNamed,
  findElements,
  readXmlTree,
  valueOf,
  type XmlElement,
  type XmlTree,
} from './xml-tree.ts';

const ROOT_NAMES = new Set(['rss', 'rdf', 'feed', 'channel', 'entry']);

/** The base URL in effect inside `el`: its own xml:base resolved against its parent's. */
function baseOf(el: XmlElement, parentBase: string | undefined): string | undefined {
  const b = attrOf(el, 'xml:base');
  return b ? resolveUrl(b, parentBase) : parentBase;
}

/** Base for an element reached from the document root, honouring every xml:base on the way. */
function baseFromRoot(el: XmlElement, feedUrl: string | undefined): string | undefined {
  const chain: XmlElement[] = [];
  for (let n: XmlElement | undefined = el; n; n = n.parent) chain.unshift(n);
  return chain.reduce<string | undefined>((base, n) => baseOf(n, base), feedUrl);
}

/** Atom-style links: the first with one of `rels` ('' = no rel), in rel order. */
function atomLink(
  links: XmlElement[],
  base: string | undefined,
  rels = ['alternate', ''],
): string | undefined {
  for (const rel of rels) {
    const l = links.find((x) => (attrOf(x, 'rel') ?? '').trim().toLowerCase() === rel && attrOf(x, 'href'));
    if (l) return resolveUrl(attrOf(l, 'href'), base);
  }
  return undefined;
}

/**
 * An RSS/RDF element's link: the text of its first `<link>` that has some, else an Atom-style link, whether
 * written `atom:link` or as `<link href>` in the Atom default namespace.
 */
function rssLink(tree: XmlTree, el: XmlElement, base: string | undefined): string | undefined {
  const links = atomLinks(el);
  for (const l of links) {
    const text = l.prefix === '' ? valueOf(tree, l) : undefined;
    if (text) return resolveUrl(text, base);
  }
  return atomLink(links, base);
}

function personName(tree: XmlTree, el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const named = valueOf(tree, childNamed(el, ['name'], el.prefix)) ?? valueOf(tree, childNamed(el, ['name']));
  const email =
    valueOf(tree, childNamed(el, ['email'], el.prefix)) ?? valueOf(tree, childNamed(el, ['email']));
  let raw = named ?? (el.children.length ? email : valueOf(tree, el));
  // RSS writes "address (Name)"; the name is what readers show.
  if (raw && !named) raw = /^\S+@\S+\s*\((.+)\)\s*$/.exec(raw)?.[1] ?? raw;
  const t = raw ? collapseWhitespace(htmlToText(raw) ?? '') : '';
  return t || undefined;
}

function enclosure(url: string | undefined, type: string | undefined, length: string | undefined) {
  const out: FeedEnclosure = { url: url ?? '' };
  if (type) out.type = type;
  if (Number(length) > 0) out.length = Number(length);
  return out;
}

/** Namespace of Atom elements under `el`: unprefixed in an Atom document, `atom:` when embedded. */
const atomPrefix = (el: XmlElement) => (el.prefix === 'atom' ? 'atom' : '');

/** Atom links under `el`, whether written unprefixed or with a prefix bound to the Atom namespace. */
function atomLinks(el: XmlElement): XmlElement[] {
  return el.children.filter((c) => c.local === 'link' && (c.prefix === '' || c.prefix === 'atom'));
}

/** An Atom text construct's markup: type="xhtml" content sits inside a wrapper div that is not part of it. */
function atomMarkup(tree: XmlTree, el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const type = attrOf(el, 'type')?.trim().toLowerCase();
  if (type?.includes('xhtml') && el.children.length === 1 && el.children[0].local === 'div')
    return valueOf(tree, el.children[0]);
  const value = valueOf(tree, el);
  return value && type === 'text' ? escapeHtml(value) : value;
}

function rssItem(tree: XmlTree, item: XmlElement, base: string | undefined, ctx: NormaliseContext) {
  const v = (locals: string[], prefix = '') => valueOf(tree, childNamed(item, locals, prefix));
  const b = baseOf(item, base);
  const guidEl = childNamed(item, ['guid']);
  const guid = valueOf(tree, guidEl);
  let url = rssLink(tree, item, b);
  if (!url && guid && attrOf(guidEl, 'ispermalink')?.trim().toLowerCase() !== 'false' && isHttpUrl(guid))
    url = guid;
  const description = v(['description']) ?? v(['description'], 'dc');
  const published =
    dateOf(v(['pubdate']), ctx) ??
    dateOf(v(['date'], 'dc'), ctx) ??
    dateOf(v(['issued', 'created'], 'dcterms'), ctx);
  const updated = dateOf(v(['updated'], 'atom') ?? v(['modified'], 'dcterms'), ctx);
  return finishEntry({
    id: guid,
    url,
    title: plainText(v(['title'])) ?? plainText(v(['title'], 'dc')),
    summary: htmlToText(description) || undefined,
    contentHtml: v(['encoded'], 'content') ?? description,
    author:
      personName(tree, childNamed(item, ['author'])) ??
      personName(tree, childNamed(item, ['creator'], 'dc')) ??
      personName(tree, childNamed(item, ['author'], 'itunes')),
    publishedAt: published ?? updated,
    updatedAt: updated,
    categories: uniqueCategories(
      [...childrenNamed(item, 'category', ''), ...childrenNamed(item, 'subject', 'dc')].map((c) =>
        valueOf(tree, c),
      ),
    ),
    enclosures: childrenNamed(item, 'enclosure', '')
      .map((e) => enclosure(resolveUrl(attrOf(e, 'url'), b), attrOf(e, 'type'), attrOf(e, 'length')))
      .filter((e) => e.url),
  });
}

function atomEntry(tree: XmlTree, entry: XmlElement, base: string | undefined, ctx: NormaliseContext) {
  const ns = atomPrefix(entry);
  const el = (locals: string[]) => childNamed(entry, locals, ns);
  const v = (locals: string[]) => valueOf(tree, el(locals));
  const b = baseOf(entry, base);
  const links = atomLinks(entry);
  const content = el(['content']);
  const summaryRaw = atomMarkup(tree, el(['summary']));
  const contentHtml = atomMarkup(tree, content);
  const published =
    dateOf(v(['published', 'issued']), ctx) ?? dateOf(valueOf(tree, childNamed(entry, ['date'], 'dc')), ctx);
  const updated = dateOf(v(['updated', 'modified']), ctx);
  const src = attrOf(content, 'src');
  return finishEntry({
    id: v(['id']),
    url:
      atomLink(links, b) ??
      atomLink(links, b, ['related', 'via', 'self']) ??
      (src ? resolveUrl(src, b) : undefined),
    title: plainText(v(['title'])),
    summary: htmlToText(summaryRaw) || undefined,
    contentHtml: contentHtml ?? summaryRaw,
    author: personName(tree, el(['author'])) ?? personName(tree, childNamed(entry, ['creator'], 'dc')),
    publishedAt: published ?? updated,
    updatedAt: updated,
    categories: uniqueCategories(
      childrenNamed(entry, 'category', ns).map(
        (c) => attrOf(c, 'term') ?? attrOf(c, 'label') ?? valueOf(tree, c),
      ),
    ),
    enclosures: links
      .filter((l) => attrOf(l, 'rel')?.trim().toLowerCase() === 'enclosure')
      .map((l) => enclosure(resolveUrl(attrOf(l, 'href'), b), attrOf(l, 'type'), attrOf(l, 'length')))
      .filter((e) => e.url),
  });
}

function rdfItem(tree: XmlTree, item: XmlElement, base: string | undefined, ctx: NormaliseContext) {
  const v = (locals: string[], prefix = '') => valueOf(tree, childNamed(item, locals, prefix));
  const b = baseOf(item, base);
  const description = v(['description']) ?? v(['description'], 'dc');
  const about = attrOf(item, 'rdf:about')?.trim() || undefined;
  return finishEntry({
    id: about,
    url: rssLink(tree, item, b) ?? (about && isHttpUrl(about) ? about : undefined),
    title: plainText(v(['title'])) ?? plainText(v(['title'], 'dc')),
    summary: htmlToText(description) || undefined,
    contentHtml: v(['encoded'], 'content') ?? description,
    author: personName(tree, childNamed(item, ['creator'], 'dc')),
    publishedAt: dateOf(v(['date'], 'dc'), ctx) ?? dateOf(v(['issued'], 'dcterms'), ctx),
    updatedAt: dateOf(v(['modified'], 'dcterms'), ctx),
    categories: uniqueCategories(childrenNamed(item, 'subject', 'dc').map((c) => valueOf(tree, c))),
    enclosures: [],
  });
}

/** CDF (Channel Definition Format): items are `<item href>` with a `lastmod` attribute. */
function cdfItem(tree: XmlTree, item: XmlElement, base: string | undefined, ctx: NormaliseContext) {
  const v = (locals: string[]) => valueOf(tree, childNamed(item, locals));
  const description = v(['abstract']);
  return finishEntry({
    url: resolveUrl(attrOf(item, 'href'), baseOf(item, base)),
    title: plainText(v(['title'])),
    summary: htmlToText(description) || undefined,
    contentHtml: description,
    publishedAt: dateOf(attrOf(item, 'lastmod'), ctx),
    categories: [],
    enclosures: [],
  });
}

/** Elements named `local` at any depth under `root`, not nested in one another (items hold no items). */
function itemsOf(root: XmlElement, local: string): XmlElement[] {
  return findElements(root.children, (el) => el.local === local);
}

function rssVersion(root: XmlElement): string | undefined {
  const v = (attrOf(root, 'version') ?? '').replace(/\D/g, '');
  return v ? `rss${v.padEnd(2, '0')}` : undefined;
}

function namespaceOf(root: XmlElement): string {
  return (attrOf(root, 'xmlns') ?? '').toLowerCase();
}

function fromTree(tree: XmlTree, ctx: NormaliseContext): ParsedFeed | undefined {
  const [root] = findElements(tree.roots, (el) => ROOT_NAMES.has(el.local), { first: true });
  if (!root) return undefined;
  const rootBase = baseFromRoot(root, ctx.feedUrl);
  const warnings: string[] = [];

  if (root.local === 'entry') {
    warnings.push('Atom entry document, not a feed');
    return { format: 'atom', version: 'atom10', entries: [atomEntry(tree, root, rootBase, ctx)], warnings };
  }
  if (root.local === 'feed') {
    const ns = atomPrefix(root);
    const v = (locals: string[]) => valueOf(tree, childNamed(root, locals, ns));
    const links = atomLinks(root);
    const sy = syndicationMinutes(
      valueOf(tree, childNamed(root, ['updateperiod'], 'sy')),
      valueOf(tree, childNamed(root, ['updatefrequency'], 'sy')),
    );
    return {
      format: 'atom',
      version: namespaceOf(root).includes('purl.org/atom') ? 'atom03' : 'atom10',
      title: plainText(v(['title'])),
      link: atomLink(links, rootBase),
      selfUrl: atomLink(links, rootBase, ['self']),
      description: plainText(v(['subtitle', 'tagline'])),
      language: attrOf(root, 'xml:lang')?.trim() || undefined,
      ...(sy ? { ttlMinutes: sy } : {}),
      entries: itemsOf(root, 'entry').map((e) =>
        atomEntry(tree, e, baseFromRoot(e.parent!, ctx.feedUrl), ctx),
      ),
      warnings,
    };
  }
  if (root.local === 'channel' && attrOf(root, 'href')) {
    return {
      format: 'cdf',
      version: 'cdf',
      title: plainText(valueOf(tree, childNamed(root, ['title']))),
      link: resolveUrl(attrOf(root, 'href'), rootBase),
      description: plainText(valueOf(tree, childNamed(root, ['abstract']))),
      entries: itemsOf(root, 'item').map((i) => cdfItem(tree, i, baseFromRoot(i.parent!, ctx.feedUrl), ctx)),
      warnings,
    };
  }

  const rdf = root.local === 'rdf';
  const channel = root.local === 'channel' ? root : (childNamed(root, ['channel']) ?? root);
  const base = channel === root ? rootBase : baseOf(channel, rootBase);
  const v = (locals: string[], prefix = '') => valueOf(tree, childNamed(channel, locals, prefix));
  const ttl = Number(v(['ttl'])) > 0 ? Number(v(['ttl'])) : undefined;
  const sy = syndicationMinutes(v(['updateperiod'], 'sy'), v(['updatefrequency'], 'sy'));
  const ttlMinutes = rdf ? sy : (ttl ?? sy);
  const itemFor = rdf ? rdfItem : rssItem;
  return {
    format: rdf ? 'rdf' : 'rss',
    version: rdf
      ? namespaceOf(root).includes('netscape.com/rdf/simple/0.9')
        ? 'rss090'
        : 'rss10'
      : rssVersion(root),
    title: plainText(v(['title'])) ?? plainText(v(['title'], 'dc')),
    link: rssLink(tree, channel, base),
    selfUrl: atomLink(atomLinks(channel), base, ['self']),
    description: plainText(v(['description'])),
    language: v(['language']) ?? v(['language'], 'dc'),
    ...(ttlMinutes ? { ttlMinutes } : {}),
    entries: itemsOf(root, 'item').map((i) => itemFor(tree, i, baseFromRoot(i.parent!, ctx.feedUrl), ctx)),
    warnings,
  };
}

export interface XmlFeedResult {
  feed: ParsedFeed | undefined;
  /** Well-formedness problems met while reading, whether or not a feed was found. */
  problems: string[];
}

/** Reads an XML feed document; `feed` is undefined when it has no RSS, RDF, Atom or CDF root. */
export function readXmlFeed(xml: string, ctx: NormaliseContext): XmlFeedResult {
  const tree = readXmlTree(xml);
  return { feed: fromTree(tree, ctx), problems: tree.problems };
}
