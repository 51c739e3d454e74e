// OPML import/export of source lists. Nested outlines become categories.
import { generateOpml, parseOpml as feedsmithParseOpml } from 'feedsmith';
import { FeedParseError } from './feed.ts';
import { collapseWhitespace } from './text.ts';

export interface OpmlSource {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  description?: string;
  /** Titles of the enclosing outlines, outermost first, joined with " / ". */
  category?: string;
}

export interface OpmlDocument {
  title?: string;
  sources: OpmlSource[];
}

type LooseOutline = {
  text?: string;
  title?: string;
  xmlUrl?: string;
  htmlUrl?: string;
  description?: string;
  outlines?: LooseOutline[];
};

/** Reads an OPML document; throws FeedParseError (code PARSE) when it is not OPML. */
export function parseOpml(xml: string): OpmlDocument {
  let doc: { head?: { title?: string }; body?: { outlines?: LooseOutline[] } };
  try {
    doc = feedsmithParseOpml(xml.replace(/^\uFEFF/, '')) as typeof doc;
  } catch (err) {
    throw new FeedParseError(`not an OPML document: ${(err as Error).message}`, { cause: err });
  }
  const sources: OpmlSource[] = [];
  const seen = new Set<string>();
  const walk = (outlines: LooseOutline[] | undefined, path: string[]) => {
    for (const o of outlines ?? []) {
      const label = collapseWhitespace(o.title || o.text || '');
      if (o.xmlUrl && !seen.has(o.xmlUrl.trim())) {
        const xmlUrl = o.xmlUrl.trim();
        seen.add(xmlUrl);
        sources.push({
          title: label || xmlUrl,
          xmlUrl,
          ...(o.htmlUrl ? { htmlUrl: o.htmlUrl.trim() } : {}),
          ...(o.description ? { description: o.description } : {}),
          ...(path.length ? { category: path.join(' / ') } : {}),
        });
      }
      if (o.outlines?.length) walk(o.outlines, o.xmlUrl ? path : [...path, label].filter(Boolean));
    }
  };
  walk(doc.body?.outlines, []);
  return { title: doc.head?.title, sources };
}

/** Writes an OPML 2.0 document; sources with a category are grouped under one outline per category. */
export function generateOpmlDocument(
  title: string,
  sources: readonly OpmlSource[],
  now = new Date(),
): string {
  const outline = (s: OpmlSource) => ({
    text: s.title,
    title: s.title,
    type: 'rss',
    xmlUrl: s.xmlUrl,
    ...(s.htmlUrl ? { htmlUrl: s.htmlUrl } : {}),
    ...(s.description ? { description: s.description } : {}),
  });
  const groups = new Map<string, OpmlSource[]>();
  const top: ReturnType<typeof outline>[] = [];
  for (const s of sources) {
    if (!s.category) top.push(outline(s));
    else groups.set(s.category, [...(groups.get(s.category) ?? []), s]);
  }
  const outlines = [
    ...[...groups].map(([category, list]) => ({
      text: category,
      title: category,
      outlines: list.map(outline),
    })),
    ...top,
  ];
  return generateOpml({ head: { title, dateCreated: now }, body: { outlines } } as never);
}
