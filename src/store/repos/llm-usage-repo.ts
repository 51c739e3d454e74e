// Every model call with tokens, latency, outcome and cost; sums per model, source and local day.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type {
  ArticleUsage,
  LlmCall,
  LlmCallRecord,
  LlmUsageRepo,
  UsageGroup,
  UsageQuery,
  UsageTotalsRow,
} from '../enrich-types.ts';
import { newId } from '../ids.ts';
import type { Database } from '../schema.ts';
import type { LlmCallsTable } from '../schema-enrich.ts';
import { localDay } from '../../time.ts';

type Db = Kysely<Database>;
type CallsQuery = SelectQueryBuilder<Database, 'llm_calls', object>;

/** Every zone's offset is a multiple of 15 minutes: sums per quarter hour can be regrouped by local day. */
const QUARTER_HOUR_MS = 900_000;

const SUMS = [
  sql<number>`count(*)`.as('calls'),
  sql<number>`sum(case when outcome = 'ok' then 0 else 1 end)`.as('failures'),
  sql<number>`sum(usage_estimated)`.as('estimated_calls'),
  sql<number>`sum(prompt_tokens)`.as('prompt_tokens'),
  sql<number>`sum(completion_tokens)`.as('completion_tokens'),
  sql<number>`sum(cached_tokens)`.as('cached_tokens'),
  sql<number>`sum(reasoning_tokens)`.as('reasoning_tokens'),
  sql<number>`coalesce(sum(cost_usd), 0)`.as('cost_usd'),
] as const;

interface SumsRow {
  calls: number | string | null;
  failures: number | string | null;
  estimated_calls: number | string | null;
  prompt_tokens: number | string | null;
  completion_tokens: number | string | null;
  cached_tokens: number | string | null;
  reasoning_tokens: number | string | null;
  cost_usd: number | string | null;
}

const n = (v: number | string | null | undefined) => (v == null ? 0 : Number(v));

function toTotals(r: SumsRow | undefined): UsageTotalsRow {
  return {
    calls: n(r?.calls),
    failures: n(r?.failures),
    estimatedCalls: n(r?.estimated_calls),
    promptTokens: n(r?.prompt_tokens),
    completionTokens: n(r?.completion_tokens),
    cachedTokens: n(r?.cached_tokens),
    reasoningTokens: n(r?.reasoning_tokens),
    costUsd: n(r?.cost_usd),
  };
}

export function emptyTotals(): UsageTotalsRow {
  return toTotals(undefined);
}

function addInto(into: UsageTotalsRow, t: UsageTotalsRow): void {
  into.calls += t.calls;
  into.failures += t.failures;
  into.estimatedCalls += t.estimatedCalls;
  into.promptTokens += t.promptTokens;
  into.completionTokens += t.completionTokens;
  into.cachedTokens += t.cachedTokens;
  into.reasoningTokens += t.reasoningTokens;
  into.costUsd += t.costUsd;
}

function toCall(r: LlmCallsTable): LlmCall {
  return {
    id: r.id,
    articleId: r.article_id,
    sourceId: r.source_id,
    executionId: r.execution_id,
    step: r.step,
    model: r.model,
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
    cachedTokens: Number(r.cached_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    usageEstimated: Number(r.usage_estimated) === 1,
    latencyMs: Number(r.latency_ms),
    outcome: r.outcome as LlmCall['outcome'],
    errorCode: r.error_code,
    attempt: Number(r.attempt),
    repair: Number(r.repair) === 1,
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    at: Number(r.at),
  };
}

function byCost(a: UsageGroup, b: UsageGroup): number {
  return b.costUsd - a.costUsd || b.calls - a.calls || a.key.localeCompare(b.key);
}

export class SqlLlmUsageRepo implements LlmUsageRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async record(call: LlmCallRecord): Promise<void> {
    await this.#db
      .insertInto('llm_calls')
      .values({
        id: newId(call.at),
        article_id: call.articleId,
        source_id: call.sourceId,
        execution_id: call.executionId,
        step: call.step,
        model: call.model,
        prompt_tokens: Math.round(call.promptTokens),
        completion_tokens: Math.round(call.completionTokens),
        cached_tokens: Math.round(call.cachedTokens),
        reasoning_tokens: Math.round(call.reasoningTokens),
        usage_estimated: call.usageEstimated ? 1 : 0,
        latency_ms: Math.round(call.latencyMs),
        outcome: call.outcome,
        error_code: call.errorCode,
        attempt: call.attempt,
        repair: call.repair ? 1 : 0,
        cost_usd: call.costUsd,
        at: call.at,
      })
      .execute();
  }

  async usageForArticle(articleId: string): Promise<ArticleUsage> {
    const rows = await this.#db
      .selectFrom('llm_calls')
      .selectAll()
      .where('article_id', '=', articleId)
      .orderBy('id')
      .execute();
    const calls = rows.map(toCall);
    const totals = emptyTotals();
    const bySteps: Record<string, UsageTotalsRow> = {};
    for (const c of calls) {
      const one: UsageTotalsRow = {
        calls: 1,
        failures: c.outcome === 'ok' ? 0 : 1,
        estimatedCalls: c.usageEstimated ? 1 : 0,
        promptTokens: c.promptTokens,
        completionTokens: c.completionTokens,
        cachedTokens: c.cachedTokens,
        reasoningTokens: c.reasoningTokens,
        costUsd: c.costUsd ?? 0,
      };
      addInto(totals, one);
      addInto((bySteps[c.step] ??= emptyTotals()), one);
    }
    return { calls, totals, bySteps };
  }

  #range(q: CallsQuery, range: { from?: number; to?: number }): CallsQuery {
    return q
      .$if(range.from !== undefined, (b) => b.where('at', '>=', range.from!))
      .$if(range.to !== undefined, (b) => b.where('at', '<', range.to!));
  }

  async aggregate(query: UsageQuery): Promise<UsageGroup[]> {
    const base = this.#range(this.#db.selectFrom('llm_calls'), query);
    if (query.groupBy === 'model') {
      const rows = await base
        .select(['model', ...SUMS])
        .groupBy('model')
        .execute();
      return rows.map((r) => ({ key: r.model, label: r.model, ...toTotals(r) })).sort(byCost);
    }
    if (query.groupBy === 'source') {
      const rows = await base
        .leftJoin('sources', 'sources.id', 'llm_calls.source_id')
        .select(['llm_calls.source_id', sql<string | null>`max(sources.name)`.as('source_name'), ...SUMS])
        .groupBy('llm_calls.source_id')
        .execute();
      return rows
        .map((r) => {
          const key = r.source_id ?? '';
          return { key, label: r.source_name ?? (key || '(no source)'), ...toTotals(r) };
        })
        .sort(byCost);
    }
    // Local days: sum per quarter hour in SQL, then regroup in the zone here.
    const bucket = sql<number>`at / ${sql.lit(QUARTER_HOUR_MS)}`;
    const rows = await base
      .select([bucket.as('bucket'), ...SUMS])
      .groupBy(bucket)
      .execute();
    const days = new Map<string, UsageTotalsRow>();
    for (const r of rows) {
      const day = localDay(Number(r.bucket) * QUARTER_HOUR_MS, query.timeZone);
      let into = days.get(day);
      if (!into) days.set(day, (into = emptyTotals()));
      addInto(into, toTotals(r));
    }
    return [...days.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, t]) => ({ key: day, label: day, ...t }));
  }

  async totals(range: { from?: number; to?: number }): Promise<UsageTotalsRow> {
    const row = await this.#range(this.#db.selectFrom('llm_calls'), range)
      .select([...SUMS])
      .executeTakeFirst();
    return toTotals(row);
  }

  async costSince(from: number): Promise<number> {
    const row = await this.#db
      .selectFrom('llm_calls')
      .select(sql<number>`coalesce(sum(cost_usd), 0)`.as('cost'))
      .where('at', '>=', from)
      .executeTakeFirst();
    return n(row?.cost);
  }

  async deleteBefore(at: number): Promise<number> {
    const res = await this.#db.deleteFrom('llm_calls').where('at', '<', at).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
