// Waiting for its API: shows a notice until the server offers /api/digests.
import { t } from '../i18n.ts';
import type { PageContext } from '../router.ts';
import { pageHeader, unavailable } from '../ui/components.ts';
import { render } from '../dom.ts';

export async function digestsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle(t('nav.digests'));
  render(ctx.root, pageHeader(t('nav.digests')), unavailable('nav.digests', '/api/digests'));
}
