// How deep the crawl's streaming readers follow nested elements. Real feeds and entry bodies nest a few
// dozen levels; htmlparser2 keeps open tags in an array it shifts at the front, so each element costs
// O(depth) and a hostile document of a million nested tags would hold a parser thread for minutes.
export const MAX_MARKUP_DEPTH = 1000;

/** Thrown from a parser callback to stop reading; the reader keeps what it has. */
export class MarkupTooDeep extends Error {
  constructor() {
    super(`elements nested more than ${MAX_MARKUP_DEPTH} deep`);
  }
}
