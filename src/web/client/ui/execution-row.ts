// One execution as a compact row with a live progress bar; shared by Overview and Executions.
import { ui } from '../boot.ts';
import { h } from '../dom.ts';
import { duration, number, shortTime } from '../format.ts';
import { label, t } from '../i18n.ts';
import type { Counters, Execution, ProgressEvent } from '../types.ts';
import { TERMINAL } from '../types.ts';
import { progressBar, statusBadge, updateProgress } from './components.ts';

export function countersText(c: Counters | undefined): string {
  if (!c) return '';
  return t('exec.countersShort', {
    processed: number(c.processed),
    success: number(c.success),
    failed: number(c.failed),
  });
}

export function executionRow(e: Execution): HTMLElement {
  const row = h(
    'tr',
    { class: 'exec-row', dataset: { id: e.id, status: e.status } },
    h('td', { class: 'col-status', 'data-label': t('exec.status') }, statusBadge(e.status)),
    h(
      'td',
      { class: 'col-task', 'data-label': t('exec.task') },
      h('a', { href: ui(`/executions/${encodeURIComponent(e.id)}`) }, e.task),
    ),
    h('td', { class: 'col-trigger', 'data-label': t('exec.trigger') }, label('trigger', e.trigger)),
    h('td', { class: 'col-created', 'data-label': t('exec.created') }, shortTime(e.createdAt)),
    h('td', { class: 'col-duration', 'data-label': t('exec.duration') }, duration(e.durationMs)),
    h(
      'td',
      { class: 'col-progress', 'data-label': t('exec.progress') },
      progressBar(e.progress.current, e.progress.total, e.progress.message),
    ),
    h('td', { class: 'col-counters', 'data-label': t('exec.counters') }, countersText(e.counters)),
  );
  if (e.error) row.title = `${e.error.type}: ${e.error.message}`;
  return row;
}

export function updateRowStatus(row: HTMLElement, e: Execution): void {
  row.dataset.status = e.status;
  row.querySelector('.col-status')?.replaceChildren(statusBadge(e.status));
  const cell = row.querySelector('.col-duration');
  if (cell) cell.textContent = duration(e.durationMs);
  const bar = row.querySelector<HTMLElement>('.progress');
  if (bar) updateProgress(bar, e.progress.current, e.progress.total, e.progress.message);
  const counters = row.querySelector('.col-counters');
  if (counters) counters.textContent = countersText(e.counters);
  if (TERMINAL.includes(e.status)) bar?.classList.add('done');
}

export function updateRowProgress(row: HTMLElement, p: ProgressEvent): void {
  const bar = row.querySelector<HTMLElement>('.progress');
  if (bar) updateProgress(bar, p.current, p.total, p.message);
  if (p.counters) {
    const counters = row.querySelector('.col-counters');
    if (counters) counters.textContent = countersText(p.counters);
  }
}

export function executionTable(rows: HTMLElement[]): HTMLTableElement {
  return h(
    'table',
    { class: 'table exec-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, t('exec.status')),
        h('th', null, t('exec.task')),
        h('th', null, t('exec.trigger')),
        h('th', null, t('exec.created')),
        h('th', null, t('exec.duration')),
        h('th', null, t('exec.progress')),
        h('th', null, t('exec.counters')),
      ),
    ),
    h('tbody', null, ...rows),
  );
}
