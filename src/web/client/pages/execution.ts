// One execution: live status and progress over its own event stream, counters, error and stack,
// payload and result, stored logs followed by live ones, cancel and run again.
import { api, ApiError } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { dateTime, duration, number } from '../format.ts';
import { label, t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { subscribe } from '../sse.ts';
import type { EnqueueResult, Execution, LogLine, ProgressEvent } from '../types.ts';
import { TERMINAL } from '../types.ts';
import {
  busy,
  card,
  jsonBlock,
  kv,
  notice,
  pageHeader,
  progressBar,
  stat,
  statusBadge,
  toast,
  updateProgress,
} from '../ui/components.ts';

const LOG_PAGE = 500;

export async function executionPage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  let execution: Execution;
  try {
    execution = await api.get<Execution>(`/api/executions/${encodeURIComponent(id)}`, undefined, ctx.signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(ctx.root, pageHeader(t('exec.detail')), notice('warn', t('exec.notFound', { id })));
      return;
    }
    throw err;
  }
  ctx.setTitle(`${execution.task} · ${t('exec.detail')}`);

  const badgeHost = h('span', { id: 'exec-status' }, statusBadge(execution.status));
  const bar = progressBar(execution.progress.current, execution.progress.total, execution.progress.message);
  bar.id = 'exec-progress';
  const counters = {
    processed: h('span', { id: 'count-processed' }),
    success: h('span', { id: 'count-success' }),
    failed: h('span', { id: 'count-failed' }),
  };
  const setCounters = (c: Execution['counters']) => {
    counters.processed.textContent = number(c.processed);
    counters.success.textContent = number(c.success);
    counters.failed.textContent = number(c.failed);
  };
  setCounters(execution.counters);

  const cancelButton = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-danger',
      id: 'cancel-execution',
      onclick: async (e: Event) => {
        const button = e.currentTarget as HTMLButtonElement;
        await busy(button, async () => {
          const updated = await api.post<Execution>(`/api/executions/${encodeURIComponent(id)}/cancel`);
          toast(t('exec.cancelRequested'));
          apply(updated);
        });
      },
    },
    t('exec.cancel'),
  );
  const againButton = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'run-again',
      onclick: async (e: Event) => {
        await busy(e.currentTarget as HTMLButtonElement, async () => {
          const r = await api.post<EnqueueResult>(`/api/tasks/${encodeURIComponent(execution.task)}/run`, {
            payload: execution.payload,
          });
          ctx.navigate(`/executions/${encodeURIComponent(r.executionId)}`);
        });
      },
    },
    t('exec.runAgain'),
  );

  const details = h('div');
  const errorHost = h('div', { id: 'exec-error' });
  const resultHost = h('div');

  function renderDetails(e: Execution): void {
    render(
      details,
      kv([
        [t('exec.id'), h('code', null, e.id)],
        [t('exec.trigger'), `${label('trigger', e.trigger)}${e.triggeredBy ? ` (${e.triggeredBy})` : ''}`],
        [t('exec.attempt'), `${e.attempt} / ${e.maxAttempts}`],
        [t('exec.created'), dateTime(e.createdAt)],
        [t('exec.started'), dateTime(e.startedAt)],
        [t('exec.finished'), dateTime(e.finishedAt)],
        [t('exec.duration'), duration(e.durationMs)],
        [
          t('exec.worker'),
          [e.host, e.pid, e.worker].filter((v) => v !== null && v !== undefined).join(' · ') || '—',
        ],
        ...(e.scheduleId
          ? [[t('exec.schedule'), h('a', { href: ui('/schedules') }, e.scheduleId)] as [string, Node]]
          : []),
        ...(e.scheduledFor ? [[t('exec.scheduledFor'), dateTime(e.scheduledFor)] as [string, string]] : []),
        ...(e.parentId
          ? [
              [
                t('exec.parent'),
                h('a', { href: ui(`/executions/${encodeURIComponent(e.parentId)}`) }, e.parentId),
              ] as [string, Node],
            ]
          : []),
        ...(e.retryOf
          ? [
              [
                t('exec.retryOf'),
                h('a', { href: ui(`/executions/${encodeURIComponent(e.retryOf)}`) }, e.retryOf),
              ] as [string, Node],
            ]
          : []),
        ...(e.reason ? [[t('exec.reason'), e.reason] as [string, string]] : []),
      ]),
    );
    render(
      errorHost,
      e.error
        ? card(
            t('exec.error'),
            h(
              'p',
              { class: 'error-line' },
              h('strong', null, e.error.type),
              e.error.code ? ` [${e.error.code}]` : '',
              ': ',
              e.error.message,
            ),
            e.error.stack
              ? h(
                  'details',
                  { open: true },
                  h('summary', null, t('exec.stack')),
                  h('pre', { class: 'stack' }, e.error.stack),
                )
              : null,
          )
        : null,
    );
    render(
      resultHost,
      e.result !== null && e.result !== undefined ? card(t('exec.result'), jsonBlock(e.result)) : null,
    );
  }

  function apply(e: Execution): void {
    // An ended run never runs again (a retry is a new execution): a state read before the end that
    // arrives after it (the cancel's answer, on a busy machine) must not bring back "running".
    if (TERMINAL.includes(execution.status) && !TERMINAL.includes(e.status)) return;
    execution = e;
    badgeHost.replaceChildren(statusBadge(e.status));
    updateProgress(bar, e.progress.current, e.progress.total, e.progress.message);
    bar.classList.toggle('done', TERMINAL.includes(e.status));
    setCounters(e.counters);
    cancelButton.hidden = TERMINAL.includes(e.status);
    cancelButton.disabled = e.cancelRequested && !TERMINAL.includes(e.status);
    renderDetails(e);
  }

  // Logs: what is stored so far, then live lines from the stream (buffered until the stored ones are in).
  const logList = h('ol', { class: 'logs', id: 'exec-logs' });
  const seen = new Set<string>();
  const addLog = (l: LogLine) => {
    const key = `${l.ts}|${l.msg}`;
    if (seen.has(key)) return;
    seen.add(key);
    logList.append(
      h(
        'li',
        { class: ['log', `log-${l.level}`] },
        h('time', null, dateTime(l.ts)),
        h('span', { class: 'log-level' }, l.level),
        h('span', { class: 'log-msg' }, l.msg),
        l.data !== undefined ? h('code', { class: 'log-data' }, JSON.stringify(l.data)) : null,
      ),
    );
  };
  let logsLoaded = false;
  const early: LogLine[] = [];
  const live = subscribe(
    `/api/executions/${encodeURIComponent(id)}/events`,
    {
      status: (e: Execution) => {
        apply(e);
        if (TERMINAL.includes(e.status)) live.close();
      },
      progress: (p: ProgressEvent) => {
        updateProgress(bar, p.current, p.total, p.message);
        if (p.counters) setCounters(p.counters);
      },
      log: (l: LogLine) => (logsLoaded ? addLog(l) : early.push(l)),
    },
    { signal: ctx.signal },
  );

  const moreLogs = h('button', { type: 'button', class: 'btn', hidden: true }, t('exec.moreLogs'));
  let afterId: number | null = null;
  const loadLogs = async () => {
    const page = await api.get<{ items: LogLine[]; nextAfterId: number | null }>(
      `/api/executions/${encodeURIComponent(id)}/logs`,
      { limit: LOG_PAGE, afterId: afterId ?? undefined },
      ctx.signal,
    );
    page.items.forEach(addLog);
    afterId = page.nextAfterId;
    moreLogs.hidden = afterId === null;
  };
  moreLogs.addEventListener('click', () => void busy(moreLogs, loadLogs));

  apply(execution);
  render(
    ctx.root,
    pageHeader(execution.task, badgeHost, cancelButton, againButton),
    h(
      'p',
      { class: 'breadcrumbs' },
      h('a', { href: ui('/executions') }, `← ${t('nav.executions')}`),
      ' · ',
      h('a', { href: ui(`/executions?task=${encodeURIComponent(execution.task)}`) }, t('exec.sameTask')),
    ),
    card(
      t('exec.progress'),
      bar,
      h(
        'div',
        { class: 'stats' },
        stat(t('exec.processed'), counters.processed),
        stat(t('exec.success'), counters.success, 'ok'),
        stat(t('exec.failed'), counters.failed, 'bad'),
      ),
    ),
    errorHost,
    card(t('exec.details'), details),
    card(t('exec.payload'), jsonBlock(execution.payload)),
    resultHost,
    card(t('exec.logs'), logList, moreLogs),
  );
  await loadLogs();
  logsLoaded = true;
  early.splice(0).forEach(addLog);
}
