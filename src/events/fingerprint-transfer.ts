// Fingerprints crossing a thread boundary. postMessage copies every typed array into an ArrayBuffer of its
// own (five per fingerprint, ~2,500 per chunk) and the receiving thread allocates each again; here the
// arrays of a whole chunk travel as one transferred buffer and come back as views into it. The views keep
// that buffer alive until the last fingerprint of the chunk is dropped (for grouping: until its last member
// leaves the window), so a chunk's memory is freed together.
import type { ArticleFingerprint } from './fingerprint.ts';

/** The fields of a fingerprint that are not word arrays, sent as they are. */
type FingerprintRest = Pick<ArticleFingerprint, 'version' | 'cves' | 'entities' | 'simhash'>;

export interface PackedFingerprints {
  /** Every word array of every fingerprint, back to back (order: ARRAYS). */
  words: Uint32Array;
  /** Length of each array, ARRAYS.length per fingerprint; -1 for a null body. */
  lengths: Int32Array;
  rest: FingerprintRest[];
}

const ARRAYS = ['lead', 'body', 'titleTerms', 'originalTitleTerms', 'leadTerms'] as const;

/** The chunk in one buffer, and the buffers to list as transferred. */
export function packFingerprints(fingerprints: readonly ArticleFingerprint[]): {
  packed: PackedFingerprints;
  transfer: ArrayBuffer[];
} {
  let total = 0;
  for (const fp of fingerprints) for (const name of ARRAYS) total += fp[name]?.length ?? 0;
  const words = new Uint32Array(total);
  const lengths = new Int32Array(fingerprints.length * ARRAYS.length);
  const rest: FingerprintRest[] = [];
  let offset = 0;
  let at = 0;
  for (const fp of fingerprints) {
    for (const name of ARRAYS) {
      const array = fp[name];
      if (!array) {
        lengths[at++] = -1;
        continue;
      }
      words.set(array, offset);
      offset += array.length;
      lengths[at++] = array.length;
    }
    rest.push({ version: fp.version, cves: fp.cves, entities: fp.entities, simhash: fp.simhash });
  }
  return {
    packed: { words, lengths, rest },
    transfer: [words.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer],
  };
}

/** Inverse of packFingerprints: the fingerprints, their arrays views into `packed.words`. */
export function unpackFingerprints(packed: PackedFingerprints): ArticleFingerprint[] {
  const { words, lengths, rest } = packed;
  if (lengths.length !== rest.length * ARRAYS.length) {
    throw new Error(`packed fingerprints: ${lengths.length} lengths for ${rest.length} fingerprints`);
  }
  let offset = 0;
  let at = 0;
  const view = (): Uint32Array | null => {
    const length = lengths[at++];
    if (length < 0) return null;
    const array = words.subarray(offset, offset + length);
    offset += length;
    return array;
  };
  const out: ArticleFingerprint[] = [];
  for (const r of rest) {
    // Fields in the order fingerprintArticle writes them: one object shape for both.
    const lead = view()!;
    const body = view();
    const titleTerms = view()!;
    const originalTitleTerms = view()!;
    const leadTerms = view()!;
    out.push({
      version: r.version,
      lead,
      body,
      titleTerms,
      originalTitleTerms,
      leadTerms,
      cves: r.cves,
      entities: r.entities,
      simhash: r.simhash,
    });
  }
  if (offset !== words.length) throw new Error('packed fingerprints: words left over');
  return out;
}
