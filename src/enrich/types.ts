// What enrichment consumes and produces, and the ports it needs from the rest of the app.
import type { LlmErrorCode } from './errors.ts';
import type { LanguageCode } from './text/language.ts';

/** Per-source switches that change how an article is enriched. */
export interface SourceEnrichOptions {
  /** Keep the feed's own summary when it is good and already in the target language. */
  useFeedSummary?: boolean;
}

export interface EnrichInput {
  id: string;
  title: string;
  text: string;
  feedSummary?: string | null;
  url?: string | null;
  sourceId?: string | null;
  sourceOptions?: SourceEnrichOptions;
}

export interface Entities {
  attackers: string[];
  victims: string[];
  /** Money, records or systems lost, as stated. */
  loss: string | null;
  /** CVE ids, upper case, from the model and from the text. */
  cves: string[];
  vulnerabilities: string[];
  products: string[];
  vendors: string[];
  ips: string[];
  domains: string[];
  hashes: string[];
}

export type SummarySource = 'feed' | 'llm' | 'extractive';
export type EnrichMode = 'llm' | 'offline';
/** 'llm': translated by the model; 'not_needed': already in the target language; 'none': needed, not done. */
export type TranslationState = 'llm' | 'not_needed' | 'none';

export type UsageStep = 'single' | 'translate' | 'translateBody' | 'summary' | 'classify' | 'entities';

/** One model call (one attempt), as accounting stores it. */
export interface UsageRecord {
  articleId: string;
  sourceId: string | null;
  step: UsageStep;
  /** The model asked for (the configured name). */
  model: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Server sent no usage: the token numbers are estimates. */
  usageEstimated: boolean;
  latencyMs: number;
  /** 'ok': usable answer; 'invalid_output': answered but unusable JSON; 'error': the call failed. */
  outcome: 'ok' | 'invalid_output' | 'error';
  errorCode: LlmErrorCode | null;
  /** 1-based attempt of this call (retries after 429/5xx/timeouts). */
  attempt: number;
  /** The call was the repair retry after invalid JSON. */
  repair: boolean;
  /** USD from the price table; null when the model has no price. */
  costUsd: number | null;
  at: number;
}

export interface EnrichmentResult {
  /** Language of title + body. */
  language: LanguageCode;
  titleLanguage: LanguageCode;
  /** Title in the target language (named for the default target); null when it could not be translated. */
  titleZh: string | null;
  /** Translated (cut) body, only when `translateBody` is on and the body needed it. */
  bodyTranslated: string | null;
  summary: string;
  summarySource: SummarySource;
  category: string;
  entities: Entities;
  importance: number | null;
  mode: EnrichMode;
  translation: TranslationState;
  targetLanguage: string;
  promptVersion: string;
  /** Models that produced this result (empty offline). */
  models: string[];
  /** The article text was cut to fit the prompt budget. */
  inputCut: boolean;
  /** Served from the result cache: nothing was paid for this article now. */
  cached: boolean;
  cacheKey: string | null;
  /** The calls made for this result now (empty on a cache hit and offline). */
  usage: UsageRecord[];
  totals: UsageTotals;
}

export interface UsageTotals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costUsd: number;
}

/** Results by content hash + prompt version + model, so the same text is never paid for twice. */
export interface EnrichmentCache {
  get(key: string): Promise<EnrichmentResult | undefined>;
  set(key: string, value: EnrichmentResult): Promise<void>;
}

/** Where every call's usage goes (a table, in the app). */
export interface UsageRecorder {
  record(record: UsageRecord): Promise<void> | void;
}
