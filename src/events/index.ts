// Near-duplicate detection and event grouping: pure logic over values; the events.group task does the I/O.
export { articleTime, type EventArticle } from './article.ts';
export { EventGrouper, type GroupOptions, type GroupingStats } from './event-grouper.ts';
export type {
  Assignment,
  AssignmentReason,
  EventEntityCount,
  EventMember,
  EventRecord,
  GroupingResult,
  GroupingState,
  MergedEvent,
} from './event-types.ts';
export {
  decodeFingerprint,
  FINGERPRINT_VERSION,
  encodeFingerprint,
  fingerprintArticle,
  type ArticleFingerprint,
  type FingerprintOptions,
} from './fingerprint.ts';
export { FingerprintPool, type FingerprintChunk, type FingerprintPoolOptions } from './fingerprint-pool.ts';
export { EMPTY_GROUPING_STATE, groupArticles } from './group-articles.ts';
export {
  entityKeys,
  extractCves,
  normalizeCve,
  normalizeEntityName,
  type EntityInput,
  type EntityKey,
  type EntityType,
} from './keys.ts';
export { signatureSimilarity } from './minhash.ts';
export {
  NearDuplicateIndex,
  type NearDuplicateDoc,
  type NearDuplicateIndexOptions,
  type NearDuplicateMatch,
  type NearDuplicateQueryOptions,
} from './near-duplicate-index.ts';
export {
  DEFAULT_WINDOW_MS,
  defaultEventId,
  resolveGroupingOptions,
  type GroupingOptions,
} from './options.ts';
export { hammingDistance, simHash, simHashFromHex, simHashToHex, type SimHash64 } from './simhash.ts';
export { tokenize, type CjkMode, type TokenizeOptions } from './tokenize.ts';
