// Schedules: edit cron and time zone with instant validation (POST /api/schedules/preview) and the next
// five fire times, enable/disable, run now, delete, and create a new one.
import { api } from '../api.ts';
import { boot, ui } from '../boot.ts';
import { debounce, h, render } from '../dom.ts';
import { dateTime, relative } from '../format.ts';
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import type { EnqueueResult, Schedule, TaskInfo } from '../types.ts';
import { busy, card, empty, errorText, field, pageHeader, select, toast } from '../ui/components.ts';

interface Preview {
  items: string[];
}

const COMMON_ZONES = [
  'Asia/Shanghai',
  'UTC',
  'Asia/Hong_Kong',
  'Asia/Tokyo',
  'Europe/London',
  'America/New_York',
];

function zoneList(): HTMLDataListElement {
  let zones: string[] = COMMON_ZONES;
  try {
    zones = [...new Set([...COMMON_ZONES, ...Intl.supportedValuesOf('timeZone')])];
  } catch {
    // older browsers: the common ones only
  }
  return h('datalist', { id: 'time-zones' }, ...zones.map((z) => h('option', { value: z })));
}

/** Cron + time zone inputs with a live preview of the next five fire times. */
function cronEditor(cron: string, timezone: string, signal: AbortSignal) {
  const cronInput = h('input', {
    name: 'cron',
    value: cron,
    class: 'mono',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': '',
  });
  const tzInput = h('input', {
    name: 'timezone',
    value: timezone,
    list: 'time-zones',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
  });
  const error = h('p', { class: 'field-error cron-error', role: 'alert' });
  const next = h('ol', { class: 'next-runs' });
  let valid = true;
  let seq = 0;
  const showTimes = (items: string[]) =>
    render(
      next,
      ...items.map((iso) =>
        h(
          'li',
          null,
          h('time', { datetime: iso }, iso.slice(0, 16).replace('T', ' ')),
          h('span', { class: 'muted' }, ` ${iso.slice(23)} · ${relative(iso)}`),
        ),
      ),
    );
  const check = async () => {
    const mine = ++seq;
    const body = { cron: cronInput.value.trim(), timezone: tzInput.value.trim() || undefined, count: 5 };
    if (!body.cron) {
      valid = false;
      error.textContent = t('sched.cronRequired');
      next.replaceChildren();
      cronInput.setAttribute('aria-invalid', 'true');
      return;
    }
    try {
      const preview = await api.post<Preview>('/api/schedules/preview', body);
      if (mine !== seq || signal.aborted) return;
      valid = true;
      error.textContent = '';
      cronInput.removeAttribute('aria-invalid');
      tzInput.removeAttribute('aria-invalid');
      showTimes(preview.items);
    } catch (err) {
      if (mine !== seq || signal.aborted) return;
      valid = false;
      error.textContent = errorText(err);
      (/time ?zone/i.test(error.textContent) ? tzInput : cronInput).setAttribute('aria-invalid', 'true');
      next.replaceChildren();
    }
  };
  /** The stored definition's fire times come from a read (no token needed to look). */
  const showStored = async (load: () => Promise<Preview>) => {
    const mine = ++seq;
    try {
      const preview = await load();
      if (mine === seq && !signal.aborted) showTimes(preview.items);
    } catch {
      if (mine === seq && !signal.aborted) void check();
    }
  };
  const later = debounce(() => void check(), 250);
  cronInput.addEventListener('input', later);
  tzInput.addEventListener('input', later);
  return {
    cronInput,
    tzInput,
    error,
    next,
    check,
    showStored,
    get valid() {
      return valid;
    },
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function scheduleCard(s: Schedule, ctx: PageContext, reload: () => void): HTMLElement {
  const editor = cronEditor(s.cron, s.timezone, ctx.signal);
  const name = h('input', { name: 'name', value: s.name, required: true });
  const description = h('input', { name: 'description', value: s.description ?? '' });
  const payload = h(
    'textarea',
    { name: 'payload', rows: 3, class: 'mono', spellcheck: 'false' },
    JSON.stringify(s.payload ?? {}, null, 2),
  );
  const grace = h('input', {
    name: 'misfireGraceMs',
    type: 'number',
    min: '0',
    value: String(s.misfireGraceMs),
  });
  const coalesce = h('input', { name: 'coalesce', type: 'checkbox', checked: s.coalesce });
  const maxInstances = h('input', {
    name: 'maxInstances',
    type: 'number',
    min: '1',
    value: String(s.maxInstances),
  });
  const formError = h('p', { class: 'field-error', role: 'alert' });
  const enabled = h('input', {
    type: 'checkbox',
    class: 'switch',
    name: 'enabled',
    checked: s.enabled,
    'aria-label': t('sched.enabled'),
    onchange: async (e: Event) => {
      const box = e.currentTarget as HTMLInputElement;
      box.disabled = true;
      try {
        const updated = await api.patch<Schedule>(`/api/schedules/${encodeURIComponent(s.id)}`, {
          enabled: box.checked,
        });
        toast(
          updated.enabled
            ? t('sched.enabledNow', { name: s.name })
            : t('sched.disabledNow', { name: s.name }),
        );
        nextAt.textContent = updated.nextRunAt
          ? `${dateTime(updated.nextRunAt)} (${relative(updated.nextRunAt)})`
          : '—';
        root.classList.toggle('disabled', !updated.enabled);
      } catch (err) {
        box.checked = !box.checked;
        toast(errorText(err), 'error');
      } finally {
        box.disabled = false;
      }
    },
  });
  const nextAt = h(
    'span',
    { class: 'next-at' },
    s.nextRunAt ? `${dateTime(s.nextRunAt)} (${relative(s.nextRunAt)})` : '—',
  );
  const save = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', dataset: { action: 'save' } },
    t('common.save'),
  );
  const form = h(
    'form',
    {
      class: 'form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        formError.textContent = '';
        const parsed = parseJson(payload.value);
        if (!parsed.ok) {
          formError.textContent = t('common.badJson');
          return;
        }
        await editor.check();
        if (!editor.valid) return;
        await busy(save, async () => {
          try {
            await api.patch<Schedule>(`/api/schedules/${encodeURIComponent(s.id)}`, {
              name: name.value.trim(),
              cron: editor.cronInput.value.trim(),
              timezone: editor.tzInput.value.trim(),
              description: description.value.trim() || null,
              payload: parsed.value ?? {},
              misfireGraceMs: Number(grace.value),
              coalesce: coalesce.checked,
              maxInstances: Number(maxInstances.value),
            });
            toast(t('sched.saved', { name: name.value }));
            reload();
          } catch (err) {
            formError.textContent = errorText(err);
          }
        });
      },
    },
    h(
      'div',
      { class: 'form-row' },
      field(t('sched.cron'), editor.cronInput, t('sched.cronHint'), editor.error),
      field(t('sched.timezone'), editor.tzInput),
    ),
    h('div', { class: 'preview' }, h('span', { class: 'field-label' }, t('sched.nextFive')), editor.next),
    h(
      'details',
      null,
      h('summary', null, t('sched.more')),
      h(
        'div',
        { class: 'form-row' },
        field(t('sched.name'), name),
        field(t('sched.description'), description),
      ),
      field(t('exec.payload'), payload),
      h(
        'div',
        { class: 'form-row' },
        field(t('sched.misfireGrace'), grace, t('sched.misfireHint')),
        field(t('sched.maxInstances'), maxInstances),
        h('label', { class: 'check' }, coalesce, t('sched.coalesce')),
      ),
    ),
    formError,
    h(
      'div',
      { class: 'form-actions' },
      save,
      h(
        'button',
        {
          type: 'button',
          class: 'btn',
          dataset: { action: 'run' },
          onclick: (e: Event) =>
            busy(e.currentTarget as HTMLButtonElement, async () => {
              const r = await api.post<EnqueueResult>(`/api/schedules/${encodeURIComponent(s.id)}/run`);
              toast(t('sched.started', { name: s.name }));
              ctx.navigate(`/executions/${encodeURIComponent(r.executionId)}`);
            }),
        },
        t('exec.runNow'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-danger-ghost',
          dataset: { action: 'delete' },
          onclick: (e: Event) => {
            if (!confirm(t('sched.confirmDelete', { name: s.name }))) return;
            void busy(e.currentTarget as HTMLButtonElement, async () => {
              await api.del(`/api/schedules/${encodeURIComponent(s.id)}`);
              toast(t('sched.deleted', { name: s.name }));
              reload();
            });
          },
        },
        t('common.delete'),
      ),
    ),
  );
  const root = h(
    'section',
    { class: ['card', 'schedule', !s.enabled && 'disabled'], dataset: { id: s.id, name: s.name } },
    h(
      'div',
      { class: 'schedule-head' },
      h('h2', { class: 'card-title' }, s.name),
      h('label', { class: 'switch-label' }, enabled, h('span', null, t('sched.enabled'))),
    ),
    h(
      'p',
      { class: 'muted' },
      h('code', null, s.task),
      ' · ',
      t('sched.nextRun'),
      ' ',
      nextAt,
      s.lastExecutionId
        ? [
            ' · ',
            h('a', { href: ui(`/executions/${encodeURIComponent(s.lastExecutionId)}`) }, t('sched.lastRun')),
          ]
        : null,
    ),
    form,
  );
  void editor.showStored(() =>
    api.get<Preview>(`/api/schedules/${encodeURIComponent(s.id)}/next`, { count: 5 }, ctx.signal),
  );
  return root;
}

function createForm(tasks: TaskInfo[], ctx: PageContext, reload: () => void): HTMLElement {
  const editor = cronEditor('0 * * * *', boot().timezone, ctx.signal);
  const name = h('input', { name: 'name', required: true, id: 'new-schedule-name' });
  const taskSelect = select(
    'task',
    tasks.map((task): [string, string] => [task.name, task.name]),
    tasks[0]?.name ?? '',
  );
  const payload = h('textarea', { name: 'payload', rows: 2, class: 'mono', spellcheck: 'false' }, '{}');
  const error = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('sched.create'));
  let checked = false;
  return h(
    'form',
    {
      class: 'form',
      id: 'new-schedule',
      onfocusin: () => {
        if (!checked) {
          checked = true;
          void editor.check();
        }
      },
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        const parsed = parseJson(payload.value);
        if (!parsed.ok) {
          error.textContent = t('common.badJson');
          return;
        }
        await editor.check();
        if (!editor.valid) return;
        await busy(submit, async () => {
          try {
            await api.post('/api/schedules', {
              name: name.value.trim(),
              task: taskSelect.value,
              cron: editor.cronInput.value.trim(),
              timezone: editor.tzInput.value.trim(),
              payload: parsed.value ?? {},
            });
            toast(t('sched.created', { name: name.value }));
            reload();
          } catch (err) {
            error.textContent = errorText(err);
          }
        });
      },
    },
    h('div', { class: 'form-row' }, field(t('sched.name'), name), field(t('exec.task'), taskSelect)),
    h(
      'div',
      { class: 'form-row' },
      field(t('sched.cron'), editor.cronInput, t('sched.cronHint'), editor.error),
      field(t('sched.timezone'), editor.tzInput),
    ),
    h('div', { class: 'preview' }, h('span', { class: 'field-label' }, t('sched.nextFive')), editor.next),
    field(t('exec.payload'), payload),
    error,
    h('div', { class: 'form-actions' }, submit),
  );
}

export async function schedulesPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.schedules'));
  const [schedules, tasks] = await Promise.all([
    api.get<{ items: Schedule[] }>('/api/schedules', undefined, ctx.signal),
    api.get<{ items: TaskInfo[] }>('/api/tasks', undefined, ctx.signal),
  ]);
  const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });
  const list = schedules.items.slice().sort((a, b) => a.name.localeCompare(b.name));
  render(
    ctx.root,
    pageHeader(t('nav.schedules')),
    zoneList(),
    h('p', { class: 'hint' }, t('sched.intro', { tz: boot().timezone })),
    h('details', { class: 'card' }, h('summary', null, t('sched.new')), createForm(tasks.items, ctx, reload)),
    list.length
      ? h('div', { class: 'schedules' }, ...list.map((s) => scheduleCard(s, ctx, reload)))
      : card(null, empty(t('sched.none'))),
  );
}
