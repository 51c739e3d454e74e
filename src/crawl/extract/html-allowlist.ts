// What stored article HTML may contain, shared by the general sanitiser (sanitize.ts) and the streaming
// cleaner of feed entries (feed-html.ts), so the two can never drift apart.

export const ALLOWED_TAGS: readonly string[] = (
  'p br hr h1 h2 h3 h4 h5 h6 blockquote pre code ul ol li dl dt dd strong b em i u s sub sup small mark q ' +
  'cite abbr time span div a img figure figcaption picture table thead tbody tfoot tr th td caption article ' +
  'section header footer aside'
).split(' ');

/** Attributes kept per tag (links also get rel="noopener noreferrer nofollow"). */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  time: ['datetime'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
  abbr: ['title'],
};

/** Dropped together with everything inside them. */
export const DROPPED_WITH_CONTENT: readonly string[] = [
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'iframe',
  'object',
  'embed',
  'template',
  'svg',
  'math',
];
