// Kysely shapes of the enrichment tables (see migrations/0003_enrich.ts).

export interface LlmCallsTable {
  id: string;
  article_id: string | null;
  source_id: string | null;
  execution_id: string | null;
  step: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** 0/1 */
  usage_estimated: number;
  latency_ms: number;
  outcome: string;
  error_code: string | null;
  attempt: number;
  /** 0/1 */
  repair: number;
  cost_usd: number | null;
  at: number;
}

export interface EnrichCacheTable {
  key: string;
  /** JSON */
  result: string;
  created_at: number;
}

/** Columns 0003_enrich adds to `articles`: who holds a running article and since when. */
export interface ArticleClaimColumns {
  enrich_claim_owner: string | null;
  enrich_claimed_at: number | null;
}

export interface EnrichTables {
  llm_calls: LlmCallsTable;
  enrich_cache: EnrichCacheTable;
}
