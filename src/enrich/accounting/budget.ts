// An optional daily spending limit. When it is reached, enrichment pauses with a visible reason until the
// next local day; calls already in flight finish (so the limit can be overshot by at most those calls).

export interface BudgetDecision {
  allowed: boolean;
  /** Why enrichment is paused; set when not allowed. */
  reason?: string;
  spentUsd: number;
  limitUsd: number | null;
  remainingUsd: number | null;
}

/** Pure check: `dailyBudgetUsd` null or undefined means no limit. */
export function checkDailyBudget(args: {
  spentUsd: number;
  dailyBudgetUsd?: number | null;
  /** Local day the spending belongs to, for the message. */
  day?: string;
}): BudgetDecision {
  const limit = args.dailyBudgetUsd ?? null;
  if (limit == null) return { allowed: true, spentUsd: args.spentUsd, limitUsd: null, remainingUsd: null };
  const remaining = limit - args.spentUsd;
  if (remaining > 0)
    return { allowed: true, spentUsd: args.spentUsd, limitUsd: limit, remainingUsd: remaining };
  const on = args.day ? ` on ${args.day}` : ' today';
  return {
    allowed: false,
    reason: `daily LLM budget reached: spent $${args.spentUsd.toFixed(4)} of $${limit.toFixed(2)}${on}; enrichment is paused until the next day`,
    spentUsd: args.spentUsd,
    limitUsd: limit,
    remainingUsd: 0,
  };
}

/** Asked before every model call. */
export interface BudgetGate {
  check(): Promise<BudgetDecision> | BudgetDecision;
}

export function createDailyBudgetGate(args: {
  dailyBudgetUsd: number | null | undefined;
  /** Spent so far on the current local day (e.g. a sum over the usage table). */
  spentToday: () => number | Promise<number>;
  day?: () => string;
}): BudgetGate {
  return {
    async check() {
      if (args.dailyBudgetUsd == null) return checkDailyBudget({ spentUsd: 0, dailyBudgetUsd: null });
      return checkDailyBudget({
        spentUsd: await args.spentToday(),
        dailyBudgetUsd: args.dailyBudgetUsd,
        day: args.day?.(),
      });
    },
  };
}
