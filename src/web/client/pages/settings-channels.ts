// Delivery channels on the Settings page (shown when the server offers GET /api/channels).
import { api } from '../api.ts';
import { h, render } from '../dom.ts';
import { t } from '../i18n.ts';
import { card, empty, jsonBlock } from '../ui/components.ts';

interface Channel {
  id: string;
  name?: string;
  type?: string;
  kind?: string;
  enabled?: boolean;
  config?: unknown;
}

export async function channelsCard(host: HTMLElement, signal: AbortSignal): Promise<void> {
  const res = await api.get<{ items: Channel[] }>('/api/channels', undefined, signal);
  render(
    host,
    card(
      t('settings.channels'),
      res.items.length
        ? h(
            'ul',
            { class: 'list' },
            ...res.items.map((c) =>
              h(
                'li',
                null,
                h('strong', null, c.name ?? c.id),
                ` · ${c.type ?? c.kind ?? ''}`,
                c.enabled === false ? ` · ${t('common.disabled')}` : '',
                c.config ? jsonBlock(c.config) : null,
              ),
            ),
          )
        : empty(t('settings.noChannels')),
    ),
  );
}
