// The dashboard shell: header with navigation, language switch and login; routes; page lifecycle.
import { api, ApiError, getToken, onUnauthorized, setToken } from './api.ts';
import { boot, ui } from './boot.ts';
import { h, render } from './dom.ts';
import { lang, setLang, t, type Key } from './i18n.ts';
import { appPath, match, type PageContext, type Route } from './router.ts';
import { errorNotice, loading, notice } from './ui/components.ts';
import { overviewPage } from './pages/overview.ts';
import { schedulesPage } from './pages/schedules.ts';
import { executionsPage } from './pages/executions.ts';
import { executionPage } from './pages/execution.ts';
import { settingsPage } from './pages/settings.ts';
import { newsPage } from './pages/news.ts';
import { articlePage } from './pages/article.ts';
import { digestsPage } from './pages/digests.ts';
import { digestPage } from './pages/digest.ts';
import { sourcesPage } from './pages/sources.ts';
import { sourcePage } from './pages/source.ts';
import { eventsPage } from './pages/events.ts';
import { eventPage } from './pages/event.ts';

const routes: Route[] = [
  { name: 'overview', pattern: '/', page: overviewPage },
  { name: 'news', pattern: '/news', page: newsPage },
  { name: 'article', pattern: '/news/:id', page: articlePage },
  { name: 'digests', pattern: '/digests', page: digestsPage },
  { name: 'digest', pattern: '/digests/:id', page: digestPage },
  { name: 'sources', pattern: '/sources', page: sourcesPage },
  { name: 'source', pattern: '/sources/:id', page: sourcePage },
  { name: 'schedules', pattern: '/schedules', page: schedulesPage },
  { name: 'executions', pattern: '/executions', page: executionsPage },
  { name: 'execution', pattern: '/executions/:id', page: executionPage },
  { name: 'events', pattern: '/events', page: eventsPage },
  { name: 'event', pattern: '/events/:id', page: eventPage },
  { name: 'settings', pattern: '/settings', page: settingsPage },
];

const NAV: [string, Key, string[]][] = [
  ['/', 'nav.overview', ['overview']],
  ['/news', 'nav.news', ['news', 'article']],
  ['/digests', 'nav.digests', ['digests', 'digest']],
  ['/sources', 'nav.sources', ['sources', 'source']],
  ['/schedules', 'nav.schedules', ['schedules']],
  ['/executions', 'nav.executions', ['executions', 'execution']],
  ['/events', 'nav.events', ['events', 'event']],
  ['/settings', 'nav.settings', ['settings']],
];

let current: AbortController | undefined;
let currentRoute = '';

const header = h('header', { class: 'topbar' });
const view = h('main', { id: 'view', class: 'view', tabindex: '-1' });

function renderHeader(): void {
  const authButton = boot().authRequired
    ? getToken()
      ? h(
          'button',
          { type: 'button', class: 'btn btn-ghost', id: 'logout', onclick: () => setToken(null) },
          t('auth.logout'),
        )
      : h(
          'button',
          { type: 'button', class: 'btn btn-ghost', id: 'login', onclick: () => void askToken() },
          t('auth.login'),
        )
    : null;
  render(
    header,
    h('a', { href: ui('/'), class: 'brand' }, 'newsdesk'),
    h(
      'nav',
      { class: 'nav', 'aria-label': t('nav.label') },
      ...NAV.map(([path, key, names]) =>
        h(
          'a',
          {
            href: ui(path),
            'aria-current': names.includes(currentRoute) ? 'page' : null,
            dataset: { nav: names[0] },
          },
          t(key),
        ),
      ),
    ),
    h(
      'div',
      { class: 'topbar-tools' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost',
          id: 'lang-switch',
          title: lang() === 'zh' ? 'Switch to English' : '切换到中文',
          onclick: () => {
            setLang(lang() === 'zh' ? 'en' : 'zh');
            void show();
          },
        },
        lang() === 'zh' ? 'EN' : '中文',
      ),
      authButton,
    ),
  );
  // On a phone the nav scrolls sideways: keep the current page's tab in view.
  const nav = header.querySelector<HTMLElement>('.nav');
  const active = nav?.querySelector<HTMLElement>('[aria-current="page"]');
  if (nav && active && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = active.offsetLeft - (nav.clientWidth - active.offsetWidth) / 2;
  }
}

let pendingLogin: Promise<boolean> | undefined;

/** The login dialog: checks the token against the API before keeping it for this browser session. */
function askToken(): Promise<boolean> {
  pendingLogin ??= new Promise<boolean>((resolve) => {
    const input = h('input', {
      type: 'password',
      name: 'token',
      id: 'token-input',
      autocomplete: 'off',
      required: true,
      minlength: '16',
    });
    const error = h('p', { class: 'field-error', role: 'alert' });
    const dialog = h('dialog', { class: 'dialog', id: 'login-dialog' });
    const finish = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      pendingLogin = undefined;
      resolve(ok);
    };
    const form = h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const token = input.value.trim();
          if (!token) return;
          error.textContent = '';
          try {
            await api.post(
              '/api/schedules/preview',
              { cron: '0 0 * * *' },
              { noPrompt: true, headers: { authorization: `Bearer ${token}` } },
            );
            setToken(token);
            finish(true);
          } catch (err) {
            error.textContent =
              err instanceof ApiError && err.status === 401
                ? t('auth.invalid')
                : String((err as Error).message);
          }
        },
      },
      h('h2', null, t('auth.title')),
      h('p', { class: 'hint' }, t('auth.explain')),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('auth.token')), input),
      error,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => finish(false) }, t('common.cancel')),
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'login-submit' }, t('auth.login')),
      ),
    );
    dialog.appendChild(form);
    dialog.addEventListener('cancel', () => finish(false));
    document.body.appendChild(dialog);
    dialog.showModal();
    input.focus();
  });
  return pendingLogin;
}

function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const url = path.startsWith(boot().prefix) ? path : ui(path);
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void show();
}

async function show(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const path = appPath(location.pathname);
  const found = match(routes, path);
  currentRoute = found?.route.name ?? '';
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.body.dataset.ready = '';
  document.body.dataset.page = currentRoute;
  renderHeader();
  const root = h('div', { class: 'page', dataset: { page: currentRoute } });
  render(view, root);
  if (!found) {
    render(root, notice('warn', t('common.notFound')));
    document.body.dataset.ready = 'notfound';
    return;
  }
  const ctx: PageContext = {
    root,
    params: found.params,
    query: new URLSearchParams(location.search),
    signal: controller.signal,
    setQuery(changes, opts = {}) {
      const q = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === null || v === '') q.delete(k);
        else q.set(k, v);
      }
      const qs = q.toString();
      navigate(`${location.pathname}${qs ? `?${qs}` : ''}`, { replace: opts.replace ?? true });
    },
    navigate,
    setTitle(text) {
      document.title = `${text} · newsdesk`;
    },
  };
  render(root, loading());
  try {
    await found.route.page(ctx);
  } catch (err) {
    if (controller.signal.aborted) return;
    console.error(err);
    render(root, errorNotice(err));
  }
  if (!controller.signal.aborted) {
    document.body.dataset.ready = currentRoute;
    performance.mark(`newsdesk:ready:${currentRoute}`);
  }
}

function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(boot().prefix)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}

function start(): void {
  const app = document.getElementById('app')!;
  render(app, header, view);
  onUnauthorized(askToken);
  document.addEventListener('click', onLinkClick);
  window.addEventListener('popstate', () => void show());
  window.addEventListener('newsdesk:auth', () => renderHeader());
  void show();
}

start();
