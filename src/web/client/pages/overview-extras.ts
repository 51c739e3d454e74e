// Overview cards for capabilities that may be absent on a server: each appears when its API exists.
import { api, apiPaths } from '../api.ts';
import { boot, ui } from '../boot.ts';
import { h } from '../dom.ts';
import { number } from '../format.ts';
import { t } from '../i18n.ts';
import { card, notice, stat } from '../ui/components.ts';
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

async function enrichmentCard(signal: AbortSignal, withUsage: boolean): Promise<HTMLElement> {
  const [status, usage] = await Promise.all([
    api.get<LlmStatus>('/api/llm/status', undefined, signal),
    withUsage
      ? api
          .get<{ totals: UsageTotals }>('/api/llm/usage', { groupBy: 'model', from: today() }, signal)
          .catch(() => null)
      : Promise.resolve(null),
  ]);
  const a = status.articles;
  const totals = usage?.totals;
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

export async function overviewExtras(host: HTMLElement, signal: AbortSignal): Promise<void> {
  const paths = await apiPaths();
  const cards: Promise<HTMLElement>[] = [];
  if (paths.has('/api/llm/status')) cards.push(enrichmentCard(signal, paths.has('/api/llm/usage')));
  const shown = await Promise.all(cards);
  host.append(...shown);
}
