// Delivering a digest: pick channels, start the delivery task, follow it, list every attempt.
import { api, optional } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { dateTime, duration } from '../format.ts';
import { t } from '../i18n.ts';
import type { Channel, DeliveryAttempt, Digest, EnqueueResult } from '../types.ts';
import { badge, busy, card, empty, toast } from '../ui/components.ts';
import { watchExecution } from '../watch.ts';

export async function deliveryCard(
  host: HTMLElement,
  id: string,
  digest: Digest,
  signal: AbortSignal,
  reload: () => void,
): Promise<void> {
  const base = `/api/digests/${encodeURIComponent(id)}`;
  const [attempts, channels] = await Promise.all([
    api.get<{ items: DeliveryAttempt[] }>(`${base}/deliveries`, undefined, signal),
    optional(api.get<{ items: Channel[] }>('/api/channels', undefined, signal)).then(
      (r) => r ?? { items: [] as Channel[] },
    ),
  ]);
  const enabled = channels.items.filter((c) => c.enabled);
  const boxes = enabled.map((c) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'channel', value: c.name, checked: true }),
      `${c.name} (${c.type})`,
    ),
  );
  const deliver: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary',
      id: 'digest-deliver',
      disabled: enabled.length === 0,
      onclick: () =>
        busy(deliver, async () => {
          const chosen = boxes
            .map((b) => b.querySelector('input')!)
            .filter((i) => i.checked)
            .map((i) => i.value);
          if (!chosen.length) return;
          const r = await api.post<EnqueueResult>(`${base}/deliver`, { channels: chosen });
          deliver.textContent = t('digest.delivering');
          const done = await watchExecution(r.executionId, signal);
          deliver.textContent = t('digest.deliver');
          toast(
            done.status === 'succeeded' ? t('digest.deliveredOk') : t('digest.deliveredFailed'),
            done.status === 'succeeded' ? 'ok' : 'error',
          );
          reload();
        }),
    },
    t('digest.deliver'),
  );

  const summary = digest.delivery.length
    ? h(
        'ul',
        { class: 'list', id: 'delivery-summary' },
        ...digest.delivery.map((d) =>
          h(
            'li',
            null,
            badge(d.ok ? t('digest.ok') : t('digest.fail'), d.ok ? 'ok' : 'bad'),
            ' ',
            h('strong', null, d.channel),
            h(
              'span',
              { class: 'muted' },
              ` · ${t('digest.attempts', { n: d.attempts })} · ${dateTime(d.lastAt)}`,
            ),
            d.error ? h('div', { class: 'error-line' }, d.error) : null,
          ),
        ),
      )
    : null;

  const table = attempts.items.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table', id: 'delivery-attempts' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...(
                [
                  'digest.channel',
                  'digest.attempt',
                  'digest.result',
                  'digest.httpStatus',
                  'digest.at',
                  'exec.duration',
                ] as const
              ).map((k) => h('th', null, t(k))),
            ),
          ),
          h(
            'tbody',
            null,
            ...attempts.items.map((a) =>
              h(
                'tr',
                { dataset: { ok: String(a.ok) } },
                h(
                  'td',
                  { 'data-label': t('digest.channel') },
                  a.channel,
                  a.channelType ? h('span', { class: 'muted' }, ` (${a.channelType})`) : null,
                ),
                h('td', { 'data-label': t('digest.attempt') }, String(a.attempt)),
                h(
                  'td',
                  { 'data-label': t('digest.result') },
                  badge(a.ok ? t('digest.ok') : t('digest.fail'), a.ok ? 'ok' : 'bad'),
                  a.error ? h('div', { class: 'error-line' }, `${a.error.kind}: ${a.error.message}`) : null,
                  a.nextRetryInMs !== null
                    ? h(
                        'div',
                        { class: 'muted small' },
                        t('digest.retryIn', { d: duration(a.nextRetryInMs) }),
                      )
                    : null,
                ),
                h('td', { 'data-label': t('digest.httpStatus') }, a.status === null ? '—' : String(a.status)),
                h(
                  'td',
                  { 'data-label': t('digest.at') },
                  dateTime(a.at),
                  a.executionId
                    ? [' ', h('a', { href: ui(`/executions/${encodeURIComponent(a.executionId)}`) }, '↗')]
                    : null,
                ),
                h('td', { 'data-label': t('exec.duration') }, duration(a.durationMs)),
              ),
            ),
          ),
        ),
      )
    : empty(t('digest.noAttempts'));

  render(
    host,
    card(
      t('digest.delivery'),
      enabled.length
        ? h('div', { class: 'checks', id: 'deliver-channels' }, ...boxes)
        : h('p', { class: 'muted' }, t('digest.noChannels')),
      h('div', { class: 'form-actions' }, deliver),
      summary,
      h('h3', null, t('digest.attemptsTitle')),
      table,
    ),
  );
}
