// Waiting for its API: shows a notice until the server offers /api/events/{id}.
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { pageHeader, unavailable } from '../ui/components.ts';
import { render } from '../dom.ts';

export async function eventPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.events'));
  render(ctx.root, pageHeader(t('nav.events')), unavailable('nav.events', '/api/events/{id}'));
}
