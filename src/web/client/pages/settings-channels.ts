// Delivery channels on the Settings page: list (secrets come back masked), enable/disable, delete, add
// with a per-type config template; the API's field messages (config.webhookUrl, ...) show under the form.
import { api } from '../api.ts';
import { h, render } from '../dom.ts';
import { shortTime } from '../format.ts';
import { t } from '../i18n.ts';
import type { Channel } from '../types.ts';
import { badge, busy, card, empty, errorText, field, jsonBlock, select, toast } from '../ui/components.ts';

interface ChannelWithConfig extends Channel {
  config: Record<string, unknown>;
  updatedAt: string;
}

const TEMPLATES: Record<string, object> = {
  feishu: { webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/…', secret: '', format: 'card' },
  dingtalk: {
    webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=…',
    secret: '',
    atMobiles: [],
    atAll: false,
  },
  slack: { webhookUrl: 'https://hooks.slack.com/services/…', format: 'mrkdwn' },
  webhook: {
    url: 'https://example.com/hook',
    secret: '',
    headers: {},
    includeHtml: false,
    includePdf: false,
  },
  email: {
    host: 'smtp.example.com',
    port: 587,
    user: '',
    password: '',
    from: 'newsdesk <digest@example.com>',
    to: ['soc@example.com'],
    attachPdf: true,
  },
};

function addForm(reload: () => void): HTMLElement {
  const name = h('input', { name: 'name', required: true, id: 'channel-name' });
  const type = select(
    'type',
    Object.keys(TEMPLATES).map((k): [string, string] => [k, k]),
    'feishu',
    { id: 'channel-type' },
  );
  const config = h(
    'textarea',
    { name: 'config', rows: 6, class: 'mono', spellcheck: 'false', id: 'channel-config' },
    JSON.stringify(TEMPLATES.feishu, null, 2),
  );
  let touched = false;
  config.addEventListener('input', () => (touched = true));
  type.addEventListener('change', () => {
    if (!touched) config.value = JSON.stringify(TEMPLATES[type.value], null, 2);
  });
  const error = h('p', { class: 'field-error', role: 'alert', id: 'channel-error' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('channels.add'));
  return h(
    'form',
    {
      class: 'form',
      id: 'channel-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(config.value) as Record<string, unknown>;
        } catch {
          error.textContent = t('common.badJson');
          return;
        }
        // Empty optional strings mean "not set".
        for (const [k, v] of Object.entries(parsed)) if (v === '') delete parsed[k];
        await busy(submit, async () => {
          try {
            await api.post('/api/channels', { name: name.value.trim(), type: type.value, config: parsed });
            toast(t('channels.added', { name: name.value }));
            reload();
          } catch (err) {
            error.textContent = errorText(err);
          }
        });
      },
    },
    h('div', { class: 'form-row' }, field(t('channels.name'), name), field(t('channels.type'), type)),
    field(t('channels.config'), config, t('channels.configHint')),
    error,
    h('div', { class: 'form-actions' }, submit),
  );
}

export async function channelsCard(host: HTMLElement, signal: AbortSignal): Promise<void> {
  const reload = () => void channelsCard(host, signal);
  const res = await api.get<{ items: ChannelWithConfig[] }>('/api/channels', undefined, signal);
  const rows = res.items.map((c) => {
    const toggle = h('input', {
      type: 'checkbox',
      class: 'switch',
      checked: c.enabled,
      'aria-label': t('sched.enabled'),
      onchange: async (e: Event) => {
        const box = e.currentTarget as HTMLInputElement;
        box.disabled = true;
        try {
          await api.patch(`/api/channels/${encodeURIComponent(c.id)}`, { enabled: box.checked });
        } catch (err) {
          box.checked = !box.checked;
          toast(errorText(err), 'error');
        } finally {
          box.disabled = false;
        }
      },
    });
    const remove: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-danger-ghost',
        onclick: () => {
          if (!confirm(t('channels.confirmDelete', { name: c.name }))) return;
          void busy(remove, async () => {
            await api.del(`/api/channels/${encodeURIComponent(c.id)}`);
            reload();
          });
        },
      },
      t('common.delete'),
    );
    return h(
      'li',
      { dataset: { channel: c.name } },
      h(
        'div',
        { class: 'schedule-head' },
        h(
          'span',
          null,
          h('strong', null, c.name),
          ' ',
          badge(c.type, 'accent'),
          c.description ? h('span', { class: 'muted' }, ` · ${c.description}`) : null,
        ),
        h('span', { class: 'page-actions' }, h('label', { class: 'switch-label' }, toggle), remove),
      ),
      h(
        'details',
        null,
        h('summary', { class: 'muted small' }, t('channels.showConfig', { at: shortTime(c.updatedAt) })),
        jsonBlock(c.config),
      ),
    );
  });
  render(
    host,
    card(
      t('settings.channels'),
      rows.length ? h('ul', { class: 'list', id: 'channels' }, ...rows) : empty(t('settings.noChannels')),
      h('details', { class: 'subsection' }, h('summary', null, t('channels.new')), addForm(reload)),
    ),
  );
}
