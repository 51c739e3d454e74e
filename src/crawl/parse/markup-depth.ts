// How deep the crawl's readers follow nested elements. Real feeds and pages nest a few dozen levels;
// htmlparser2 (under linkedom too) keeps open tags in an array it shifts at the front, so each element
// costs O(depth), and a hostile document of a million nested tags would hold a thread for minutes.
import { Parser } from 'htmlparser2';

export const MAX_MARKUP_DEPTH = 1000;

/** Thrown from a parser callback to stop reading; the reader keeps what it has. */
export class MarkupTooDeep extends Error {
  constructor(limit = MAX_MARKUP_DEPTH) {
    super(`elements nested more than ${limit} deep`);
  }
}

/**
 * Open elements as htmlparser2 reports them: it calls onclosetag once for every onopentag (void,
 * self-closing and implied ends included), so counting both is exact without knowing HTML's rules.
 */
export class DepthCounter {
  depth = 0;
  constructor(readonly limit = MAX_MARKUP_DEPTH) {}
  open(): void {
    if (++this.depth > this.limit) throw new MarkupTooDeep(this.limit);
  }
  close(): void {
    this.depth--;
  }
}

/** Feeds all of `input` to `parser`; false when a DepthCounter stopped it (what was read stays read). */
export function readWithinDepth(parser: Parser, input: string): boolean {
  try {
    parser.end(input);
    return true;
  } catch (err) {
    if (err instanceof MarkupTooDeep) return false;
    throw err;
  }
}

/** Whether an HTML document nests deeper than `limit`: one tokenizer pass that stops there. */
export function htmlNestsTooDeep(html: string, limit = MAX_MARKUP_DEPTH): boolean {
  const counter = new DepthCounter(limit);
  const parser = new Parser(
    { onopentagname: () => counter.open(), onclosetag: () => counter.close() },
    { decodeEntities: false },
  );
  return !readWithinDepth(parser, html);
}
