// "Run a task": pick a registered task, give its payload as JSON, start it and go to its live view.
import { api } from '../api.ts';
import { h } from '../dom.ts';
import { t } from '../i18n.ts';
import type { EnqueueResult, TaskInfo } from '../types.ts';
import { errorText, field, select, toast } from './components.ts';

export function runTaskForm(
  tasks: TaskInfo[],
  onStarted: (r: EnqueueResult) => void,
  initialTask = '',
): HTMLElement {
  const names = tasks.map((task) => task.name).sort();
  const chosen = initialTask && names.includes(initialTask) ? initialTask : (names[0] ?? '');
  const taskSelect = select(
    'task',
    names.map((n) => [n, n]),
    chosen,
    { id: 'run-task-name' },
  );
  const payload = h(
    'textarea',
    { name: 'payload', id: 'run-task-payload', rows: 3, spellcheck: 'false', class: 'mono' },
    '{}',
  );
  const description = h('small', { class: 'hint' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const describe = () => {
    description.textContent = tasks.find((task) => task.name === taskSelect.value)?.description ?? '';
  };
  taskSelect.addEventListener('change', describe);
  describe();
  const button = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', id: 'run-task-submit' },
    t('exec.runNow'),
  );
  return h(
    'form',
    {
      class: 'form inline-form',
      id: 'run-task-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        let body: unknown;
        try {
          body = payload.value.trim() ? JSON.parse(payload.value) : {};
        } catch {
          error.textContent = t('common.badJson');
          return;
        }
        button.disabled = true;
        try {
          const result = await api.post<EnqueueResult>(
            `/api/tasks/${encodeURIComponent(taskSelect.value)}/run`,
            { payload: body },
          );
          if (result.skipped) toast(t('exec.skipped', { reason: result.reason ?? '' }), 'info');
          onStarted(result);
        } catch (err) {
          error.textContent = errorText(err);
        } finally {
          button.disabled = false;
        }
      },
    },
    field(t('exec.task'), taskSelect, description),
    field(t('exec.payload'), payload),
    error,
    h('div', { class: 'form-actions' }, button),
  );
}
