// Today's news, the editor's main page: filters (categories with 其他 off by default, time range defaulting
// to "since the last digest", sources in or out, search, hide used and duplicate articles), article cards
// with event badges, a selection kept across reloads, and "generate digest" from the selection.
import { api, ApiError } from '../api.ts';
import { boot, ui } from '../boot.ts';
import { h, render, type Child } from '../dom.ts';
import { number, relative, shortTime } from '../format.ts';
import { label, t } from '../i18n.ts';
import {
  ArticleFeed,
  filtersFromQuery,
  filtersToQuery,
  RANGES,
  UNCLASSIFIED,
  type NewsFilters,
} from '../news-query.ts';
import type { PageContext } from '../router.ts';
import { selection } from '../selection.ts';
import type { Article, Digest, DigestSummary, NewsEvent, Source } from '../types.ts';
import { badge, busy, card, empty, errorText, pageHeader, toast, unavailable } from '../ui/components.ts';

function localToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: boot().timezone }).format(new Date());
}

/** Article ids already in a digest edited since `since` (older digests cannot hold newer articles). */
async function usedArticleIds(since: string | null, signal: AbortSignal): Promise<Set<string>> {
  const list = await api.get<{ items: DigestSummary[] }>('/api/digests', { limit: 20 }, signal);
  const bound = since ? Date.parse(since) : 0;
  const recent = list.items.filter((d) => Date.parse(d.updatedAt) >= bound).slice(0, 10);
  const digests = await Promise.all(
    recent.map((d) => api.get<Digest>(`/api/digests/${encodeURIComponent(d.id)}`, undefined, signal)),
  );
  return new Set(digests.flatMap((d) => d.items.map((i) => i.articleId)));
}

function summaryOrigin(a: Article): 'generated' | 'original' | null {
  if (a.summary) return a.summarySource === 'feed' ? 'original' : 'generated';
  return a.feedSummary ? 'original' : null;
}

/** The mark saying whether the summary shown is the feed's own or generated (none without a summary). */
export function summaryOriginBadge(a: Article): HTMLElement | null {
  const origin = summaryOrigin(a);
  return origin
    ? h(
        'span',
        { class: ['summary-origin', `origin-${origin}`] },
        t(origin === 'generated' ? 'news.generated' : 'news.original'),
      )
    : null;
}

export function articleCard(a: Article, events: Map<string, NewsEvent>, onToggle: () => void): HTMLElement {
  const box = h('input', {
    type: 'checkbox',
    class: 'select-box',
    checked: selection.has(a.id),
    'aria-label': t('news.select'),
    onchange: (e: Event) => {
      selection.toggle(a.id, (e.currentTarget as HTMLInputElement).checked);
      onToggle();
    },
  });
  const event = a.eventId ? events.get(a.eventId) : undefined;
  const summaryText = a.summary ?? a.feedSummary ?? '';
  const title = a.titleZh ?? a.title;
  const badges: Child[] = [
    a.category ? badge(a.category, 'accent') : null,
    a.enrichment.state !== 'done'
      ? badge(label('enrich', a.enrichment.state), a.enrichment.state === 'failed' ? 'bad' : 'muted')
      : null,
    event && event.sourceCount > 1
      ? h(
          'a',
          {
            class: 'badge badge-warn event-badge',
            href: ui(`/events/${encodeURIComponent(event.id)}`),
            title: event.sources.map((s) => s.name).join(', '),
          },
          t('news.moreSources', { n: event.sourceCount - 1 }),
        )
      : null,
    a.duplicateOf ? badge(t('news.duplicate'), 'muted') : null,
  ];
  return h(
    'article',
    { class: ['news-card', selection.has(a.id) && 'selected'], dataset: { id: a.id } },
    h('label', { class: 'select-area' }, box),
    h(
      'div',
      { class: 'news-body' },
      h('div', { class: 'news-badges' }, ...badges),
      h('h2', { class: 'news-title' }, h('a', { href: ui(`/news/${encodeURIComponent(a.id)}`) }, title)),
      a.titleZh && a.titleZh !== a.title ? h('p', { class: 'news-original muted small' }, a.title) : null,
      summaryText
        ? h('p', { class: 'news-summary' }, summaryOriginBadge(a), ' ', summaryText)
        : h('p', { class: 'news-summary muted' }, t('news.noSummary')),
      h(
        'p',
        { class: 'news-meta muted small' },
        h('span', { class: 'news-source' }, a.sourceName),
        ' · ',
        t('news.published'),
        ' ',
        h('time', { datetime: a.publishedAt ?? '' }, shortTime(a.publishedAt)),
        ' · ',
        t('news.fetched'),
        ' ',
        h('time', { datetime: a.fetchedAt, title: relative(a.fetchedAt) }, shortTime(a.fetchedAt)),
        ' · ',
        h(
          'a',
          { href: a.url, target: '_blank', rel: 'noopener noreferrer nofollow' },
          t('news.originalLink'),
        ),
      ),
    ),
  );
}

function filterPanel(ctx: PageContext, f: NewsFilters, all: string[]): HTMLElement {
  const apply = (next: Partial<NewsFilters>) => ctx.setQuery({ ...filtersToQuery({ ...f, ...next }, all) });
  const rangeButtons = RANGES.map((r) =>
    h(
      'button',
      {
        type: 'button',
        class: 'chip',
        'aria-pressed': String(f.range === r),
        dataset: { range: r },
        onclick: () => apply({ range: r }),
      },
      t(`news.range.${r}` as 'news.range.last'),
    ),
  );
  const catBoxes = [...all, UNCLASSIFIED].map((c) =>
    h(
      'label',
      { class: 'chip' },
      h('input', {
        type: 'checkbox',
        value: c,
        checked: f.categories.includes(c),
        onchange: (e: Event) => {
          const on = (e.currentTarget as HTMLInputElement).checked;
          apply({ categories: on ? [...f.categories, c] : f.categories.filter((x) => x !== c) });
        },
      }),
      c === UNCLASSIFIED ? t('news.unclassified') : c,
    ),
  );
  const modeSelect = h(
    'select',
    {
      name: 'smode',
      id: 'source-mode',
      onchange: (e: Event) =>
        apply({ sourceMode: (e.currentTarget as HTMLSelectElement).value as NewsFilters['sourceMode'] }),
    },
    ...(['all', 'only', 'except'] as const).map((m) =>
      h('option', { value: m, selected: f.sourceMode === m }, t(`news.sources.${m}` as 'news.sources.all')),
    ),
  );
  const sourceBox = (s: Source) =>
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        value: s.id,
        checked: f.sources.includes(s.id),
        onchange: (e: Event) => {
          const on = (e.currentTarget as HTMLInputElement).checked;
          const next = on ? [...f.sources, s.id] : f.sources.filter((x) => x !== s.id);
          apply({ sources: next, sourceMode: f.sourceMode === 'all' && on ? 'only' : f.sourceMode });
        },
      }),
      s.name,
    );
  // The source list is only needed once the picker opens.
  const sourceList = h('div', { class: 'source-list' });
  const picker = h(
    'details',
    { class: 'source-picker' },
    h(
      'summary',
      null,
      f.sources.length ? t('news.sourcesChosen', { n: f.sources.length }) : t('news.chooseSources'),
    ),
    sourceList,
  );
  let loaded = false;
  picker.addEventListener('toggle', () => {
    if (!picker.open || loaded) return;
    loaded = true;
    render(sourceList, t('common.loading'));
    void api.get<{ items: Source[] }>('/api/sources', { limit: 5000 }).then(
      (r) => render(sourceList, ...r.items.map(sourceBox)),
      (err) => render(sourceList, errorText(err)),
    );
  });
  const search = h('input', {
    type: 'search',
    name: 'q',
    value: f.q,
    placeholder: t('news.search'),
    id: 'news-search',
  });
  const toggle = (key: 'hideUsed' | 'hideDuplicates', text: string) =>
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        name: key,
        checked: f[key],
        onchange: (e: Event) => apply({ [key]: (e.currentTarget as HTMLInputElement).checked }),
      }),
      text,
    );
  return h(
    'form',
    {
      class: 'news-filters',
      id: 'news-filters',
      onsubmit: (e: Event) => {
        e.preventDefault();
        apply({ q: search.value.trim() });
      },
    },
    h(
      'div',
      { class: 'filter-row' },
      h('span', { class: 'field-label' }, t('news.range')),
      h('div', { class: 'chips', id: 'range-chips' }, ...rangeButtons),
    ),
    h(
      'div',
      { class: 'filter-row' },
      h('span', { class: 'field-label' }, t('news.categories')),
      h('div', { class: 'chips', id: 'category-chips' }, ...catBoxes),
    ),
    h(
      'div',
      { class: 'filter-row' },
      h('span', { class: 'field-label' }, t('nav.sources')),
      h('div', null, modeSelect, picker),
    ),
    h(
      'div',
      { class: 'filter-row' },
      h('span', { class: 'field-label' }, t('news.more')),
      h(
        'div',
        { class: 'chips' },
        toggle('hideUsed', t('news.hideUsed')),
        toggle('hideDuplicates', t('news.hideDuplicates')),
      ),
    ),
    h(
      'div',
      { class: 'filter-row search-row' },
      search,
      h('button', { type: 'submit', class: 'btn' }, t('news.searchButton')),
    ),
  );
}

export async function newsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.news'));
  const all = boot().categories.map((c) => c.name);
  const f = filtersFromQuery(ctx.query, all);
  const feed = new ArticleFeed(f, all);
  let first: Article[];
  let events: NewsEvent[];
  let used: Set<string>;
  // Since the last digest, nothing can be in a digest yet; for a time range, digests edited within it
  // may hold some of its articles.
  const usedSince =
    f.range === 'last' ? null : new Date(Date.now() - Number(f.range) * 3_600_000).toISOString();
  try {
    [first, used, events] = await Promise.all([
      feed.next(ctx.signal),
      f.hideUsed && usedSince
        ? usedArticleIds(usedSince, ctx.signal).catch(() => new Set<string>())
        : Promise.resolve(new Set<string>()),
      // Events of the last month for the "+N sources" badges (the API's default window can be shorter).
      api.get<{ items: NewsEvent[] }>('/api/events', { window: '30d', limit: 500 }, ctx.signal).then(
        (r) => r.items,
        () => [],
      ),
    ]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(ctx.root, pageHeader(t('nav.news')), unavailable('nav.news', '/api/articles'));
      return;
    }
    throw err;
  }
  const eventMap = new Map(events.map((e) => [e.id, e]));

  const list = h('div', { class: 'news-list', id: 'news-list' });
  const countHost = h('span', { id: 'selection-count' });
  const bar = h('div', { class: 'selection-bar', id: 'selection-bar' });
  let hiddenUsed = 0;
  const add = (items: Article[]) => {
    for (const a of items) {
      if (used.has(a.id)) {
        hiddenUsed++;
        continue;
      }
      list.append(articleCard(a, eventMap, syncSelection));
    }
  };
  const dateInput = h('input', {
    type: 'date',
    id: 'digest-date',
    value: localToday(),
    'aria-label': t('digest.date'),
  });
  const generate: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary',
      id: 'generate-digest',
      onclick: () =>
        busy(generate, async () => {
          const ids = selection.ids();
          if (!ids.length) return;
          try {
            const d = await api.post<Digest>('/api/digests', {
              date: dateInput.value || localToday(),
              articleIds: ids,
            });
            selection.clear();
            toast(t('news.digestCreated'));
            ctx.navigate(`/digests/${encodeURIComponent(d.id)}`);
          } catch (err) {
            toast(errorText(err), 'error');
          }
        }),
    },
    t('news.generate'),
  );
  function syncSelection(): void {
    const n = selection.size();
    countHost.textContent = t('news.selected', { n });
    bar.classList.toggle('has-selection', n > 0);
    generate.disabled = n === 0;
    for (const cardEl of list.querySelectorAll<HTMLElement>('.news-card')) {
      const on = selection.has(cardEl.dataset.id!);
      cardEl.classList.toggle('selected', on);
      const box = cardEl.querySelector<HTMLInputElement>('.select-box');
      if (box && box.checked !== on) box.checked = on;
    }
  }
  selection.onChange(syncSelection, ctx.signal);
  render(
    bar,
    countHost,
    dateInput,
    generate,
    h(
      'button',
      {
        type: 'button',
        class: 'btn',
        id: 'select-page',
        onclick: () =>
          list
            .querySelectorAll<HTMLElement>('.news-card')
            .forEach((c) => selection.toggle(c.dataset.id!, true)),
      },
      t('news.selectPage'),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost-dark',
        id: 'clear-selection',
        onclick: () => selection.clear(),
      },
      t('news.clear'),
    ),
  );

  add(first);
  const more: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'news-more',
      onclick: () =>
        busy(more, async () => {
          add(await feed.next(ctx.signal));
          more.hidden = feed.done;
          renderSummary();
        }),
    },
    t('news.loadMore'),
  );
  more.hidden = feed.done;
  const summaryLine = h('p', { class: 'muted', id: 'news-summary-line' });
  const renderSummary = () => {
    summaryLine.textContent = [
      t('news.total', { n: number(feed.total) }),
      feed.since
        ? t('news.since', { at: shortTime(feed.since) })
        : f.range === 'last'
          ? t('news.noDigestYet')
          : '',
      hiddenUsed ? t('news.hiddenUsed', { n: hiddenUsed }) : '',
    ]
      .filter(Boolean)
      .join(' · ');
  };
  renderSummary();
  render(
    ctx.root,
    pageHeader(t('nav.news')),
    h(
      'details',
      { class: 'card filters-card', open: window.matchMedia('(min-width: 760px)').matches },
      h('summary', null, t('common.filters')),
      filterPanel(ctx, f, all),
    ),
    summaryLine,
    list.childElementCount ? null : card(null, empty(t('news.none'))),
    list,
    h('div', { class: 'more-row' }, more),
    bar,
  );
  syncSelection();
}
