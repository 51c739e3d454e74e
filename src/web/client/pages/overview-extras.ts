// Overview cards for capabilities a server may not have: each appears when its API answers.
import { api, optional } from '../api.ts';
import { boot, ui } from '../boot.ts';
import { h } from '../dom.ts';
import { localInputToIso, number } from '../format.ts';
import { t } from '../i18n.ts';
import type { Source } from '../types.ts';
import { card, notice, stat } from '../ui/components.ts';
import { healthOf } from '../ui/source-health.ts';
import { usd, type LlmStatus } from './settings-llm.ts';

interface UsageTotals {
  calls: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: boot().timezone }).format(new Date());
}

function enrichmentCard(status: LlmStatus, totals: UsageTotals | null): HTMLElement {
  const a = status.articles;
  return card(
    h('a', { href: ui('/settings') }, t('overview.enrichment')),
    status.problem ? notice('error', status.problem) : null,
    status.paused
      ? notice('warn', t('settings.paused', { reason: status.paused.reason, until: status.paused.until }))
      : null,
    status.lastStop ? notice('error', `${status.lastStop.code}: ${status.lastStop.message}`) : null,
    h(
      'div',
      { class: 'stats', id: 'enrich-stats' },
      stat(t('overview.backlog'), number(a.pending + a.running)),
      stat(t('overview.enrichFailed'), number(a.failed), a.failed ? 'bad' : ''),
      stat(t('overview.tokensToday'), totals ? number(totals.promptTokens + totals.completionTokens) : '—'),
      stat(t('overview.costToday'), usd(totals ? totals.costUsd : status.budget.spentUsd)),
    ),
  );
}

function contentCard(todayCount: number, sources: Source[]): HTMLElement {
  const failing = sources.filter((s) => healthOf(s) === 'failing');
  return card(
    h('a', { href: ui('/sources') }, t('overview.content')),
    h(
      'div',
      { class: 'stats', id: 'content-stats' },
      stat(t('overview.articlesToday'), number(todayCount)),
      stat(t('overview.activeSources'), number(sources.filter((s) => s.active).length)),
      stat(
        t('overview.failingSources'),
        h('a', { href: ui('/sources?show=failing') }, number(failing.length)),
        failing.length ? 'bad' : '',
      ),
    ),
    failing.length
      ? h(
          'ul',
          { class: 'list' },
          ...failing
            .slice(0, 5)
            .map((s) =>
              h(
                'li',
                null,
                h('a', { href: ui(`/sources/${encodeURIComponent(s.id)}`) }, s.name),
                h(
                  'span',
                  { class: 'error-line' },
                  ` ${s.state.lastErrorCode ?? ''} ×${s.state.consecutiveFailures}`,
                ),
              ),
            ),
        )
      : null,
  );
}

/** Fetch what the cards need (concurrently with the rest of the page); render once it is in. */
export async function overviewExtras(signal: AbortSignal): Promise<HTMLElement[]> {
  // Articles fetched since local midnight in the service's time zone.
  const midnight = localInputToIso(`${today()}T00:00`);
  const [status, usage, articles, sources] = await Promise.all([
    optional(api.get<LlmStatus>('/api/llm/status', undefined, signal)),
    optional(
      api.get<{ totals: UsageTotals }>('/api/llm/usage', { groupBy: 'model', from: today() }, signal),
    ).catch(() => null),
    optional(api.get<{ total: number }>('/api/articles', { since: midnight, limit: 1 }, signal)),
    optional(api.get<{ items: Source[] }>('/api/sources', { limit: 5000 }, signal)),
  ]);
  const cards: HTMLElement[] = [];
  if (articles && sources) cards.push(contentCard(articles.total, sources.items));
  if (status) cards.push(enrichmentCard(status, usage?.totals ?? null));
  return cards;
}
