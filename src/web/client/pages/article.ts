// Waiting for its API: shows a notice until the server offers /api/articles/{id}.
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { pageHeader, unavailable } from '../ui/components.ts';
import { render } from '../dom.ts';

export async function articlePage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.news'));
  render(ctx.root, pageHeader(t('nav.news')), unavailable('nav.news', '/api/articles/{id}'));
}
