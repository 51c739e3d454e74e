// A rendering of the house fixture for channel tests.
import { pdfFileName } from '../../file-names.ts';
import { renderHtml } from '../../html.ts';
import { renderMarkdown } from '../../markdown.ts';
import { displayTitle } from '../../model.ts';
import { houseDigest } from '../../testdata/fixtures.ts';
import type { DigestRendering } from '../types.ts';

export function sampleRendering(extra: Partial<DigestRendering> = {}): DigestRendering {
  return {
    digestId: houseDigest.id,
    date: houseDigest.date,
    title: displayTitle(houseDigest),
    markdown: renderMarkdown(houseDigest),
    html: renderHtml(houseDigest),
    pdf: {
      fileName: pdfFileName(houseDigest.date),
      data: Buffer.from('%PDF-1.4\n% sample bytes \u00e9\n%%EOF\n', 'latin1'),
    },
    ...extra,
  };
}
