// Overview: what is running now (live), what fires next, what failed recently, and — where this server
// offers them — today's articles, enrichment backlog, source health and LLM spend.
import { api } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { duration, number, relative, shortTime } from '../format.ts';
import { t } from '../i18n.ts';
import { liveExecutions } from '../live.ts';
import type { PageContext } from '../router.ts';
import type { Execution, Page, Schedule, StatsRow } from '../types.ts';
import { TERMINAL } from '../types.ts';
import { card, empty, errorNotice, pageHeader, stat, statusBadge } from '../ui/components.ts';
import { executionRow, executionTable, updateRowProgress, updateRowStatus } from '../ui/execution-row.ts';
import { overviewExtras } from './overview-extras.ts';

export async function overviewPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.overview'));
  const extrasLoaded = overviewExtras(ctx.signal).catch((err: unknown) => [errorNotice(err)]);
  const [active, failures, schedules, stats] = await Promise.all([
    api.get<Page<Execution>>('/api/executions', { status: 'running,queued', limit: 20 }, ctx.signal),
    api.get<Page<Execution>>('/api/executions', { status: 'failed,timed_out', limit: 5 }, ctx.signal),
    api.get<{ items: Schedule[] }>('/api/schedules', undefined, ctx.signal),
    api.get<{ items: StatsRow[] }>('/api/executions/stats', { window: '24h' }, ctx.signal),
  ]);

  const sum = (status: string[]) =>
    stats.items.filter((r) => status.includes(r.status)).reduce((n, r) => n + r.count, 0);
  const statsRow = h(
    'div',
    { class: 'stats' },
    stat(t('overview.runningNow'), h('span', { id: 'running-count' }, number(active.total))),
    stat(t('overview.succeeded24h'), number(sum(['succeeded'])), 'ok'),
    stat(
      t('overview.failed24h'),
      number(sum(['failed', 'timed_out'])),
      sum(['failed', 'timed_out']) ? 'bad' : '',
    ),
  );

  // Running tasks, kept current by the global stream.
  const rows = new Map<string, HTMLElement>();
  const tbody = h('tbody');
  const runningEmpty = empty(t('overview.nothingRunning'));
  const addRow = (e: Execution) => {
    const row = executionRow(e);
    rows.set(e.id, row);
    tbody.prepend(row);
  };
  for (const e of active.items.slice().reverse()) addRow(e);
  const table = executionTable([]);
  table.querySelector('tbody')!.replaceWith(tbody);
  const syncEmpty = () => {
    runningEmpty.hidden = rows.size > 0;
    table.hidden = rows.size === 0;
  };
  syncEmpty();
  const onStatus = (e: Execution) => {
    const row = rows.get(e.id);
    if (row) updateRowStatus(row, e);
    else if (!TERMINAL.includes(e.status)) addRow(e);
    if (TERMINAL.includes(e.status) && row) {
      // Leave a finished task visible for a moment so its outcome can be read.
      setTimeout(() => {
        row.remove();
        rows.delete(e.id);
        syncEmpty();
      }, 8000);
    }
    syncEmpty();
  };
  liveExecutions(
    {
      status: onStatus,
      progress: (p) => {
        const row = rows.get(p.executionId);
        if (row) updateRowProgress(row, p);
      },
    },
    ctx.signal,
    undefined,
    // Runs that started while the page loaded, before the stream was open.
    async () =>
      (
        await api.get<Page<Execution>>('/api/executions', { status: 'running,queued', limit: 20 }, ctx.signal)
      ).items
        .filter((e) => !rows.has(e.id))
        .reverse(),
  );

  const next = schedules.items
    .filter((s) => s.enabled && s.nextRunAt)
    .sort((a, b) => Date.parse(a.nextRunAt!) - Date.parse(b.nextRunAt!))
    .slice(0, 6);
  const nextList = next.length
    ? h(
        'ul',
        { class: 'list' },
        ...next.map((s) =>
          h(
            'li',
            { class: 'row' },
            h(
              'span',
              null,
              h('strong', null, s.name),
              s.name !== s.task ? h('span', { class: 'muted' }, ` · ${s.task}`) : null,
            ),
            h(
              'span',
              { class: 'muted', title: s.nextRunAt ?? '' },
              `${shortTime(s.nextRunAt)} (${relative(s.nextRunAt)})`,
            ),
          ),
        ),
      )
    : empty(t('overview.noSchedules'));

  const errorsList = failures.items.length
    ? h(
        'ul',
        { class: 'list' },
        ...failures.items.map((e) =>
          h(
            'li',
            null,
            statusBadge(e.status),
            ' ',
            h('a', { href: ui(`/executions/${encodeURIComponent(e.id)}`) }, e.task),
            h(
              'span',
              { class: 'muted' },
              ` · ${relative(e.finishedAt ?? e.createdAt)} · ${duration(e.durationMs)}`,
            ),
            e.error ? h('div', { class: 'error-line' }, `${e.error.type}: ${e.error.message}`) : null,
          ),
        ),
      )
    : empty(t('overview.noErrors'));

  const extras = h('div', { class: 'grid' });
  render(
    ctx.root,
    pageHeader(t('nav.overview')),
    statsRow,
    extras,
    h(
      'div',
      { class: 'grid' },
      card(
        t('overview.running'),
        runningEmpty,
        table,
        h('p', { class: 'more' }, h('a', { href: ui('/executions') }, t('overview.allExecutions'))),
      ),
      card(
        t('overview.nextRuns'),
        nextList,
        h('p', { class: 'more' }, h('a', { href: ui('/schedules') }, t('nav.schedules'))),
      ),
      card(t('overview.recentErrors'), errorsList),
    ),
  );
  extras.append(...(await extrasLoaded));
}
