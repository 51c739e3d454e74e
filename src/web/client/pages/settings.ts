// Settings: the effective configuration, read-only (it comes from NEWSDESK_* environment variables and
// takes effect at restart), grouped by concern, secrets masked; categories; delivery channels when the
// server offers an API for them.
import { api, optional } from '../api.ts';
import { boot } from '../boot.ts';
import { h, render } from '../dom.ts';
import { t, type Key } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { badge, card, empty, notice, pageHeader } from '../ui/components.ts';
import { channelsCard } from './settings-channels.ts';
import { llmCard } from './settings-llm.ts';

interface ConfigEntry {
  key: string;
  value: string;
  doc: string;
  secret: boolean;
}

const GROUPS: [Key, RegExp][] = [
  ['settings.llm', /LLM|ENRICH|OPENAI|MODEL|BUDGET|PRICE/],
  ['settings.crawl', /CRAWL|FETCH|USER_AGENT|PROXY|ROBOTS|SOURCE|BROWSER|SSRF/],
  ['settings.digest', /DIGEST|DELIVER|SMTP|MAIL|PDF|CATEGOR|EVENT|REPEAT/],
  ['settings.retention', /RETENTION|CLEANUP|KEEP/],
  ['settings.tasks', /QUEUE|REDIS|CONCURRENCY|LEASE|SHUTDOWN|ABANDON|SCHEDULER|MISFIRE/],
  ['settings.service', /./],
];

/** Retention keys of every capability are gathered in one group; the rest by the first match. */
export function groupOf(key: string): Key {
  const name = key.replace(/^NEWSDESK_/, '');
  if (/RETENTION/.test(name)) return 'settings.retention';
  return GROUPS.find(([, re]) => re.test(name))![0];
}

export async function settingsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.settings'));
  // The model and channel cards load alongside the configuration.
  const channels = h('div');
  const llm = h('div');
  const cards = Promise.all([
    optional(llmCard(llm, ctx.signal)),
    optional(channelsCard(channels, ctx.signal)),
  ]);
  const config = await api.get<{ items: ConfigEntry[]; timezone: string; authRequired: boolean }>(
    '/ui/config.json',
    undefined,
    ctx.signal,
  );
  const groups = new Map<Key, ConfigEntry[]>();
  for (const entry of config.items) {
    const g = groupOf(entry.key);
    groups.set(g, [...(groups.get(g) ?? []), entry]);
  }
  const order = GROUPS.map(([k]) => k).filter((k) => groups.has(k));
  const categories = boot().categories;
  render(
    ctx.root,
    pageHeader(t('nav.settings')),
    notice('info', t('settings.readOnly')),
    h(
      'div',
      { class: 'grid' },
      card(
        t('settings.categories'),
        categories.length
          ? h(
              'ol',
              { class: 'list', id: 'categories' },
              ...categories.map((c) =>
                h(
                  'li',
                  null,
                  c.name,
                  c.showWhenEmpty ? h('span', { class: 'muted' }, ` · ${t('settings.alwaysShown')}`) : null,
                ),
              ),
            )
          : empty('—'),
      ),
      card(
        t('settings.access'),
        h('p', null, config.authRequired ? t('settings.tokenOn') : t('settings.tokenOff')),
        h('p', null, t('settings.timezone'), ': ', h('code', null, config.timezone)),
      ),
    ),
    llm,
    channels,
    h('h2', { class: 'section-title' }, t('settings.configuration')),
    ...order.map((g) =>
      h(
        'details',
        {
          class: 'card',
          open:
            g === 'settings.retention' ||
            (g === 'settings.llm' && window.matchMedia('(min-width: 760px)').matches),
          dataset: { group: g },
        },
        h('summary', null, t(g), h('span', { class: 'muted' }, ` (${groups.get(g)!.length})`)),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'table config-table', dataset: { group: g } },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', null, t('settings.key')),
                h('th', null, t('settings.value')),
                h('th', null, t('settings.doc')),
              ),
            ),
            h(
              'tbody',
              null,
              ...groups
                .get(g)!
                .map((e) =>
                  h(
                    'tr',
                    { dataset: { key: e.key } },
                    h('td', { 'data-label': t('settings.key') }, h('code', null, e.key)),
                    h(
                      'td',
                      { 'data-label': t('settings.value'), class: 'config-value' },
                      e.value === ''
                        ? h('span', { class: 'muted' }, t('settings.unset'))
                        : h('code', null, e.value),
                      e.secret ? [' ', badge(t('settings.secret'), 'muted')] : null,
                    ),
                    h('td', { 'data-label': t('settings.doc'), class: 'muted' }, e.doc),
                  ),
                ),
            ),
          ),
        ),
      ),
    ),
  );
  await cards;
}
