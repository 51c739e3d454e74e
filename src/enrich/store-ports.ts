// The enrichment library's ports over the store: the result cache table and the model-call table.
import type { EnrichCacheRepo, LlmUsageRepo } from '../store/enrich-types.ts';
import type { EnrichmentCache, EnrichmentResult, UsageRecord, UsageRecorder } from './types.ts';

function looksLikeResult(v: unknown): v is EnrichmentResult {
  const r = v as Partial<EnrichmentResult> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.summary === 'string' &&
    typeof r.category === 'string' &&
    typeof r.entities === 'object' &&
    r.entities !== null
  );
}

export function storeEnrichmentCache(repo: EnrichCacheRepo, now: () => number = Date.now): EnrichmentCache {
  return {
    async get(key) {
      const value = await repo.get(key);
      // A row from an older shape is a miss, not a crash.
      return looksLikeResult(value) ? value : undefined;
    },
    async set(key, value) {
      // The calls that produced it are accounted in llm_calls already; a hit reports none.
      await repo.set(key, { ...value, usage: [], cached: false }, now());
    },
  };
}

/** Writes each call to llm_calls (with the execution that made it); `onRecord` sees it first. */
export function storeUsageRecorder(
  repo: LlmUsageRepo,
  executionId: string | null,
  onRecord?: (r: UsageRecord) => void,
): UsageRecorder {
  return {
    record: (r: UsageRecord) => {
      onRecord?.(r);
      return repo.record({ ...r, executionId });
    },
  };
}
