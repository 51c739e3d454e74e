// Near-duplicate lookup (same story, reworded or reprinted) without comparing against the whole archive:
// LSH buckets over the headline and body signatures yield a bounded candidate set, which is then verified
// by signature agreement. Documents leave the index by id or when they fall out of the time window.
import type { ArticleFingerprint } from './fingerprint.ts';
import { LshTable } from './lsh-table.ts';
import { MinHeap } from './min-heap.ts';
import { isEmptySignature, signatureSimilarity, similarityAtLeast } from './minhash.ts';
import { stableSort } from './stable-sort.ts';

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

/** A document inside the index: its band keys (for removal) and scratch counters for a query. */
interface Slot<T> {
  doc: T;
  leadKeys: Int32Array | null;
  bodyKeys: Int32Array | null;
  stamp: number;
  hits: number;
}

export class NearDuplicateIndex<T extends NearDuplicateDoc = NearDuplicateDoc> {
  private readonly slots = new Map<string, Slot<T>>();
  private readonly lead: LshTable<Slot<T>>;
  private readonly body: LshTable<Slot<T>>;
  private readonly byTime = new MinHeap<Slot<T>>();
  private readonly maxVerified: number;
  private stamp = 0;
  private readonly touched: Slot<T>[] = [];
  private readonly collect = (slot: Slot<T>): void => {
    if (slot.stamp !== this.stamp) {
      slot.stamp = this.stamp;
      slot.hits = 0;
      this.touched.push(slot);
    }
    slot.hits++;
  };
  /** Band keys of the last query, reused when the same fingerprint is added next (the usual flow). */
  private lastQuery: {
    fingerprint: ArticleFingerprint;
    lead: Int32Array | null;
    body: Int32Array | null;
  } | null = null;
  /** Candidates examined by the last query (before verification); exposed for cost tests and benchmarks. */
  lastCandidateCount = 0;

  constructor(options: NearDuplicateIndexOptions = {}) {
    const bucketCap = options.bucketCap ?? 24;
    this.maxVerified = options.maxVerified ?? 64;
    this.lead = new LshTable<Slot<T>>({ bands: LEAD_BANDS, rows: LEAD_ROWS, bucketCap });
    this.body = new LshTable<Slot<T>>({ bands: BODY_BANDS, rows: BODY_ROWS, bucketCap });
  }

  get size(): number {
    return this.slots.size;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  get(id: string): T | undefined {
    return this.slots.get(id)?.doc;
  }

  private keysOf(fp: ArticleFingerprint): { lead: Int32Array | null; body: Int32Array | null } {
    if (this.lastQuery?.fingerprint === fp) return this.lastQuery;
    return {
      lead: isEmptySignature(fp.lead) ? null : this.lead.keys(fp.lead),
      body: fp.body && !isEmptySignature(fp.body) ? this.body.keys(fp.body) : null,
    };
  }

  /** Index a document; a document with the same id is replaced. */
  add(doc: T): void {
    this.remove(doc.id);
    const keys = this.keysOf(doc.fingerprint);
    const slot: Slot<T> = { doc, leadKeys: keys.lead, bodyKeys: keys.body, stamp: 0, hits: 0 };
    this.slots.set(doc.id, slot);
    if (slot.leadKeys) this.lead.add(slot, slot.leadKeys);
    if (slot.bodyKeys) this.body.add(slot, slot.bodyKeys);
    this.byTime.push(doc.at, slot);
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (!slot) return false;
    this.slots.delete(id);
    if (slot.leadKeys) this.lead.remove(slot, slot.leadKeys);
    if (slot.bodyKeys) this.body.remove(slot, slot.bodyKeys);
    // The heap entry goes stale and is skipped when it surfaces in expireBefore.
    return true;
  }

  /** Remove every document older than `cutoff`; returns them, oldest first. */
  expireBefore(cutoff: number): T[] {
    const expired: T[] = [];
    while (this.byTime.size > 0 && this.byTime.peekKey()! < cutoff) {
      const slot = this.byTime.pop()!;
      if (this.slots.get(slot.doc.id) !== slot) continue;
      this.remove(slot.doc.id);
      expired.push(slot.doc);
    }
    return expired;
  }

  /** Candidates sharing an LSH bucket with `fingerprint`, with verified similarity, best first. */
  query(fingerprint: ArticleFingerprint, options: NearDuplicateQueryOptions = {}): NearDuplicateMatch<T>[] {
    // Count shared buckets per candidate: near-duplicates share many, chance collisions one.
    const keys = this.keysOf(fingerprint);
    this.lastQuery = { fingerprint, lead: keys.lead, body: keys.body };
    this.stamp++;
    const touched = this.touched;
    touched.length = 0;
    if (keys.lead) this.lead.forEachCandidate(keys.lead, this.collect);
    if (keys.body) this.body.forEachCandidate(keys.body, this.collect);
    this.lastCandidateCount = touched.length;
    if (touched.length > this.maxVerified) {
      touched.sort((a, b) => b.hits - a.hits);
      touched.length = this.maxVerified;
    }
    const min = options.minSimilarity ?? 0;
    const matches: NearDuplicateMatch<T>[] = [];
    for (const { doc } of touched) {
      if (doc.id === options.excludeId) continue;
      // Either side reaching `min` keeps the candidate; only then are both computed in full.
      let lead = similarityAtLeast(fingerprint.lead, doc.fingerprint.lead, min);
      let body =
        fingerprint.body && doc.fingerprint.body
          ? similarityAtLeast(fingerprint.body, doc.fingerprint.body, min)
          : -1;
      if (lead < 0 && body < 0) continue;
      if (lead < 0) lead = signatureSimilarity(fingerprint.lead, doc.fingerprint.lead);
      if (body < 0) {
        body =
          fingerprint.body && doc.fingerprint.body
            ? signatureSimilarity(fingerprint.body, doc.fingerprint.body)
            : 0;
      }
      matches.push({ id: doc.id, doc, similarity: Math.max(lead, body), lead, body });
    }
    touched.length = 0;
    return stableSort(matches, bySimilarity);
  }
}

/** Most similar first; equal similarity by id, so the order never depends on insertion. -1, 0 or 1. */
function bySimilarity(a: NearDuplicateMatch, b: NearDuplicateMatch): number {
  if (a.similarity !== b.similarity) return a.similarity > b.similarity ? -1 : 1;
  return a.id < b.id ? -1 : 1;
}
