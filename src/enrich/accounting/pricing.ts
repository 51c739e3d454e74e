// Cost of a call from a price table in USD per 1M tokens. Cached prompt tokens are billed at the cached
// price (the input price when none is given); reasoning tokens are part of completion tokens.
import type { ModelPrice } from '../options.ts';

export type PriceTable = Record<string, ModelPrice>;

/** Price of a model: exact name, then the name the server answered with, then '*'. */
export function priceFor(prices: PriceTable, model: string, answeredModel?: string): ModelPrice | undefined {
  return prices[model] ?? (answeredModel ? prices[answeredModel] : undefined) ?? prices['*'];
}

export function costOfCall(
  price: ModelPrice,
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number },
): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  const usd =
    uncached * price.inputPer1M +
    cached * (price.cachedInputPer1M ?? price.inputPer1M) +
    usage.completionTokens * price.outputPer1M;
  return usd / 1_000_000;
}
