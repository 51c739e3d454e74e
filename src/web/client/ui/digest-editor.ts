// The digest editor: title, intro and items grouped by section; items can be edited, moved within their
// section, moved to another section (category) and removed. Text fields are created once per item and
// moved, never re-created, so typing (and IME composition) is never interrupted.
import { boot, ui } from '../boot.ts';
import { sectionFor, layoutSections } from '../digest-markdown.ts';
import { h } from '../dom.ts';
import { label, t } from '../i18n.ts';
import type { Digest, DigestItem } from '../types.ts';
import { badge, select } from './components.ts';

export interface EditorItem {
  id: string;
  articleId: string;
  category: string;
  title: string;
  summary: string;
  links: DigestItem['links'];
  repeat: DigestItem['repeat'];
}

export interface EditorState {
  date: string;
  title: string;
  intro: string;
  items: EditorItem[];
}

export interface DigestEditor {
  element: HTMLElement;
  state(): EditorState;
  /** Items in digest order: section by section, each section in the order shown. */
  orderedItems(): EditorItem[];
  onChange(fn: () => void): void;
}

function autoGrow(area: HTMLTextAreaElement): void {
  area.style.height = 'auto';
  area.style.height = `${Math.min(area.scrollHeight + 2, 480)}px`;
}

function repeatNote(item: EditorItem): HTMLElement | null {
  const r = item.repeat;
  if (!r) return null;
  return h(
    'div',
    { class: 'repeat-note', role: 'note' },
    badge(t('digest.repeat'), 'warn'),
    ' ',
    t('digest.repeatOf', { date: r.matchedDigestDate }),
    ' ',
    h('a', { href: ui(`/digests/${encodeURIComponent(r.matchedDigestId)}`) }, `「${r.matchedTitle}」`),
    h(
      'span',
      { class: 'muted' },
      ` · ${label('repeatReason', r.reason)} · ${t('digest.score', { score: r.score.toFixed(2) })}${r.confirmedByJudge ? ` · ${t('digest.judged')}` : ''}`,
    ),
    r.detail ? h('div', { class: 'muted small' }, r.detail) : null,
  );
}

export function digestEditor(digest: Digest, signal: AbortSignal): DigestEditor {
  const categories = boot().categories;
  const listeners: (() => void)[] = [];
  const changed = () => listeners.forEach((fn) => fn());
  const items: EditorItem[] = [...digest.items]
    .sort((a, b) => a.order - b.order)
    .map((i) => ({
      id: i.id,
      articleId: i.articleId,
      category: i.category,
      title: i.title,
      summary: i.summary,
      links: i.links,
      repeat: i.repeat,
    }));
  const state: EditorState = { date: digest.date, title: digest.title, intro: digest.intro, items };

  const titleInput = h('input', {
    name: 'title',
    id: 'digest-title',
    value: digest.title,
    placeholder: digest.displayTitle,
    autocomplete: 'off',
  });
  titleInput.addEventListener('input', () => (state.title = titleInput.value), { signal });
  const intro = h(
    'textarea',
    { name: 'intro', id: 'digest-intro', rows: 2, placeholder: t('digest.introHint') },
    digest.intro,
  );
  intro.addEventListener(
    'input',
    () => {
      state.intro = intro.value;
      autoGrow(intro);
    },
    { signal },
  );

  const sectionsHost = h('div', { class: 'digest-sections', id: 'digest-sections' });
  const views = new Map<string, HTMLElement>();

  const sectionOf = (item: EditorItem) => sectionFor(item.category, categories);

  function move(item: EditorItem, direction: -1 | 1): void {
    const index = items.indexOf(item);
    const section = sectionOf(item);
    let j = index + direction;
    while (j >= 0 && j < items.length && sectionOf(items[j]) !== section) j += direction;
    if (j < 0 || j >= items.length) return;
    [items[index], items[j]] = [items[j], items[index]];
    layout();
    changed();
    views.get(item.id)?.querySelector<HTMLButtonElement>(`button[data-move="${direction}"]`)?.focus();
  }

  function itemView(item: EditorItem): HTMLElement {
    const title = h('input', {
      name: 'item-title',
      value: item.title,
      class: 'item-title',
      autocomplete: 'off',
      'aria-label': t('digest.itemTitle'),
    });
    title.addEventListener('input', () => (item.title = title.value), { signal });
    const summary = h(
      'textarea',
      { name: 'item-summary', rows: 3, class: 'item-summary', 'aria-label': t('digest.itemSummary') },
      item.summary,
    );
    summary.addEventListener(
      'input',
      () => {
        item.summary = summary.value;
        autoGrow(summary);
      },
      { signal },
    );
    const category = select(
      'item-category',
      categories.map((c): [string, string] => [c.name, c.name]),
      sectionOf(item),
      { class: 'item-category', 'aria-label': t('digest.itemCategory') },
    );
    category.addEventListener(
      'change',
      () => {
        // A moved item goes to the end of its new section.
        items.splice(items.indexOf(item), 1);
        item.category = category.value;
        let last = -1;
        items.forEach((other, i) => {
          if (sectionOf(other) === sectionOf(item)) last = i;
        });
        items.splice(last + 1, 0, item);
        layout();
        changed();
      },
      { signal },
    );
    const view = h(
      'li',
      {
        class: ['digest-item', item.repeat && 'is-repeat'],
        dataset: { id: item.id, articleId: item.articleId },
      },
      h(
        'div',
        { class: 'item-tools' },
        h('span', { class: 'item-number' }),
        category,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small',
            dataset: { move: '-1' },
            title: t('digest.moveUp'),
            'aria-label': t('digest.moveUp'),
            onclick: () => move(item, -1),
          },
          '↑',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small',
            dataset: { move: '1' },
            title: t('digest.moveDown'),
            'aria-label': t('digest.moveDown'),
            onclick: () => move(item, 1),
          },
          '↓',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small btn-danger-ghost',
            dataset: { action: 'remove' },
            title: t('digest.remove'),
            onclick: () => {
              items.splice(items.indexOf(item), 1);
              views.delete(item.id);
              view.remove();
              layout();
              changed();
            },
          },
          t('digest.remove'),
        ),
      ),
      title,
      summary,
      repeatNote(item),
      item.links.length
        ? h(
            'div',
            { class: 'item-links muted small' },
            t('digest.sources'),
            ': ',
            ...item.links.flatMap((l, i) => [
              i ? ' · ' : '',
              h('a', { href: l.url, target: '_blank', rel: 'noopener noreferrer' }, l.source || l.url),
            ]),
          )
        : null,
      h(
        'a',
        { class: 'small', href: ui(`/news/${encodeURIComponent(item.articleId)}`) },
        t('digest.article'),
      ),
    );
    requestAnimationFrame(() => autoGrow(summary));
    return view;
  }

  /** Put item views into their sections in order; existing nodes are moved, not rebuilt. */
  function layout(): void {
    const sections = layoutSections(items, categories);
    const hosts: HTMLElement[] = [];
    for (const section of sections) {
      const list = h('ol', { class: 'digest-items' });
      section.items.forEach((item, i) => {
        let view = views.get(item.id);
        if (!view) {
          view = itemView(item);
          views.set(item.id, view);
        }
        view.querySelector('.item-number')!.textContent = `${i + 1}.`;
        const category = view.querySelector<HTMLSelectElement>('.item-category');
        if (category) category.value = section.name;
        list.appendChild(view);
      });
      hosts.push(
        h(
          'section',
          { class: 'digest-section', dataset: { section: section.name } },
          h(
            'h3',
            null,
            `${section.numeral}、${section.name}`,
            h('span', { class: 'muted small' }, ` (${section.items.length})`),
          ),
          section.items.length ? list : h('p', { class: 'empty' }, t('digest.emptySection')),
        ),
      );
    }
    sectionsHost.replaceChildren(...hosts);
  }
  layout();
  requestAnimationFrame(() => autoGrow(intro));

  const element = h(
    'div',
    { class: 'digest-editor', id: 'digest-editor' },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('digest.title')), titleInput),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('digest.intro')), intro),
    sectionsHost,
  );
  const orderedItems = () => layoutSections(items, categories).flatMap((s) => s.items);
  return {
    element,
    state: () => state,
    orderedItems,
    onChange(fn) {
      listeners.push(fn);
    },
  };
}
