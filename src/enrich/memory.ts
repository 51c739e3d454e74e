// In-memory implementations of the enrichment ports, for tests, benchmarks and one-off CLI runs.
import type { EnrichmentCache, EnrichmentResult, UsageRecord, UsageRecorder } from './types.ts';

export class InMemoryEnrichmentCache implements EnrichmentCache {
  private readonly map = new Map<string, EnrichmentResult>();
  hits = 0;
  misses = 0;

  async get(key: string): Promise<EnrichmentResult | undefined> {
    const v = this.map.get(key);
    if (v) this.hits++;
    else this.misses++;
    return v ? structuredClone(v) : undefined;
  }

  async set(key: string, value: EnrichmentResult): Promise<void> {
    this.map.set(key, structuredClone(value));
  }

  get size(): number {
    return this.map.size;
  }
}

export class InMemoryUsageRecorder implements UsageRecorder {
  readonly records: UsageRecord[] = [];

  record(record: UsageRecord): void {
    this.records.push(record);
  }

  totalCostUsd(): number {
    return this.records.reduce((s, r) => s + (r.costUsd ?? 0), 0);
  }

  /** Sums per key, e.g. byKey((r) => r.model) or byKey((r) => r.step). */
  byKey(key: (r: UsageRecord) => string): Map<string, { calls: number; tokens: number; costUsd: number }> {
    const out = new Map<string, { calls: number; tokens: number; costUsd: number }>();
    for (const r of this.records) {
      const k = key(r);
      const agg = out.get(k) ?? { calls: 0, tokens: 0, costUsd: 0 };
      agg.calls++;
      agg.tokens += r.promptTokens + r.completionTokens;
      agg.costUsd += r.costUsd ?? 0;
      out.set(k, agg);
    }
    return out;
  }
}
