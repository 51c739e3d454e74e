// File names of rendered outputs: 每日网安情报速递【yyyyMMdd】.pdf, and an ASCII fallback for headers.
import { compactDay } from '../time.ts';
import { DIGEST_TITLE_PREFIX } from './model.ts';

export type DigestFormat = 'md' | 'html' | 'pdf';

/** 每日网安情报速递【yyyyMMdd】.<ext> for the digest's own date. */
export function digestFileName(date: string, format: DigestFormat): string {
  return `${DIGEST_TITLE_PREFIX}【${compactDay(date)}】.${format}`;
}

export function pdfFileName(date: string): string {
  return digestFileName(date, 'pdf');
}

/** Content-Disposition value with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function contentDisposition(
  date: string,
  format: DigestFormat,
  kind: 'attachment' | 'inline' = 'attachment',
): string {
  const fallback = `digest-${compactDay(date)}.${format}`;
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(digestFileName(date, format))}`;
}
