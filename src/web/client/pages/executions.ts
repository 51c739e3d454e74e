// Executions: filterable history with live rows, stats per task, and a form to run a task.
import { api } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { duration, isoToLocalInput, localInputToIso, number } from '../format.ts';
import { label, t } from '../i18n.ts';
import { liveExecutions } from '../live.ts';
import type { PageContext } from '../router.ts';
import type { Execution, Page, StatsRow, TaskInfo } from '../types.ts';
import { EXECUTION_STATUSES, TRIGGERS } from '../types.ts';
import { card, empty, field, pageHeader, pager, select, statusBadge } from '../ui/components.ts';
import { executionRow, executionTable, updateRowProgress, updateRowStatus } from '../ui/execution-row.ts';
import { runTaskForm } from '../ui/run-task.ts';

const LIMIT = 50;
const WINDOWS = ['1h', '24h', '7d', '30d'];

export async function executionsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.executions'));
  const q = ctx.query;
  const offset = Math.max(0, Number(q.get('offset') ?? 0) || 0);
  const statuses = (q.get('status') ?? '').split(',').filter(Boolean);
  const window = WINDOWS.includes(q.get('window') ?? '') ? q.get('window')! : '24h';
  const filter = {
    task: q.get('task') ?? undefined,
    status: statuses.length ? statuses.join(',') : undefined,
    trigger: q.get('trigger') ?? undefined,
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
  };
  const [page, tasks, stats] = await Promise.all([
    api.get<Page<Execution>>('/api/executions', { ...filter, limit: LIMIT, offset }, ctx.signal),
    api.get<{ items: TaskInfo[] }>('/api/tasks', undefined, ctx.signal),
    api.get<{ items: StatsRow[] }>('/api/executions/stats', { window }, ctx.signal),
  ]);

  // Filters (kept in the URL so a reload or a shared link shows the same list).
  const taskNames = tasks.items.map((task) => task.name).sort();
  const taskSelect = select(
    'task',
    [['', t('common.all')], ...taskNames.map((n): [string, string] => [n, n])],
    filter.task ?? '',
    { id: 'filter-task' },
  );
  const triggerSelect = select(
    'trigger',
    [['', t('common.all')], ...TRIGGERS.map((v): [string, string] => [v, label('trigger', v)])],
    filter.trigger ?? '',
    { id: 'filter-trigger' },
  );
  const statusBoxes = EXECUTION_STATUSES.map((s) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'status', value: s, checked: statuses.includes(s) }),
      statusBadge(s),
    ),
  );
  const from = h('input', { type: 'datetime-local', name: 'from', value: isoToLocalInput(filter.from) });
  const to = h('input', { type: 'datetime-local', name: 'to', value: isoToLocalInput(filter.to) });
  const filters = h(
    'form',
    {
      class: 'filters',
      id: 'exec-filters',
      onsubmit: (e: Event) => {
        e.preventDefault();
        ctx.setQuery({
          task: taskSelect.value || undefined,
          trigger: triggerSelect.value || undefined,
          status: statusBoxes
            .map((b) => b.querySelector('input')!)
            .filter((i) => i.checked)
            .map((i) => i.value)
            .join(','),
          from: localInputToIso(from.value),
          to: localInputToIso(to.value),
          offset: undefined,
        });
      },
    },
    field(t('exec.task'), taskSelect),
    field(t('exec.trigger'), triggerSelect),
    h(
      'fieldset',
      { class: 'field checks' },
      h('legend', { class: 'field-label' }, t('exec.status')),
      ...statusBoxes,
    ),
    field(t('common.from'), from),
    field(t('common.to'), to),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.apply')),
      h('a', { class: 'btn', href: ui('/executions') }, t('common.reset')),
    ),
  );

  // The list, updated live: known rows change in place; on the first page new runs that match appear on top.
  const rows = new Map<string, HTMLElement>();
  const table = executionTable(
    page.items.map((e) => {
      const row = executionRow(e);
      rows.set(e.id, row);
      return row;
    }),
  );
  const tbody = table.querySelector('tbody')!;
  const matches = (e: Execution) =>
    (!filter.task || e.task === filter.task) &&
    (!statuses.length || statuses.includes(e.status)) &&
    (!filter.trigger || e.trigger === filter.trigger) &&
    !filter.to;
  const onStatus = (e: Execution) => {
    const row = rows.get(e.id);
    if (row) updateRowStatus(row, e);
    else if (offset === 0 && matches(e)) {
      const fresh = executionRow(e);
      rows.set(e.id, fresh);
      tbody.prepend(fresh);
      listEmpty.hidden = true;
      table.hidden = false;
    }
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
    // Runs that started or changed while the page loaded, before the stream was open.
    async () =>
      (
        await api.get<Page<Execution>>('/api/executions', { ...filter, limit: LIMIT, offset }, ctx.signal)
      ).items.reverse(),
  );
  const listEmpty = empty(t('exec.none'));
  listEmpty.hidden = page.items.length > 0;
  table.hidden = page.items.length === 0;

  const windowSelect = select(
    'window',
    WINDOWS.map((w): [string, string] => [w, w]),
    window,
    {
      id: 'stats-window',
      onchange: (e: Event) => ctx.setQuery({ window: (e.target as HTMLSelectElement).value }),
    },
  );

  render(
    ctx.root,
    pageHeader(t('nav.executions')),
    h(
      'details',
      { class: 'card', id: 'run-task' },
      h('summary', null, t('exec.runTask')),
      runTaskForm(
        tasks.items,
        (r) => ctx.navigate(`/executions/${encodeURIComponent(r.executionId)}`),
        filter.task,
      ),
    ),
    h(
      'details',
      {
        class: 'card',
        open: Boolean(filter.task || filter.trigger || statuses.length || filter.from || filter.to),
      },
      h('summary', null, t('common.filters')),
      filters,
    ),
    card(
      t('exec.history', { total: number(page.total) }),
      listEmpty,
      h('div', { class: 'table-wrap' }, table),
      page.total > LIMIT
        ? pager(page.total, LIMIT, offset, (o) =>
            ctx.setQuery({ offset: o ? String(o) : undefined }, { replace: false }),
          )
        : null,
    ),
    card(h('span', null, t('exec.stats'), ' ', windowSelect), statsTable(stats.items)),
  );
}

function statsTable(items: StatsRow[]): HTMLElement {
  if (!items.length) return empty(t('exec.noStats'));
  const byTask = new Map<string, StatsRow[]>();
  for (const row of items) byTask.set(row.task, [...(byTask.get(row.task) ?? []), row]);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table', id: 'stats-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, t('exec.task')),
          h('th', null, t('exec.byStatus')),
          h('th', null, t('exec.total')),
          h('th', null, t('exec.avgDuration')),
          h('th', null, t('exec.maxDuration')),
        ),
      ),
      h(
        'tbody',
        null,
        ...[...byTask.entries()].map(([task, rows]) => {
          const total = rows.reduce((n, r) => n + r.count, 0);
          const weighted = rows.filter((r) => r.avgDurationMs !== null);
          const avg = weighted.length
            ? weighted.reduce((n, r) => n + r.avgDurationMs! * r.count, 0) /
              weighted.reduce((n, r) => n + r.count, 0)
            : null;
          const max = rows.reduce<number | null>(
            (m, r) => (r.maxDurationMs !== null && (m === null || r.maxDurationMs > m) ? r.maxDurationMs : m),
            null,
          );
          return h(
            'tr',
            null,
            h(
              'td',
              { 'data-label': t('exec.task') },
              h('a', { href: ui(`/executions?task=${encodeURIComponent(task)}`) }, task),
            ),
            h(
              'td',
              { 'data-label': t('exec.byStatus') },
              ...rows.map((r) =>
                h('span', { class: 'stat-chip' }, statusBadge(r.status), ` ${number(r.count)}`),
              ),
            ),
            h('td', { 'data-label': t('exec.total') }, number(total)),
            h('td', { 'data-label': t('exec.avgDuration') }, duration(avg)),
            h('td', { 'data-label': t('exec.maxDuration') }, duration(max)),
          );
        }),
      ),
    ),
  );
}
