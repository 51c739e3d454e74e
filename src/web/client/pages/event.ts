// One event: its member articles across sources, near-duplicates marked.
import { api, ApiError } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { shortTime } from '../format.ts';
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { selection } from '../selection.ts';
import type { NewsEventDetail } from '../types.ts';
import { badge, card, kv, notice, pageHeader } from '../ui/components.ts';

export async function eventPage(ctx: PageContext): Promise<void> {
  let e: NewsEventDetail;
  try {
    e = await api.get<NewsEventDetail>(
      `/api/events/${encodeURIComponent(ctx.params.id)}`,
      undefined,
      ctx.signal,
    );
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(ctx.root, pageHeader(t('nav.events')), notice('warn', t('events.notFound')));
      return;
    }
    throw err;
  }
  ctx.setTitle(e.label);
  render(
    ctx.root,
    pageHeader(e.label, e.category ? badge(e.category, 'accent') : null),
    h('p', { class: 'breadcrumbs' }, h('a', { href: ui('/events') }, `← ${t('nav.events')}`)),
    card(
      null,
      kv([
        [t('events.firstSeen'), shortTime(e.firstSeenAt)],
        [t('events.lastSeen'), shortTime(e.lastSeenAt)],
        [t('events.sources'), e.sources.map((s) => s.name).join('、')],
        ['CVE', e.cves.length ? h('span', null, ...e.cves.map((c) => [badge(c, 'bad'), ' '])) : '—'],
      ]),
    ),
    card(
      t('events.members', { n: e.members.length }),
      h(
        'ul',
        { class: 'list', id: 'event-members' },
        ...e.members.map((m) =>
          h(
            'li',
            { dataset: { id: m.articleId } },
            h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                checked: selection.has(m.articleId),
                'aria-label': t('news.select'),
                onchange: (ev: Event) =>
                  selection.toggle(m.articleId, (ev.currentTarget as HTMLInputElement).checked),
              }),
            ),
            h('a', { href: ui(`/news/${encodeURIComponent(m.articleId)}`) }, m.title),
            m.nearDuplicateOf ? [' ', badge(t('events.nearDuplicate'), 'muted')] : null,
            h(
              'div',
              { class: 'muted small' },
              m.source.name,
              ' · ',
              shortTime(m.publishedAt ?? m.fetchedAt),
              ' · ',
              h(
                'a',
                { href: m.url, target: '_blank', rel: 'noopener noreferrer nofollow' },
                t('news.originalLink'),
              ),
              m.title !== m.originalTitle ? ` · ${m.originalTitle}` : '',
            ),
          ),
        ),
      ),
    ),
  );
}
