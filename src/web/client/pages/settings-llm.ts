// The enrichment model as configured: mode, server host, models per step, budget and pause. Keys never
// leave the server; only the host of the model server is shown.
import { api } from '../api.ts';
import { h, render } from '../dom.ts';
import { dateTime, number } from '../format.ts';
import { t } from '../i18n.ts';
import { badge, card, kv, notice } from '../ui/components.ts';

export interface LlmStatus {
  mode: 'llm' | 'offline' | 'misconfigured';
  problem: string | null;
  baseUrlHost: string | null;
  callMode: 'single' | 'steps';
  models: Record<string, string | null>;
  targetLanguage: string;
  promptVersion: string;
  categories: string[];
  budget: { day: string; spentUsd: number; limitUsd: number | null; remainingUsd: number | null };
  paused: { reason: string; until: string } | null;
  lastStop: { code: string; message: string; at: string; executionId: string } | null;
  articles: { pending: number; running: number; done: number; failed: number; skipped: number };
}

export function usd(n: number | null): string {
  return n === null ? '—' : `$${number(n, n < 1 ? 4 : 2)}`;
}

export async function llmCard(host: HTMLElement, signal: AbortSignal): Promise<void> {
  const s = await api.get<LlmStatus>('/api/llm/status', undefined, signal);
  const modeKind = s.mode === 'llm' ? 'ok' : s.mode === 'offline' ? 'muted' : 'bad';
  const models = Object.entries(s.models).filter(([, v]) => v);
  render(
    host,
    card(
      t('settings.llmStatus'),
      s.problem ? notice('error', s.problem) : null,
      s.paused
        ? notice('warn', t('settings.paused', { reason: s.paused.reason, until: dateTime(s.paused.until) }))
        : null,
      kv([
        [t('settings.mode'), badge(t(`llmMode.${s.mode}` as 'llmMode.llm'), modeKind)],
        [t('settings.server'), s.baseUrlHost ? h('code', null, s.baseUrlHost) : '—'],
        [t('settings.callMode'), s.callMode],
        [
          t('settings.models'),
          models.length
            ? h(
                'span',
                null,
                ...models.map(([step, model], i) => [
                  i ? ', ' : '',
                  `${step}: `,
                  h('code', null, String(model)),
                ]),
              )
            : '—',
        ],
        [t('settings.apiKey'), h('span', { class: 'muted' }, t('settings.keyHidden'))],
        [t('settings.target'), s.targetLanguage],
        [
          t('settings.budget'),
          `${usd(s.budget.spentUsd)} / ${s.budget.limitUsd === null ? t('settings.noLimit') : usd(s.budget.limitUsd)} (${s.budget.day})`,
        ],
        ...(s.lastStop
          ? [
              [
                t('settings.lastStop'),
                `${s.lastStop.code}: ${s.lastStop.message} (${dateTime(s.lastStop.at)})`,
              ] as [string, string],
            ]
          : []),
      ]),
    ),
  );
}
