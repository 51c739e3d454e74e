// Events: stories grouped across sources within a window, with their sources and CVEs.
import { api, ApiError } from '../api.ts';
import { boot, ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { number, shortTime } from '../format.ts';
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import type { NewsEvent } from '../types.ts';
import { badge, card, empty, pageHeader, pager, select, unavailable } from '../ui/components.ts';

const LIMIT = 50;
const WINDOWS = ['24h', '72h', '7d', '30d'];

export async function eventsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.events'));
  const window = WINDOWS.includes(ctx.query.get('window') ?? '') ? ctx.query.get('window')! : '72h';
  const category = ctx.query.get('category') ?? '';
  const offset = Math.max(0, Number(ctx.query.get('offset') ?? 0) || 0);
  let page: { items: NewsEvent[]; total: number; windowHours: number };
  try {
    page = await api.get(
      '/api/events',
      { window, category: category || undefined, limit: LIMIT, offset },
      ctx.signal,
    );
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 406)) {
      render(ctx.root, pageHeader(t('nav.events')), unavailable('nav.events', '/api/events'));
      return;
    }
    throw err;
  }
  const windowSelect = select(
    'window',
    WINDOWS.map((w): [string, string] => [w, w]),
    window,
    {
      id: 'events-window',
      onchange: (e: Event) =>
        ctx.setQuery({ window: (e.currentTarget as HTMLSelectElement).value, offset: undefined }),
    },
  );
  const categorySelect = select(
    'category',
    [['', t('common.all')], ...boot().categories.map((c): [string, string] => [c.name, c.name])],
    category,
    {
      id: 'events-category',
      onchange: (e: Event) =>
        ctx.setQuery({
          category: (e.currentTarget as HTMLSelectElement).value || undefined,
          offset: undefined,
        }),
    },
  );
  const items = page.items.map((e) =>
    h(
      'li',
      { class: 'event-row', dataset: { id: e.id } },
      h(
        'div',
        null,
        h('a', { href: ui(`/events/${encodeURIComponent(e.id)}`), class: 'event-label' }, e.label),
        ' ',
        e.category ? badge(e.category, 'accent') : null,
        ...e.cves.slice(0, 4).map((c) => [' ', badge(c, 'bad')]),
      ),
      h(
        'div',
        { class: 'muted small' },
        t('events.counts', { articles: e.articleCount, sources: e.sourceCount }),
        ' · ',
        e.sources.map((s) => s.name).join('、'),
        ' · ',
        `${shortTime(e.firstSeenAt)} – ${shortTime(e.lastSeenAt)}`,
      ),
    ),
  );
  render(
    ctx.root,
    pageHeader(t('nav.events'), windowSelect, categorySelect),
    h('p', { class: 'muted' }, t('events.total', { n: number(page.total), hours: page.windowHours })),
    card(
      null,
      items.length ? h('ul', { class: 'list', id: 'event-list' }, ...items) : empty(t('events.none')),
      page.total > LIMIT
        ? pager(page.total, LIMIT, offset, (o) => ctx.setQuery({ offset: o ? String(o) : undefined }))
        : null,
    ),
  );
}
