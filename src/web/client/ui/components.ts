// Small building blocks shared by the pages.
import { ApiError } from '../api.ts';
import { h, type Child } from '../dom.ts';
import { label, t, type Key } from '../i18n.ts';
import { number } from '../format.ts';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: ['badge', `status-${status}`], dataset: { status } }, label('status', status));
}

export function badge(text: Child, kind = ''): HTMLElement {
  return h('span', { class: ['badge', kind && `badge-${kind}`] }, text);
}

/** A progress bar; indeterminate when the total is unknown. Width is set through CSSOM (CSP-safe). */
export function progressBar(
  current: number | null,
  total: number | null,
  message?: string | null,
): HTMLElement {
  const bar = h('div', { class: 'progress-fill' });
  const text = h('span', { class: 'progress-text' });
  const wrap = h(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-valuemin': 0 },
    h('div', { class: 'progress-track' }, bar),
    text,
  );
  updateProgress(wrap, current, total, message);
  return wrap;
}

export function updateProgress(
  wrap: HTMLElement,
  current: number | null,
  total: number | null,
  message?: string | null,
): void {
  const bar = wrap.querySelector<HTMLElement>('.progress-fill');
  const text = wrap.querySelector<HTMLElement>('.progress-text');
  if (!bar || !text) return;
  const known = total !== null && total > 0 && current !== null;
  const pct = known ? Math.max(0, Math.min(100, (current! / total!) * 100)) : 0;
  wrap.classList.toggle('indeterminate', !known);
  bar.style.width = known ? `${pct}%` : '';
  wrap.setAttribute('aria-valuemax', String(total ?? 0));
  wrap.setAttribute('aria-valuenow', String(current ?? 0));
  wrap.dataset.current = String(current ?? '');
  wrap.dataset.total = String(total ?? '');
  const counts = known
    ? `${number(current)}/${number(total)} · ${Math.round(pct)}%`
    : current !== null
      ? number(current)
      : '';
  text.textContent = [counts, message ?? ''].filter(Boolean).join(' · ');
}

export function notice(kind: 'info' | 'error' | 'warn' | 'ok', ...children: Child[]): HTMLElement {
  return h(
    'div',
    { class: ['notice', `notice-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    ...children,
  );
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return t('auth.needed');
    // Field details often repeat the message; add only what it does not already say.
    const fields = err.fields
      .filter((f) => !err.message.includes(f.message))
      .map((f) => (f.path ? `${f.path}: ${f.message}` : f.message));
    return fields.length ? `${err.message} — ${fields.join('; ')}` : err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorNotice(err: unknown): HTMLElement {
  return notice('error', errorText(err));
}

/** Shown when this server does not offer the API a page needs (yet). */
export function unavailable(feature: Key, path: string): HTMLElement {
  return notice('info', h('strong', null, t(feature)), ' ', t('common.unavailable', { path }));
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', 'aria-busy': 'true' }, t('common.loading'));
}

export function jsonBlock(value: unknown): HTMLElement {
  return h('pre', { class: 'json' }, value === undefined ? '' : JSON.stringify(value, null, 2));
}

export function card(title: Child, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, title ? h('h2', { class: 'card-title' }, title) : null, ...children);
}

export function stat(labelText: string, value: Child, kind = ''): HTMLElement {
  return h(
    'div',
    { class: ['stat', kind && `stat-${kind}`] },
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'stat-label' }, labelText),
  );
}

export function pager(
  total: number,
  limit: number,
  offset: number,
  go: (offset: number) => void,
): HTMLElement {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('common.pages') },
    h(
      'button',
      { type: 'button', class: 'btn', disabled: page <= 1, onclick: () => go(Math.max(0, offset - limit)) },
      '‹ ',
      t('common.prev'),
    ),
    h('span', { class: 'pager-info' }, t('common.pageOf', { page, pages, total: number(total) })),
    h(
      'button',
      { type: 'button', class: 'btn', disabled: page >= pages, onclick: () => go(offset + limit) },
      t('common.next'),
      ' ›',
    ),
  );
}

let toastHost: HTMLElement | undefined;

export function toast(text: string, kind: 'ok' | 'error' | 'info' = 'ok'): void {
  if (!toastHost || !toastHost.isConnected) {
    toastHost = h('div', { class: 'toasts', 'aria-live': 'polite' });
    document.body.appendChild(toastHost);
  }
  const el = h(
    'div',
    { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    text,
  );
  toastHost.appendChild(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

/** Disable a button while an action runs; show the error as a toast. */
export async function busy<T>(
  button: HTMLButtonElement | null,
  action: () => Promise<T>,
): Promise<T | undefined> {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (err) {
    toast(errorText(err), 'error');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function field(
  labelText: string,
  control: HTMLElement,
  hint?: Child,
  error?: HTMLElement,
): HTMLElement {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field-label' }, labelText),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null,
    error ?? null,
  );
}

export function select(
  name: string,
  options: [string, string][],
  value: string,
  attrs: Record<string, unknown> = {},
): HTMLSelectElement {
  return h(
    'select',
    { name, ...attrs },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
}

export function pageHeader(title: string, ...actions: Child[]): HTMLElement {
  return h(
    'div',
    { class: 'page-header' },
    h('h1', null, title),
    actions.length ? h('div', { class: 'page-actions' }, ...actions) : null,
  );
}

export function kv(rows: [string, Child][]): HTMLElement {
  return h('dl', { class: 'kv' }, ...rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}
