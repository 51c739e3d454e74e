// Content hashes for dedup: of raw bytes, or of an article's normalised text.
import { createHash } from 'node:crypto';

export function contentHash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of title + text after whitespace/case folding, so re-rendered markup yields the same key. */
export function articleContentHash(title: string | undefined, text: string | undefined): string {
  const norm = (s: string | undefined) =>
    (s ?? '')
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\s\u00a0\u3000]+/g, ' ')
      .trim();
  return contentHash(`${norm(title)}\n${norm(text)}`);
}
