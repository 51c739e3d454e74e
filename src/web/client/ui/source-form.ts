// Add or edit a source. The API validates (http/https only, bounds, duplicates); its messages appear
// under the field they name.
import { ApiError } from '../api.ts';
import { h } from '../dom.ts';
import { t } from '../i18n.ts';
import type { Source } from '../types.ts';
import { errorText, select } from './components.ts';

export type SourceInput = Record<string, unknown>;

export interface SourceForm {
  element: HTMLFormElement;
  fill(values: { name?: string; url?: string; type?: string }): void;
}

export function sourceForm(
  initial: Partial<Source> | undefined,
  submitLabel: string,
  save: (body: SourceInput) => Promise<void>,
): SourceForm {
  const errors = new Map<string, HTMLElement>();
  const errorFor = (name: string) => {
    const el = h('p', { class: 'field-error', role: 'alert', dataset: { field: name } });
    errors.set(name, el);
    return el;
  };
  const row = (name: string, labelText: string, control: HTMLElement, hint?: string) =>
    h(
      'label',
      { class: 'field' },
      h('span', { class: 'field-label' }, labelText),
      control,
      hint ? h('small', { class: 'hint' }, hint) : null,
      errorFor(name),
    );

  const name = h('input', { name: 'name', value: initial?.name ?? '', required: true, maxlength: '200' });
  const url = h('input', {
    name: 'url',
    value: initial?.url ?? '',
    required: true,
    type: 'url',
    inputmode: 'url',
    placeholder: 'https://example.com/feed.xml',
  });
  const type = select(
    'type',
    [
      ['feed', t('source.type.feed')],
      ['page', t('source.type.page')],
      ['browser', t('source.type.browser')],
    ],
    initial?.type ?? 'feed',
  );
  const interval = h('input', {
    name: 'fetchIntervalMinutes',
    type: 'number',
    min: '5',
    max: String(7 * 24 * 60),
    value: initial?.fetchIntervalMinutes ?? '',
    placeholder: t('source.adaptive'),
  });
  const maxDays = h('input', {
    name: 'maxFetchDays',
    type: 'number',
    min: '0',
    max: '3650',
    value: String(initial?.maxFetchDays ?? 3),
  });
  const check = (key: string, on: boolean, text: string) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: key, checked: on }), text);
  const fullText = check('fullText', initial?.fullText ?? false, t('source.fullText'));
  const feedSummary = check('useFeedSummary', initial?.useFeedSummary ?? false, t('source.useFeedSummary'));
  const descSummary = check(
    'useDescriptionAsSummary',
    initial?.useDescriptionAsSummary ?? false,
    t('source.useDescriptionAsSummary'),
  );
  const description = h('input', { name: 'description', value: initial?.description ?? '' });
  const sel = initial?.selectors ?? {};
  const selList = h('input', {
    name: 'selectors.list',
    value: sel.list ?? '',
    class: 'mono',
    placeholder: 'article h2 a',
  });
  const selTitle = h('input', {
    name: 'selectors.title',
    value: sel.title ?? '',
    class: 'mono',
    placeholder: 'h1',
  });
  const selContent = h('input', {
    name: 'selectors.content',
    value: sel.content ?? '',
    class: 'mono',
    placeholder: 'article',
  });
  const headers = h(
    'textarea',
    { name: 'headers', rows: 2, class: 'mono', spellcheck: 'false', placeholder: '{"Referer": "https://…"}' },
    initial?.headers ? JSON.stringify(initial.headers, null, 2) : '',
  );
  const proxy = h('input', { name: 'proxy', value: initial?.proxy ?? '', placeholder: 'http://proxy:3128' });
  const formError = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);

  const box = (el: HTMLElement) => el.querySelector('input') as HTMLInputElement;
  const element = h(
    'form',
    {
      class: 'form source-form',
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        for (const el of errors.values()) el.textContent = '';
        formError.textContent = '';
        let parsedHeaders: Record<string, string> | null = null;
        if (headers.value.trim()) {
          try {
            parsedHeaders = JSON.parse(headers.value) as Record<string, string>;
          } catch {
            errors.get('headers')!.textContent = t('common.badJson');
            return;
          }
        }
        const selectors = {
          list: selList.value.trim(),
          title: selTitle.value.trim(),
          content: selContent.value.trim(),
        };
        const cleanSelectors = Object.fromEntries(Object.entries(selectors).filter(([, v]) => v));
        const body: SourceInput = {
          name: name.value.trim(),
          url: url.value.trim(),
          type: type.value,
          fetchIntervalMinutes: interval.value === '' ? null : Number(interval.value),
          maxFetchDays: Number(maxDays.value),
          fullText: box(fullText).checked,
          useFeedSummary: box(feedSummary).checked,
          useDescriptionAsSummary: box(descSummary).checked,
          description: description.value.trim() || null,
          selectors: Object.keys(cleanSelectors).length ? cleanSelectors : null,
          headers: parsedHeaders,
          proxy: proxy.value.trim() || null,
        };
        submit.disabled = true;
        try {
          await save(body);
        } catch (err) {
          if (err instanceof ApiError && err.fields.length) {
            let placed = false;
            for (const f of err.fields) {
              const key = f.path.split('.')[0] === 'selectors' ? f.path : f.path.split('.')[0];
              const target = errors.get(key) ?? errors.get(f.path.split('.')[0]);
              if (target) {
                target.textContent = f.message;
                placed = true;
              }
            }
            if (!placed) formError.textContent = errorText(err);
          } else formError.textContent = errorText(err);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'form-row' }, row('name', t('source.name'), name), row('url', t('source.url'), url)),
    h(
      'div',
      { class: 'form-row' },
      row('type', t('source.type'), type),
      row('fetchIntervalMinutes', t('source.interval'), interval, t('source.intervalHint')),
      row('maxFetchDays', t('source.maxFetchDays'), maxDays, t('source.maxFetchDaysHint')),
    ),
    h('div', { class: 'checks' }, fullText, feedSummary, descSummary),
    h(
      'details',
      null,
      h('summary', null, t('source.advanced')),
      row('description', t('sched.description'), description),
      h(
        'div',
        { class: 'form-row' },
        row('selectors.list', t('source.selList'), selList),
        row('selectors.title', t('source.selTitle'), selTitle),
        row('selectors.content', t('source.selContent'), selContent),
      ),
      row('headers', t('source.headers'), headers, t('source.headersHint')),
      row('proxy', t('source.proxy'), proxy),
    ),
    formError,
    h('div', { class: 'form-actions' }, submit),
  ) as HTMLFormElement;
  return {
    element,
    fill(values) {
      if (values.name !== undefined && !name.value) name.value = values.name;
      if (values.url !== undefined) url.value = values.url;
      if (values.type !== undefined) type.value = values.type;
    },
  };
}
