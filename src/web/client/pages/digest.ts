// One digest: the editor with a live preview (rendered Markdown or its source), save, repeat check with
// per-item badges, downloads (Markdown, HTML, PDF), public link, delivery and its attempts.
import { api, ApiError, download } from '../api.ts';
import { boot, ui } from '../boot.ts';
import { digestMarkdown } from '../digest-markdown.ts';
import { h, render } from '../dom.ts';
import { dateTime, shortTime } from '../format.ts';
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import type { Digest, EnqueueResult } from '../types.ts';
import { badge, busy, card, errorText, notice, pageHeader, toast } from '../ui/components.ts';
import { digestEditor } from '../ui/digest-editor.ts';
import { livePreview } from '../ui/live-preview.ts';
import { watchExecution } from '../watch.ts';
import { deliveryCard } from './digest-delivery.ts';
import { digestStatusBadge } from './digests.ts';

export async function digestPage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  let digest: Digest;
  // The Markdown renderer is a chunk of its own, loaded alongside the digest.
  const markdown = import('../markdown.ts');
  try {
    digest = await api.get<Digest>(`/api/digests/${encodeURIComponent(id)}`, undefined, ctx.signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(
        ctx.root,
        pageHeader(t('nav.digests')),
        notice(
          'warn',
          err.code === 'NOT_FOUND' && /route/i.test(err.message)
            ? t('common.unavailable', { path: '/api/digests/{id}' })
            : t('digest.notFound'),
        ),
      );
      return;
    }
    throw err;
  }
  ctx.setTitle(digest.displayTitle);
  const { renderMarkdown } = await markdown;
  const base = `/api/digests/${encodeURIComponent(id)}`;
  const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });

  const editor = digestEditor(digest, ctx.signal);
  const snapshot = () =>
    JSON.stringify({
      title: editor.state().title,
      intro: editor.state().intro,
      items: editor.orderedItems().map((i) => [i.id, i.title, i.summary, i.category]),
    });
  let saved = snapshot();
  const dirtyNote = h('span', { class: 'dirty-note', id: 'digest-dirty', hidden: true }, t('digest.unsaved'));

  // Preview: the house Markdown of what is in the editor, rendered or as source.
  const rendered = h('div', { class: 'markdown-body', id: 'digest-preview' });
  const source = h('pre', { class: 'markdown-source', id: 'digest-markdown', hidden: true });
  const showSource = h(
    'button',
    { type: 'button', class: 'btn btn-small', 'aria-pressed': 'false' },
    t('digest.markdownSource'),
  );
  showSource.addEventListener('click', () => {
    const on = source.hidden;
    source.hidden = !on;
    rendered.hidden = on;
    showSource.setAttribute('aria-pressed', String(on));
  });
  const update = () => {
    const s = editor.state();
    const md = digestMarkdown(
      { date: s.date, title: s.title, intro: s.intro, items: editor.orderedItems() },
      boot().categories,
      boot().digestLinks,
    );
    source.textContent = md;
    rendered.replaceChildren(renderMarkdown(md));
    const dirty = snapshot() !== saved;
    dirtyNote.hidden = !dirty;
    saveButton.disabled = !dirty;
  };
  const saveButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary', id: 'digest-save', disabled: true },
    t('common.save'),
  );
  const schedule = livePreview(editor.element, update, ctx.signal);
  editor.onChange(schedule);

  const save = async () => {
    const s = editor.state();
    const updated = await api.patch<Digest>(base, {
      title: s.title.trim(),
      intro: s.intro,
      items: editor
        .orderedItems()
        .map((i) => ({ id: i.id, title: i.title, summary: i.summary, category: i.category })),
    });
    saved = snapshot();
    digest = updated;
    statusHost.replaceChildren(digestStatusBadge(updated.status));
    update();
    toast(t('digest.saved'));
  };
  saveButton.addEventListener('click', () => void busy(saveButton, save));
  // Ctrl/Cmd+S saves.
  document.addEventListener(
    'keydown',
    (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        if (!saveButton.disabled) void busy(saveButton, save);
      }
    },
    { signal: ctx.signal },
  );
  window.addEventListener(
    'beforeunload',
    (e) => {
      if (snapshot() !== saved) e.preventDefault();
    },
    { signal: ctx.signal },
  );

  const statusHost = h('span', { id: 'digest-status' }, digestStatusBadge(digest.status));
  const downloadButton = (format: 'md' | 'html' | 'pdf', text: string) => {
    const button: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'btn',
        dataset: { download: format },
        onclick: () =>
          busy(button, async () => {
            if (snapshot() !== saved) toast(t('digest.downloadSaved'), 'info');
            if (format === 'pdf') button.textContent = t('digest.rendering');
            try {
              await download(`${base}.${format}`, `${digest.displayTitle}.${format}`);
            } finally {
              button.textContent = text;
            }
          }),
      },
      text,
    );
    return button;
  };

  // Repeat check: a tracked task; the badges come back with the digest.
  const checkInfo = h(
    'p',
    { class: 'muted', id: 'check-info' },
    digest.checkedAt
      ? [
          t('digest.checkedAt', { at: dateTime(digest.checkedAt) }),
          ' · ',
          t('digest.flags', { n: digest.flags }),
          digest.checkStale ? [' ', badge(t('digest.checkStale'), 'warn')] : null,
        ]
      : t('digest.notChecked'),
  );
  const checkButton: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'digest-check',
      onclick: () =>
        busy(checkButton, async () => {
          if (snapshot() !== saved) await save();
          const r = await api.post<EnqueueResult>(`${base}/check`);
          checkButton.textContent = t('digest.checking');
          try {
            const done = await watchExecution(r.executionId, ctx.signal);
            if (done.status !== 'succeeded') throw new Error(done.error?.message ?? done.status);
          } finally {
            checkButton.textContent = t('digest.checkNow');
          }
          toast(t('digest.checkDone'));
          reload();
        }),
    },
    t('digest.checkNow'),
  );

  const publicHost = h('div', { id: 'digest-public' });
  const renderPublic = () => {
    const p = digest.public;
    const toggle: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small',
        onclick: () =>
          busy(toggle, async () => {
            digest = await api.patch<Digest>(base, { public: !p.enabled });
            renderPublic();
          }),
      },
      p.enabled ? t('digest.publicOff') : t('digest.publicOn'),
    );
    const link = p.url ?? p.path;
    render(
      publicHost,
      h(
        'p',
        null,
        t('digest.publicLink'),
        ': ',
        link
          ? h('a', { href: link, target: '_blank', rel: 'noopener noreferrer' }, link)
          : h('span', { class: 'muted' }, t('digest.publicNone')),
        ' ',
        toggle,
      ),
    );
  };
  renderPublic();

  const deleteButton: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-danger-ghost',
      onclick: () => {
        if (!confirm(t('digest.confirmDelete', { title: digest.displayTitle }))) return;
        void busy(deleteButton, async () => {
          await api.del(base);
          toast(t('digest.deleted'));
          ctx.navigate('/digests');
        });
      },
    },
    t('common.delete'),
  );

  // On narrow screens the editor and the preview are two tabs of one pane.
  const tab = (preview: boolean, text: string) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: 'btn btn-small',
        'aria-selected': String(!preview),
        dataset: { tab: preview ? 'preview' : 'edit' },
        onclick: (e: Event) => {
          document.getElementById('editor-grid')?.classList.toggle('show-preview', preview);
          for (const b of tabs.querySelectorAll('button'))
            b.setAttribute('aria-selected', String(b === e.currentTarget));
        },
      },
      text,
    );
  const tabs = h(
    'div',
    { class: 'editor-tabs', role: 'tablist' },
    tab(false, t('digest.edit')),
    tab(true, t('digest.preview')),
  );
  const delivery = h('div');
  render(
    ctx.root,
    pageHeader(digest.displayTitle, statusHost),
    h(
      'p',
      { class: 'breadcrumbs' },
      h('a', { href: ui('/digests') }, `← ${t('nav.digests')}`),
      ` · ${digest.date} · ${t('digest.revision', { n: digest.revision })} · ${t('digest.updatedAt', { at: shortTime(digest.updatedAt) })}`,
    ),
    h(
      'div',
      { class: 'toolbar' },
      saveButton,
      dirtyNote,
      h('span', { class: 'toolbar-gap' }),
      downloadButton('md', 'Markdown'),
      downloadButton('html', 'HTML'),
      downloadButton('pdf', 'PDF'),
    ),
    tabs,
    h(
      'div',
      { class: 'editor-grid', id: 'editor-grid' },
      h(
        'section',
        { class: 'card editor-card' },
        h('h2', { class: 'card-title' }, t('digest.edit')),
        editor.element,
      ),
      h(
        'section',
        { class: 'card preview-card' },
        h(
          'div',
          { class: 'preview-head' },
          h('h2', { class: 'card-title' }, t('digest.preview')),
          showSource,
        ),
        rendered,
        source,
      ),
    ),
    h(
      'div',
      { class: 'grid' },
      card(t('digest.repeatCheck'), checkInfo, checkButton),
      card(t('digest.publish'), publicHost, deleteButton),
    ),
    delivery,
  );
  update();
  try {
    await deliveryCard(delivery, id, digest, ctx.signal, reload);
  } catch (err) {
    render(delivery, notice('error', errorText(err)));
  }
}
