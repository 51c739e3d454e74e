// Digests: newest first, with status, repeat-check state and delivery; build one automatically.
import { api, ApiError } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { number, shortTime } from '../format.ts';
import { label, t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import type { Digest, DigestSummary } from '../types.ts';
import { badge, busy, card, empty, pageHeader, pager, unavailable } from '../ui/components.ts';

const LIMIT = 30;

export function digestStatusBadge(status: string): HTMLElement {
  const kind =
    status === 'delivered'
      ? 'ok'
      : status === 'delivery_failed'
        ? 'bad'
        : status === 'checked'
          ? 'accent'
          : 'muted';
  return badge(label('digestStatus', status), kind);
}

export async function digestsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.digests'));
  const offset = Math.max(0, Number(ctx.query.get('offset') ?? 0) || 0);
  let page: { items: DigestSummary[]; total: number };
  try {
    page = await api.get('/api/digests', { limit: LIMIT, offset }, ctx.signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(ctx.root, pageHeader(t('nav.digests')), unavailable('nav.digests', '/api/digests'));
      return;
    }
    throw err;
  }
  const auto = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary',
      id: 'digest-auto',
      onclick: () =>
        busy(auto, async () => {
          const d = await api.post<Digest>('/api/digests', { auto: true });
          ctx.navigate(`/digests/${encodeURIComponent(d.id)}`);
        }),
    },
    t('digest.buildAuto'),
  );
  const rows = page.items.map((d) =>
    h(
      'tr',
      { dataset: { id: d.id } },
      h('td', { 'data-label': t('digest.date') }, d.date),
      h(
        'td',
        { 'data-label': t('digest.title') },
        h('a', { href: ui(`/digests/${encodeURIComponent(d.id)}`) }, d.displayTitle),
      ),
      h('td', { 'data-label': t('digest.status') }, digestStatusBadge(d.status)),
      h('td', { 'data-label': t('digest.items') }, number(d.itemCount)),
      h(
        'td',
        { 'data-label': t('digest.check') },
        d.checkedAt
          ? d.checkStale
            ? badge(t('digest.checkStale'), 'warn')
            : shortTime(d.checkedAt)
          : badge(t('digest.notChecked'), 'muted'),
      ),
      h('td', { 'data-label': t('digest.delivered') }, d.deliveredAt ? shortTime(d.deliveredAt) : '—'),
      h('td', { 'data-label': t('digest.updated') }, shortTime(d.updatedAt)),
    ),
  );
  render(
    ctx.root,
    pageHeader(t('nav.digests'), auto, h('a', { class: 'btn', href: ui('/news') }, t('digest.fromNews'))),
    card(
      null,
      rows.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table', id: 'digest-list' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ...[
                    'digest.date',
                    'digest.title',
                    'digest.status',
                    'digest.items',
                    'digest.check',
                    'digest.delivered',
                    'digest.updated',
                  ].map((k) => h('th', null, t(k as 'digest.date'))),
                ),
              ),
              h('tbody', null, ...rows),
            ),
          )
        : empty(t('digest.none')),
      page.total > LIMIT
        ? pager(page.total, LIMIT, offset, (o) =>
            ctx.setQuery({ offset: o ? String(o) : undefined }, { replace: false }),
          )
        : null,
    ),
  );
}
