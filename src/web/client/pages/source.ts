// One source: health and crawl state, edit with validation messages, crawl now (followed live),
// enable/disable, delete, and its per-crawl history with log lines.
import { api, ApiError } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { dateTime, duration, number, relative } from '../format.ts';
import { label, t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import type { CrawlRun, EnqueueResult, Page, Source } from '../types.ts';
import {
  badge,
  busy,
  card,
  empty,
  kv,
  notice,
  pageHeader,
  pager,
  progressBar,
  toast,
  updateProgress,
} from '../ui/components.ts';
import { healthBadge } from '../ui/source-health.ts';
import { sourceForm } from '../ui/source-form.ts';
import { watchExecution } from '../watch.ts';

const RUNS = 20;

function runsTable(runs: CrawlRun[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table', id: 'crawl-runs' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...(
            [
              'source.runAt',
              'source.runStatus',
              'source.http',
              'source.items',
              'exec.duration',
              'source.error',
            ] as const
          ).map((k) => h('th', null, t(k))),
        ),
      ),
      h(
        'tbody',
        null,
        ...runs.map((r) =>
          h(
            'tr',
            { dataset: { status: r.status } },
            h(
              'td',
              { 'data-label': t('source.runAt') },
              dateTime(r.startedAt),
              r.executionId
                ? [' ', h('a', { href: ui(`/executions/${encodeURIComponent(r.executionId)}`) }, '↗')]
                : null,
            ),
            h(
              'td',
              { 'data-label': t('source.runStatus') },
              badge(
                label('run', r.status),
                r.status === 'failed' ? 'bad' : r.status === 'ok' ? 'ok' : 'muted',
              ),
              r.outage ? [' ', badge(t('source.outage'), 'warn')] : null,
            ),
            h('td', { 'data-label': t('source.http') }, r.httpStatus === null ? '—' : String(r.httpStatus)),
            h('td', { 'data-label': t('source.items') }, `${number(r.itemsNew)} / ${number(r.itemsFound)}`),
            h('td', { 'data-label': t('exec.duration') }, duration(r.durationMs)),
            h(
              'td',
              { 'data-label': t('source.error') },
              r.errorCode
                ? h(
                    'span',
                    { class: 'error-line' },
                    `${r.errorCode}${r.errorMessage ? `: ${r.errorMessage}` : ''}`,
                  )
                : '—',
              r.log.length
                ? h(
                    'details',
                    null,
                    h('summary', { class: 'small muted' }, t('source.log', { n: r.log.length })),
                    h(
                      'ol',
                      { class: 'logs' },
                      ...r.log.map((l) =>
                        h(
                          'li',
                          { class: ['log', `log-${l.level}`] },
                          h('time', null, dateTime(l.ts)),
                          h('span', { class: 'log-level' }, l.level),
                          h('span', { class: 'log-msg' }, l.msg),
                        ),
                      ),
                    ),
                  )
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}

export async function sourcePage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  const offset = Math.max(0, Number(ctx.query.get('offset') ?? 0) || 0);
  let s: Source;
  let runs: Page<CrawlRun>;
  try {
    [s, runs] = await Promise.all([
      api.get<Source>(`/api/sources/${encodeURIComponent(id)}`, undefined, ctx.signal),
      api.get<Page<CrawlRun>>(
        `/api/sources/${encodeURIComponent(id)}/history`,
        { limit: RUNS, offset },
        ctx.signal,
      ),
    ]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(ctx.root, pageHeader(t('nav.sources')), notice('warn', t('source.notFound')));
      return;
    }
    throw err;
  }
  ctx.setTitle(s.name);
  const base = `/api/sources/${encodeURIComponent(id)}`;
  const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });

  const bar = progressBar(null, null);
  bar.hidden = true;
  const crawl: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary',
      id: 'source-crawl',
      onclick: () =>
        busy(crawl, async () => {
          const r = await api.post<EnqueueResult>(`${base}/crawl`);
          bar.hidden = false;
          const done = await watchExecution(r.executionId, ctx.signal, (p) =>
            updateProgress(bar, p.current, p.total, p.message),
          );
          toast(
            done.status === 'succeeded'
              ? t('source.crawled', { name: s.name })
              : `${t('source.crawlFailed')}: ${done.error?.message ?? done.status}`,
            done.status === 'succeeded' ? 'ok' : 'error',
          );
          reload();
        }),
    },
    t('source.crawlNow'),
  );
  const toggle: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'source-toggle',
      onclick: () =>
        busy(toggle, async () => {
          await api.post(`${base}/${s.active ? 'disable' : 'enable'}`, s.active ? {} : undefined);
          reload();
        }),
    },
    s.active ? t('source.disable') : t('source.enable'),
  );
  const remove: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-danger-ghost',
      onclick: () => {
        if (!confirm(t('source.confirmDelete', { name: s.name }))) return;
        void busy(remove, async () => {
          await api.del(base);
          toast(t('source.deleted', { name: s.name }));
          ctx.navigate('/sources');
        });
      },
    },
    t('common.delete'),
  );
  const form = sourceForm(s, t('common.save'), async (body) => {
    await api.patch<Source>(base, body);
    toast(t('source.saved', { name: String(body.name) }));
    reload();
  });
  const st = s.state;
  render(
    ctx.root,
    pageHeader(s.name, healthBadge(s), crawl, toggle, remove),
    h(
      'p',
      { class: 'breadcrumbs' },
      h('a', { href: ui('/sources') }, `← ${t('nav.sources')}`),
      ' · ',
      h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer nofollow' }, s.url),
    ),
    bar,
    st.disabledReason ? notice('warn', t('source.disabledBecause', { reason: st.disabledReason })) : null,
    st.lastErrorCode && s.active
      ? notice('error', `${st.lastErrorCode}${st.lastMessage ? `: ${st.lastMessage}` : ''}`)
      : null,
    h(
      'div',
      { class: 'grid' },
      card(
        t('source.state'),
        kv([
          [
            t('source.lastSuccess'),
            st.lastSuccessAt ? `${dateTime(st.lastSuccessAt)} (${relative(st.lastSuccessAt)})` : '—',
          ],
          [t('source.lastFetch'), dateTime(st.lastFetchAt)],
          [t('source.lastStatus'), st.lastStatus === null ? '—' : String(st.lastStatus)],
          [
            t('source.failures'),
            st.consecutiveFailures
              ? `${st.consecutiveFailures} (${t('source.since', { at: dateTime(st.failingSince) })})`
              : '0',
          ],
          [t('source.nextCheck'), s.active ? dateTime(st.nextCheckAt) : '—'],
          [t('source.items'), `${number(st.itemsNew)} / ${number(st.itemsFound)}`],
          [t('source.perWeek'), st.entriesPerWeek === null ? '—' : number(st.entriesPerWeek, 1)],
          [t('source.articles'), number(s.articles ?? 0)],
          ...(st.pendingRedirect
            ? [
                [t('source.redirect'), `${st.pendingRedirect.url} (×${st.pendingRedirect.count})`] as [
                  string,
                  string,
                ],
              ]
            : []),
        ]),
      ),
      card(t('source.edit'), form.element),
    ),
    card(
      t('source.history', { total: number(runs.total) }),
      runs.items.length ? runsTable(runs.items) : empty(t('source.noRuns')),
      runs.total > RUNS
        ? pager(runs.total, RUNS, offset, (o) => ctx.setQuery({ offset: o ? String(o) : undefined }))
        : null,
    ),
  );
}
