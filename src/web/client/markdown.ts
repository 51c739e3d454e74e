// Markdown → safe DOM for live previews: raw HTML in the source is shown as text, links are limited to
// http(s)/mailto, and the result still goes through the allowlist sanitiser.
import { Marked } from 'marked';
import { escapeHtml } from '../../html-escape.ts';
import { sanitizeHtml } from './sanitize.ts';

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

export function markdownToHtml(source: string): string {
  return marked.parse(source, { async: false }) as string;
}

export function renderMarkdown(source: string): DocumentFragment {
  return sanitizeHtml(markdownToHtml(source));
}
