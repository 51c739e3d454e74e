import { describe, expect, it } from 'vitest';
import { checkDailyBudget, createDailyBudgetGate } from './budget.ts';
import { costOfCall, priceFor } from './pricing.ts';

describe('pricing', () => {
  const prices = {
    'gpt-4o-mini': { inputPer1M: 0.15, cachedInputPer1M: 0.075, outputPer1M: 0.6 },
    'deepseek-chat': { inputPer1M: 0.27, outputPer1M: 1.1 },
    '*': { inputPer1M: 1, outputPer1M: 1 },
  };

  it('bills cached prompt tokens at the cached price and the rest at the input price', () => {
    const usd = costOfCall(prices['gpt-4o-mini'], {
      promptTokens: 10_000,
      cachedTokens: 4_000,
      completionTokens: 1_000,
    });
    expect(usd).toBeCloseTo((6_000 * 0.15 + 4_000 * 0.075 + 1_000 * 0.6) / 1e6, 12);
  });

  it('bills cached tokens at the input price when no cached price is given', () => {
    const usd = costOfCall(prices['deepseek-chat'], {
      promptTokens: 1_000,
      cachedTokens: 1_000,
      completionTokens: 0,
    });
    expect(usd).toBeCloseTo(0.00027, 12);
  });

  it('finds a price by configured name, answered name, then the wildcard', () => {
    expect(priceFor(prices, 'gpt-4o-mini')).toBe(prices['gpt-4o-mini']);
    expect(priceFor(prices, 'alias', 'deepseek-chat')).toBe(prices['deepseek-chat']);
    expect(priceFor(prices, 'unknown')).toBe(prices['*']);
    expect(priceFor({}, 'unknown')).toBeUndefined();
  });
});

describe('daily budget', () => {
  it('allows spending below the limit and pauses with a reason at it', () => {
    expect(checkDailyBudget({ spentUsd: 0.5, dailyBudgetUsd: 1 })).toMatchObject({
      allowed: true,
      remainingUsd: 0.5,
    });
    const paused = checkDailyBudget({ spentUsd: 1.25, dailyBudgetUsd: 1, day: '2025-03-01' });
    expect(paused.allowed).toBe(false);
    expect(paused.reason).toBe(
      'daily LLM budget reached: spent $1.2500 of $1.00 on 2025-03-01; enrichment is paused until the next day',
    );
  });

  it('has no limit when none is configured', () => {
    expect(checkDailyBudget({ spentUsd: 1e6, dailyBudgetUsd: null })).toMatchObject({
      allowed: true,
      limitUsd: null,
    });
  });

  it('asks for the spending of the day on every check', async () => {
    let spent = 0;
    const gate = createDailyBudgetGate({ dailyBudgetUsd: 2, spentToday: async () => spent });
    expect((await gate.check()).allowed).toBe(true);
    spent = 2;
    expect((await gate.check()).allowed).toBe(false);
  });
});
