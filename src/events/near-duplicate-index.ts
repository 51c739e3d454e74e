// Near-duplicate lookup (same story, reworded or reprinted) without comparing against the whole archive:
// LSH buckets over the headline and body signatures yield a bounded candidate set, which is then verified
// by signature agreement. Documents leave the index by id or when they fall out of the time window.
import type { ArticleFingerprint } from './fingerprint.ts';
import { LshTable } from './lsh-table.ts';
import { MinHeap } from './min-heap.ts';
import { isEmptySignature, signatureSimilarity } from './minhash.ts';

export interface NearDuplicateDoc {
  id: string;
  /** Article time (epoch ms), used by expireBefore. */
  at: number;
  fingerprint: ArticleFingerprint;
}

export interface NearDuplicateMatch<T extends NearDuplicateDoc = NearDuplicateDoc> {
  id: string;
  doc: T;
  /** max(lead, body): the estimated Jaccard similarity that made the match. */
  similarity: number;
  /** Headline + summary similarity (token sets). */
  lead: number;
  /** Body similarity (word-pair shingles); 0 when either side has no body. */
  body: number;
}

export interface NearDuplicateIndexOptions {
  /** Most recent documents kept per LSH bucket; bounds the cost of a query. Default 24. */
  bucketCap?: number;
  /** Candidates verified per query, those sharing the most buckets first. Default 64. */
  maxVerified?: number;
}

export interface NearDuplicateQueryOptions {
  /** Drop candidates below this similarity. Default 0 (every LSH candidate, verified score attached). */
  minSimilarity?: number;
  /** Leave this id out (the document itself when it is already indexed). */
  excludeId?: string;
}

// 14 bands × 3 rows over 42 headline slots: P(candidate) is 0.97 at Jaccard 0.6, 0.85 at 0.5, 0.01 at 0.1.
const LEAD_BANDS = 14;
const LEAD_ROWS = 3;
// 10 bands × 4 rows over 40 body slots: 0.91 at 0.7, 0.75 at 0.6, 0.08 at 0.3.
const BODY_BANDS = 10;
const BODY_ROWS = 4;

export class NearDuplicateIndex<T extends NearDuplicateDoc = NearDuplicateDoc> {
  private readonly docs = new Map<string, T>();
  private readonly lead: LshTable<T>;
  private readonly body: LshTable<T>;
  private readonly byTime = new MinHeap<T>();
  private readonly maxVerified: number;
  /** Reused per query (queries do not nest): no per-query map or closure to collect. */
  private readonly hits = new Map<T, number>();
  private readonly collect = (doc: T): void => {
    this.hits.set(doc, (this.hits.get(doc) ?? 0) + 1);
  };
  /** Candidates examined by the last query (before verification); exposed for cost tests and benchmarks. */
  lastCandidateCount = 0;

  constructor(options: NearDuplicateIndexOptions = {}) {
    const bucketCap = options.bucketCap ?? 24;
    this.maxVerified = options.maxVerified ?? 64;
    this.lead = new LshTable<T>({ bands: LEAD_BANDS, rows: LEAD_ROWS, bucketCap });
    this.body = new LshTable<T>({ bands: BODY_BANDS, rows: BODY_ROWS, bucketCap });
  }

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  get(id: string): T | undefined {
    return this.docs.get(id);
  }

  /** Index a document; a document with the same id is replaced. */
  add(doc: T): void {
    this.remove(doc.id);
    this.docs.set(doc.id, doc);
    const fp = doc.fingerprint;
    if (!isEmptySignature(fp.lead)) this.lead.add(doc, fp.lead);
    if (fp.body && !isEmptySignature(fp.body)) this.body.add(doc, fp.body);
    this.byTime.push(doc.at, doc);
  }

  remove(id: string): boolean {
    const doc = this.docs.get(id);
    if (!doc) return false;
    this.docs.delete(id);
    const fp = doc.fingerprint;
    if (!isEmptySignature(fp.lead)) this.lead.remove(doc, fp.lead);
    if (fp.body && !isEmptySignature(fp.body)) this.body.remove(doc, fp.body);
    // The heap entry goes stale and is skipped when it surfaces in expireBefore.
    return true;
  }

  /** Remove every document older than `cutoff`; returns them, oldest first. */
  expireBefore(cutoff: number): T[] {
    const expired: T[] = [];
    while (this.byTime.size > 0 && this.byTime.peekKey()! < cutoff) {
      const doc = this.byTime.pop()!;
      if (this.docs.get(doc.id) !== doc) continue;
      this.remove(doc.id);
      expired.push(doc);
    }
    return expired;
  }

  /** Candidates sharing an LSH bucket with `fingerprint`, with verified similarity, best first. */
  query(fingerprint: ArticleFingerprint, options: NearDuplicateQueryOptions = {}): NearDuplicateMatch<T>[] {
    // Count shared buckets per candidate: near-duplicates share many, chance collisions one.
    const hits = this.hits;
    hits.clear();
    if (!isEmptySignature(fingerprint.lead)) this.lead.forEachCandidate(fingerprint.lead, this.collect);
    if (fingerprint.body && !isEmptySignature(fingerprint.body)) {
      this.body.forEachCandidate(fingerprint.body, this.collect);
    }
    this.lastCandidateCount = hits.size;
    let verify: Iterable<T> = hits.keys();
    if (hits.size > this.maxVerified) {
      verify = [...hits]
        .sort((a, b) => b[1] - a[1])
        .slice(0, this.maxVerified)
        .map(([doc]) => doc);
    }
    const min = options.minSimilarity ?? 0;
    const matches: NearDuplicateMatch<T>[] = [];
    for (const doc of verify) {
      if (doc.id === options.excludeId) continue;
      const lead = signatureSimilarity(fingerprint.lead, doc.fingerprint.lead);
      const body =
        fingerprint.body && doc.fingerprint.body
          ? signatureSimilarity(fingerprint.body, doc.fingerprint.body)
          : 0;
      const similarity = Math.max(lead, body);
      if (similarity >= min) matches.push({ id: doc.id, doc, similarity, lead, body });
    }
    hits.clear();
    return matches.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1));
  }
}
