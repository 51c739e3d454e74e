// Enrichment without a model: extractive summary (or the feed's), keyword-rule category, pattern
// entities, no translation. Pure: values in, a result out.
import { mergeEntities } from '../entities.ts';
import type { FeedSummaryDecision } from '../feed-summary.ts';
import type { EnrichOptions } from '../options.ts';
import type { LanguageVerdict } from '../text/language.ts';
import type { EnrichmentResult } from '../types.ts';
import { categorizeByRules } from './category-rules.ts';
import { extractiveSummary } from './extractive-summary.ts';
import { extractRegexEntities } from './regex-entities.ts';

export function enrichOffline(
  article: { title: string; text: string; url?: string | null },
  ctx: { verdict: LanguageVerdict; feed: FeedSummaryDecision; options: EnrichOptions },
): EnrichmentResult {
  const { verdict, feed, options } = ctx;
  const target = options.targetLanguage;
  const body = article.text || article.title;
  const summary = feed.use
    ? feed.summary
    : extractiveSummary(article.title, body, {
        maxChars: options.offline.summaryMaxChars,
        maxSentences: options.offline.summaryMaxSentences,
      });
  const decision = categorizeByRules(article.title, body, options.offline.categoryRules, options.categories);
  const titleInTarget = verdict.titleLanguage === target;
  const bodyInTarget = verdict.language === target;
  return {
    language: verdict.language,
    titleLanguage: verdict.titleLanguage,
    titleZh: titleInTarget ? article.title : null,
    bodyTranslated: null,
    summary,
    summarySource: feed.use ? 'feed' : 'extractive',
    category: decision.category,
    entities: mergeEntities(
      null,
      extractRegexEntities(`${article.title}\n${article.text}`, article.url ?? undefined),
    ),
    importance: null,
    mode: 'offline',
    translation: titleInTarget && bodyInTarget ? 'not_needed' : 'none',
    targetLanguage: target,
    promptVersion: options.promptVersion,
    models: [],
    inputCut: false,
    cached: false,
    cacheKey: null,
    usage: [],
    totals: {
      calls: 0,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
      costUsd: 0,
    },
  };
}
