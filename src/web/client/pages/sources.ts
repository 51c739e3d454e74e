// Sources: health of every source, add with feed discovery and validation, OPML import/export,
// crawl everything now (followed live), enable/disable and crawl one.
import { api, ApiError, download } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { number, relative, shortTime } from '../format.ts';
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import type { EnqueueResult, Source } from '../types.ts';
import {
  busy,
  card,
  empty,
  errorText,
  pageHeader,
  progressBar,
  stat,
  toast,
  unavailable,
  updateProgress,
} from '../ui/components.ts';
import { healthBadge, healthOf } from '../ui/source-health.ts';
import { sourceForm } from '../ui/source-form.ts';
import { watchExecution } from '../watch.ts';

interface Discovery {
  url: string;
  finalUrl: string;
  isFeed: boolean;
  title?: string;
  feeds: { url: string; title?: string; type: string }[];
}

function addCard(ctx: PageContext): HTMLElement {
  const form = sourceForm(undefined, t('source.add'), async (body) => {
    const created = await api.post<Source>('/api/sources', body);
    toast(t('source.added', { name: created.name }));
    ctx.navigate(`/sources/${encodeURIComponent(created.id)}`);
  });
  const site = h('input', {
    type: 'url',
    name: 'site',
    id: 'discover-url',
    placeholder: 'https://www.example.com',
    inputmode: 'url',
  });
  const found = h('div', { id: 'discover-results' });
  const discover: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'discover',
      onclick: () =>
        busy(discover, async () => {
          render(found);
          try {
            const d = await api.post<Discovery>('/api/sources/discover', { url: site.value.trim() });
            const feeds = d.isFeed ? [{ url: d.finalUrl, title: d.title, type: 'feed' }] : d.feeds;
            render(
              found,
              feeds.length
                ? h(
                    'ul',
                    { class: 'list' },
                    ...feeds.map((feed) =>
                      h(
                        'li',
                        { class: 'row' },
                        h(
                          'span',
                          null,
                          h('strong', null, feed.title ?? d.title ?? feed.url),
                          h('span', { class: 'muted small' }, ` ${feed.type} · ${feed.url}`),
                        ),
                        h(
                          'button',
                          {
                            type: 'button',
                            class: 'btn btn-small',
                            onclick: () =>
                              form.fill({ name: feed.title ?? d.title ?? '', url: feed.url, type: 'feed' }),
                          },
                          t('source.useFeed'),
                        ),
                      ),
                    ),
                  )
                : h('p', { class: 'muted' }, t('source.noFeeds')),
            );
          } catch (err) {
            render(found, h('p', { class: 'field-error' }, errorText(err)));
          }
        }),
    },
    t('source.discover'),
  );
  return h(
    'details',
    { class: 'card', id: 'add-source' },
    h('summary', null, t('source.new')),
    h(
      'div',
      { class: 'discover' },
      h('span', { class: 'field-label' }, t('source.discoverHint')),
      h('div', { class: 'search-row' }, site, discover),
      found,
    ),
    form.element,
  );
}

function opmlImport(reload: () => void): HTMLElement {
  const input = h('input', {
    type: 'file',
    accept: '.opml,.xml,text/xml,text/x-opml',
    id: 'opml-file',
    class: 'visually-hidden',
  });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    try {
      const text = await file.text();
      const r = await api.post<{ created: number; skipped: { url: string; reason: string }[] }>(
        '/api/sources/opml',
        { opml: text },
      );
      toast(t('source.imported', { created: r.created, skipped: r.skipped.length }));
      reload();
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      input.value = '';
    }
  });
  return h('label', { class: 'btn', for: 'opml-file' }, t('source.importOpml'), input);
}

export async function sourcesPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.sources'));
  let list: { items: Source[]; total: number };
  try {
    list = await api.get('/api/sources', { limit: 5000 }, ctx.signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(ctx.root, pageHeader(t('nav.sources')), unavailable('nav.sources', '/api/sources'));
      return;
    }
    throw err;
  }
  const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });
  const show = ctx.query.get('show') ?? 'all';
  const q = (ctx.query.get('q') ?? '').toLowerCase();
  const counts = { ok: 0, failing: 0, disabled: 0, new: 0 };
  for (const s of list.items) counts[healthOf(s)]++;
  const visible = list.items.filter(
    (s) =>
      (show === 'all' || healthOf(s) === show) &&
      (!q || s.name.toLowerCase().includes(q) || s.url.toLowerCase().includes(q)),
  );

  // Crawl everything now, followed live.
  const crawlBar = progressBar(null, null);
  crawlBar.hidden = true;
  crawlBar.id = 'crawl-all-progress';
  const crawlAll: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary',
      id: 'crawl-all',
      onclick: () =>
        busy(crawlAll, async () => {
          const r = await api.post<EnqueueResult>('/api/sources/scheduler/crawl-now');
          crawlBar.hidden = false;
          const done = await watchExecution(r.executionId, ctx.signal, (p) =>
            updateProgress(crawlBar, p.current, p.total, p.message),
          );
          toast(
            done.status === 'succeeded'
              ? t('source.crawledAll')
              : `${t('source.crawlFailed')}: ${done.error?.message ?? done.status}`,
            done.status === 'succeeded' ? 'ok' : 'error',
          );
          reload();
        }),
    },
    t('source.crawlAll'),
  );

  const rows = visible.map((s) => {
    const crawl: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small',
        dataset: { action: 'crawl' },
        onclick: () =>
          busy(crawl, async () => {
            const r = await api.post<EnqueueResult>(`/api/sources/${encodeURIComponent(s.id)}/crawl`);
            crawl.textContent = t('source.crawling');
            const done = await watchExecution(r.executionId, ctx.signal);
            toast(
              done.status === 'succeeded'
                ? t('source.crawled', { name: s.name })
                : `${s.name}: ${done.error?.message ?? done.status}`,
              done.status === 'succeeded' ? 'ok' : 'error',
            );
            reload();
          }),
      },
      t('source.crawlNow'),
    );
    return h(
      'tr',
      { dataset: { id: s.id, health: healthOf(s) } },
      h('td', { 'data-label': t('source.health') }, healthBadge(s)),
      h(
        'td',
        { 'data-label': t('source.name') },
        h('a', { href: ui(`/sources/${encodeURIComponent(s.id)}`) }, s.name),
        h('div', { class: 'muted small url' }, s.url),
      ),
      h(
        'td',
        { 'data-label': t('source.lastSuccess') },
        s.state.lastSuccessAt ? relative(s.state.lastSuccessAt) : '—',
      ),
      h(
        'td',
        { 'data-label': t('source.error') },
        s.state.lastErrorCode
          ? h('span', { class: 'error-line', title: s.state.lastMessage ?? '' }, s.state.lastErrorCode)
          : s.state.disabledReason
            ? h('span', { class: 'muted' }, s.state.disabledReason)
            : '—',
      ),
      h(
        'td',
        { 'data-label': t('source.nextCheck') },
        s.active && s.state.nextCheckAt ? shortTime(s.state.nextCheckAt) : '—',
      ),
      h(
        'td',
        { 'data-label': t('source.items') },
        `${number(s.state.itemsNew)} / ${number(s.state.itemsFound)}`,
      ),
      h('td', { 'data-label': '' }, crawl),
    );
  });

  const filterLink = (key: string, text: string) =>
    h(
      'a',
      {
        class: 'chip',
        href: ui(`/sources${key === 'all' ? '' : `?show=${key}`}`),
        'aria-pressed': String(show === key),
      },
      text,
    );
  const search = h('input', {
    type: 'search',
    name: 'q',
    value: ctx.query.get('q') ?? '',
    placeholder: t('source.search'),
    id: 'source-search',
  });
  render(
    ctx.root,
    pageHeader(
      t('nav.sources'),
      crawlAll,
      opmlImport(reload),
      h(
        'button',
        {
          type: 'button',
          class: 'btn',
          id: 'export-opml',
          onclick: (e: Event) =>
            busy(e.currentTarget as HTMLButtonElement, () =>
              download('/api/sources/opml', 'newsdesk-sources.opml'),
            ),
        },
        t('source.exportOpml'),
      ),
    ),
    crawlBar,
    h(
      'div',
      { class: 'stats' },
      stat(t('source.total'), number(list.total)),
      stat(t('source.health.ok'), number(counts.ok), 'ok'),
      stat(t('source.health.failing'), number(counts.failing), counts.failing ? 'bad' : ''),
      stat(t('source.health.disabled'), number(counts.disabled)),
    ),
    addCard(ctx),
    card(
      null,
      h(
        'form',
        {
          class: 'filter-bar',
          onsubmit: (e: Event) => (e.preventDefault(), ctx.setQuery({ q: search.value.trim() || undefined })),
        },
        h(
          'div',
          { class: 'chips' },
          filterLink('all', t('common.all')),
          filterLink('failing', t('source.health.failing')),
          filterLink('disabled', t('source.health.disabled')),
          filterLink('new', t('source.health.new')),
        ),
        search,
      ),
      rows.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table', id: 'source-table' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ...(
                    [
                      'source.health',
                      'source.name',
                      'source.lastSuccess',
                      'source.error',
                      'source.nextCheck',
                      'source.items',
                    ] as const
                  ).map((k) => h('th', null, t(k))),
                  h('th', null, ''),
                ),
              ),
              h('tbody', null, ...rows),
            ),
          )
        : empty(list.total ? t('source.noMatch') : t('source.none')),
    ),
  );
}
