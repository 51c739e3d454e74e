// A light element tree read in one streaming pass (htmlparser2's tokenizer in XML mode, which never
// throws), for feed documents. It keeps what feed mapping needs and no more: names split into a
// namespace-normalised prefix and a lower-case local name, attributes, direct text, and the source
// range of each element's content, so markup inside a content element is taken verbatim from the
// document. What a strict parser would reject is noted as a problem instead of stopping the read.
import { decodeHTMLAttribute, decodeHTMLStrict } from 'entities';
import { Parser } from 'htmlparser2';
import { DepthCounter, MAX_MARKUP_DEPTH, readWithinDepth } from './markup-depth.ts';

export interface XmlElement {
  /** Canonical prefix of the element's namespace (atom, content, dc, ...); '' when unprefixed. */
  prefix: string;
  /** Local name, lower case. */
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  parent: XmlElement | undefined;
  /**
   * Text and CDATA directly inside (before any child element), entities decoded: HTML's named ones
   * too, as feeds use them undeclared.
   */
  text: string;
  /** Source range of the content between the start and end tags. */
  innerStart: number;
  innerEnd: number;
}

export interface XmlTree {
  /** Top-level elements in document order. */
  roots: XmlElement[];
  /** Well-formedness problems a strict parser would stop at, first few only. */
  problems: string[];
  source: string;
}

/** Namespace URIs feeds use, to their usual prefixes: `a10:link` and `atom:link` read alike. */
const KNOWN_NAMESPACES: Record<string, string> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/syndication/': 'sy',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://search.yahoo.com/mrss/': 'media',
};
const MAX_PROBLEMS = 3;

function splitName(name: string): [string, string] {
  const i = name.indexOf(':');
  return i < 0 ? ['', name.toLowerCase()] : [name.slice(0, i).toLowerCase(), name.slice(i + 1).toLowerCase()];
}

/** Reads `input` into a tree; never throws. Prefix declarations apply document-wide (feeds declare them once). */
export function readXmlTree(input: string): XmlTree {
  // XML reads every line break as \n.
  const xml = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  const roots: XmlElement[] = [];
  const problems: string[] = [];
  const prefixes = new Map<string, string>();
  let current: XmlElement | undefined;
  let justOpened: XmlElement | undefined;
  let inCdata = false;
  const depth = new DepthCounter();

  const parser: Parser = new Parser(
    {
      onopentag(name, attrs) {
        for (const key in attrs) {
          if (attrs[key].includes('&')) attrs[key] = decodeHTMLAttribute(attrs[key]);
          if (key.startsWith('xmlns:')) {
            const known = KNOWN_NAMESPACES[attrs[key].trim().toLowerCase()];
            if (known) prefixes.set(key.slice(6).toLowerCase(), known);
          }
        }
        const [rawPrefix, local] = splitName(name);
        const el: XmlElement = {
          prefix: rawPrefix ? (prefixes.get(rawPrefix) ?? rawPrefix) : '',
          local,
          attrs,
          children: [],
          parent: current,
          text: '',
          innerStart: parser.endIndex + 1,
          innerEnd: parser.endIndex + 1,
        };
        depth.open();
        if (current) current.children.push(el);
        else roots.push(el);
        current = el;
        justOpened = el;
      },
      ontext(data) {
        // Text beside child elements is not needed: such content is read verbatim from the source.
        if (current && !current.children.length)
          current.text += inCdata || !data.includes('&') ? data : decodeHTMLStrict(data);
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
      onclosetag(name, isImplied) {
        const el = current;
        if (!el) return;
        // A self-closing tag is reported as an implied close of the element just opened.
        const selfClosing = el === justOpened && xml.charCodeAt(parser.endIndex - 1) === 47; // '/'
        if (!selfClosing) {
          el.innerEnd = Math.max(el.innerStart, parser.startIndex);
          if (isImplied && problems.length < MAX_PROBLEMS)
            problems.push(`<${name}> is not closed where its parent ends`);
        }
        justOpened = undefined;
        current = el.parent;
        depth.close();
      },
    },
    { xmlMode: true, recognizeCDATA: true, decodeEntities: false },
  );
  if (!readWithinDepth(parser, xml))
    problems.push(`elements nested more than ${MAX_MARKUP_DEPTH} deep; the rest of the document is not read`);
  return { roots, problems, source: xml };
}

/** Direct element children with this local name, optionally only in one canonical namespace. */
export function childrenNamed(el: XmlElement, local: string, prefix?: string): XmlElement[] {
  return el.children.filter((c) => c.local === local && (prefix === undefined || c.prefix === prefix));
}

/** The first direct child with one of the local names (in name order), in namespace `prefix`. */
export function childNamed(el: XmlElement, locals: string[], prefix = ''): XmlElement | undefined {
  for (const local of locals)
    for (const c of el.children) if (c.local === local && c.prefix === prefix) return c;
  return undefined;
}

/** Case-insensitive attribute lookup. */
export function attrOf(el: XmlElement | undefined, name: string): string | undefined {
  if (!el) return undefined;
  const exact = el.attrs[name];
  if (exact !== undefined) return exact;
  for (const key in el.attrs) if (key.toLowerCase() === name) return el.attrs[key];
  return undefined;
}

/** Content of an element, trimmed: its text, or its markup verbatim when it holds elements. */
export function valueOf(tree: XmlTree, el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const raw = el.children.length ? tree.source.slice(el.innerStart, el.innerEnd) : el.text;
  const t = raw.trim();
  return t ? t : undefined;
}

/**
 * Elements that `match`, in document order, not looking inside a match; `first` stops at the first. An
 * explicit stack, as a hostile document may nest elements deeper than the call stack goes.
 */
export function findElements(
  roots: XmlElement[],
  match: (el: XmlElement) => boolean,
  options: { first?: boolean } = {},
): XmlElement[] {
  const out: XmlElement[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const el = stack.pop()!;
    if (match(el)) {
      out.push(el);
      if (options.first) break;
      continue;
    }
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return out;
}
