// Waiting for its API: shows a notice until the server offers /api/sources.
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { pageHeader, unavailable } from '../ui/components.ts';
import { render } from '../dom.ts';

export async function sourcesPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.sources'));
  render(ctx.root, pageHeader(t('nav.sources')), unavailable('nav.sources', '/api/sources'));
}
