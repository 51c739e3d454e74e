// One article: full text (sanitised), every enrichment field with its state and token usage per step,
// re-enrich, and the selection toggle for the next digest.
import { api, ApiError } from '../api.ts';
import { ui } from '../boot.ts';
import { h, render } from '../dom.ts';
import { dateTime, duration, number } from '../format.ts';
import { label, t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { sanitizeHtml } from '../sanitize.ts';
import { selection } from '../selection.ts';
import type { ArticleDetail, EnqueueResult } from '../types.ts';
import { badge, busy, card, empty, kv, notice, pageHeader, toast } from '../ui/components.ts';
import { watchExecution } from '../watch.ts';
import { summaryOriginBadge } from './news.ts';
import { usd } from './settings-llm.ts';

function body(a: ArticleDetail): HTMLElement {
  if (a.contentHtml) {
    const el = h('div', { class: 'article-body', id: 'article-body' });
    el.append(sanitizeHtml(a.contentHtml, a.url));
    return el;
  }
  if (a.contentText) {
    return h(
      'div',
      { class: 'article-body', id: 'article-body' },
      ...a.contentText.split(/\n{2,}/).map((p) => h('p', null, p)),
    );
  }
  return empty(t('article.noBody'));
}

export async function articlePage(ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  let a: ArticleDetail;
  try {
    a = await api.get<ArticleDetail>(`/api/articles/${encodeURIComponent(id)}`, undefined, ctx.signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      render(ctx.root, pageHeader(t('nav.news')), notice('warn', t('article.notFound')));
      return;
    }
    throw err;
  }
  const title = a.titleZh ?? a.title;
  ctx.setTitle(title);
  const e = a.enrichment;

  const selectButton: HTMLButtonElement = h('button', { type: 'button', class: 'btn', id: 'article-select' });
  const syncSelect = () => {
    const on = selection.has(a.id);
    selectButton.textContent = on ? t('article.unselect') : t('article.select');
    selectButton.classList.toggle('btn-primary', !on);
  };
  selectButton.addEventListener('click', () => {
    selection.toggle(a.id);
    syncSelect();
  });
  syncSelect();

  const enrichButton: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'article-enrich',
      onclick: () =>
        busy(enrichButton, async () => {
          const r = await api.post<EnqueueResult>(`/api/articles/${encodeURIComponent(a.id)}/enrich`);
          enrichButton.textContent = t('article.enriching');
          const done = await watchExecution(r.executionId, ctx.signal);
          enrichButton.textContent = t('article.reenrich');
          toast(
            done.status === 'succeeded'
              ? t('article.enriched')
              : `${t('article.enrichFailed')}: ${done.error?.message ?? done.status}`,
            done.status === 'succeeded' ? 'ok' : 'error',
          );
          ctx.navigate(location.pathname, { replace: true });
        }),
    },
    t('article.reenrich'),
  );

  const usage = a.usage;
  render(
    ctx.root,
    pageHeader(title, selectButton, enrichButton),
    h('p', { class: 'breadcrumbs' }, h('a', { href: ui('/news') }, `← ${t('nav.news')}`)),
    h(
      'div',
      { class: 'article-layout' },
      h(
        'div',
        { class: 'article-main' },
        card(
          null,
          h(
            'div',
            { class: 'news-badges' },
            a.category ? badge(a.category, 'accent') : null,
            badge(
              label('enrich', e.state),
              e.state === 'done' ? 'ok' : e.state === 'failed' ? 'bad' : 'muted',
            ),
            a.eventId
              ? h(
                  'a',
                  { class: 'badge badge-warn', href: ui(`/events/${encodeURIComponent(a.eventId)}`) },
                  t('article.event'),
                )
              : null,
          ),
          a.titleZh && a.titleZh !== a.title
            ? h('p', { class: 'muted' }, t('article.originalTitle'), ': ', a.title)
            : null,
          h(
            'p',
            { class: 'news-meta muted small' },
            a.sourceName,
            ' · ',
            t('news.published'),
            ' ',
            dateTime(a.publishedAt),
            ' · ',
            t('news.fetched'),
            ' ',
            dateTime(a.fetchedAt),
            a.author ? ` · ${a.author}` : '',
            ' · ',
            h(
              'a',
              { href: a.url, target: '_blank', rel: 'noopener noreferrer nofollow' },
              t('news.originalLink'),
            ),
          ),
          h('h2', null, t('article.summary'), summaryOriginBadge(a)),
          h(
            'p',
            { class: 'article-summary', id: 'article-summary' },
            a.summary ?? a.feedSummary ?? t('news.noSummary'),
          ),
          a.summary && a.feedSummary && a.summary !== a.feedSummary
            ? h('details', null, h('summary', null, t('article.feedSummary')), h('p', null, a.feedSummary))
            : null,
        ),
        card(t('article.fullText'), body(a)),
      ),
      h(
        'aside',
        { class: 'article-side' },
        card(
          t('article.enrichment'),
          e.errorMessage ? notice('error', `${e.errorCode ?? ''} ${e.errorMessage}`) : null,
          kv([
            [t('article.state'), label('enrich', e.state)],
            [t('article.mode'), e.mode ?? '—'],
            [t('article.language'), a.language ?? '—'],
            [t('article.translation'), e.translation ?? '—'],
            [t('article.attempts'), String(e.attempts)],
            [t('article.enrichedAt'), dateTime(e.enrichedAt)],
            ...(e.nextRetryAt ? [[t('article.nextRetry'), dateTime(e.nextRetryAt)] as [string, string]] : []),
            ...(e.skipReason ? [[t('article.skipReason'), e.skipReason] as [string, string]] : []),
            [t('article.importance'), a.importance === null ? '—' : number(a.importance, 2)],
          ]),
        ),
        card(
          t('article.entities'),
          a.cves.length ? h('p', null, ...a.cves.map((c) => badge(c, 'bad'))) : null,
          a.entities.length
            ? h(
                'ul',
                { class: 'list entities' },
                ...a.entities.map((en) =>
                  h('li', null, h('span', { class: 'muted' }, `${en.type}: `), en.value),
                ),
              )
            : empty('—'),
        ),
        card(
          t('article.usage'),
          usage && usage.calls.length
            ? [
                h(
                  'p',
                  null,
                  t('article.usageTotals', {
                    calls: usage.totals.calls,
                    tokens: number(usage.totals.promptTokens + usage.totals.completionTokens),
                    cost: usd(usage.totals.costUsd),
                  }),
                ),
                h(
                  'div',
                  { class: 'table-wrap' },
                  h(
                    'table',
                    { class: 'table', id: 'usage-table' },
                    h(
                      'thead',
                      null,
                      h(
                        'tr',
                        null,
                        h('th', null, t('article.step')),
                        h('th', null, t('article.model')),
                        h('th', null, 'tokens'),
                        h('th', null, t('article.cost')),
                        h('th', null, t('exec.duration')),
                      ),
                    ),
                    h(
                      'tbody',
                      null,
                      ...usage.calls.map((c) =>
                        h(
                          'tr',
                          null,
                          h(
                            'td',
                            { 'data-label': t('article.step') },
                            c.step,
                            c.outcome !== 'ok' ? [' ', badge(c.outcome, 'bad')] : null,
                          ),
                          h('td', { 'data-label': t('article.model') }, h('code', null, c.model)),
                          h(
                            'td',
                            { 'data-label': 'tokens' },
                            `${number(c.promptTokens)} + ${number(c.completionTokens)}`,
                          ),
                          h('td', { 'data-label': t('article.cost') }, usd(c.costUsd)),
                          h('td', { 'data-label': t('exec.duration') }, duration(c.latencyMs)),
                        ),
                      ),
                    ),
                  ),
                ),
              ]
            : empty(t('article.noUsage')),
        ),
      ),
    ),
  );
}
