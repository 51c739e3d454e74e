// A source's health at a glance: ok, failing (with its streak), disabled, or never crawled.
import { h } from '../dom.ts';
import { t } from '../i18n.ts';
import type { Source } from '../types.ts';

export type Health = 'ok' | 'failing' | 'disabled' | 'new';

export function healthOf(s: Source): Health {
  if (!s.active) return 'disabled';
  if (s.state.consecutiveFailures > 0) return 'failing';
  if (!s.state.lastFetchAt) return 'new';
  return 'ok';
}

export function healthBadge(s: Source): HTMLElement {
  const health = healthOf(s);
  const kind = { ok: 'ok', failing: 'bad', disabled: 'muted', new: 'accent' }[health];
  const text =
    health === 'failing'
      ? t('source.failingN', { n: s.state.consecutiveFailures })
      : t(`source.health.${health}` as 'source.health.ok');
  return h('span', { class: ['badge', `badge-${kind}`, 'health'], dataset: { health } }, text);
}
