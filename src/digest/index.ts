// The digest library: layout, rendering, selection, repeat check and delivery. Pure parts take values
// and return values; PdfRenderer and the delivery channels do I/O and are driven by the orchestrator.
export * from './model.ts';
export * from './categories.ts';
export { layoutSections, oneParagraph, EMPTY_SECTION, EMPTY_SUMMARY, type DigestSection } from './layout.ts';
export { renderMarkdown, SECTION_SEPARATOR, type MarkdownOptions } from './markdown.ts';
export { renderHtml, type HtmlOptions } from './html.ts';
export { escapeHtml } from '../html-escape.ts';
export {
  PdfRenderer,
  CHROMIUM_ARGS,
  type PdfLayout,
  type PdfRendererOptions,
  type RenderPdfOptions,
} from './pdf.ts';
export * from './file-names.ts';
export * from './select.ts';
export * from './repeat-check.ts';
export { textSimilarity, cveIds, urlKey } from './similarity.ts';
export * from './delivery/index.ts';
