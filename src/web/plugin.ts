// The dashboard, served by newsdesk itself under /ui/: one HTML shell for every page (the client routes),
// the bundled client script and stylesheet under content-hashed URLs, and a read-only view of the
// configuration for the Settings page. Everything else the pages show comes from the JSON API.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { bundleClient, type ClientBundle } from './bundle.ts';
import { bootData, configEntries } from './settings-view.ts';
import { renderShell, SECURITY_HEADERS } from './shell.ts';

export interface WebDeps {
  ctx: AppContext;
}

export const UI_PREFIX = '/ui';

const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

interface Assets {
  bundle: ClientBundle;
  css: string;
  cssHash: string;
  favicon: string;
}

async function loadAssets(): Promise<Assets> {
  const [bundle, css, favicon] = await Promise.all([
    bundleClient(),
    readFile(path.join(ASSETS_DIR, 'app.css'), 'utf8'),
    readFile(path.join(ASSETS_DIR, 'favicon.svg'), 'utf8'),
  ]);
  const cssHash = createHash('sha256').update(css).digest('hex').slice(0, 12);
  return { bundle, css, cssHash, favicon };
}

const hide = { schema: { hide: true } };
const FOREVER = 'public, max-age=31536000, immutable';

export const webRoutes: FastifyPluginAsync<WebDeps> = async (app, { ctx }) => {
  // Built on first use, once per app: API-only processes and tests never pay for it.
  let assets: Promise<Assets> | undefined;
  const getAssets = () => {
    assets ??= loadAssets().catch((err) => {
      assets = undefined;
      throw err;
    });
    return assets;
  };

  const secure = (reply: FastifyReply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return reply;
  };

  const shell = async (_request: unknown, reply: FastifyReply) => {
    const a = await getAssets();
    return secure(reply)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(
        renderShell({
          prefix: UI_PREFIX,
          jsHash: a.bundle.hash,
          cssHash: a.cssHash,
          boot: bootData(ctx.config),
        }),
      );
  };

  app.get('/', hide, async (_request, reply) => reply.redirect(`${UI_PREFIX}/`, 302));
  app.get(UI_PREFIX, hide, async (_request, reply) => reply.redirect(`${UI_PREFIX}/`, 302));
  app.get(`${UI_PREFIX}/`, hide, shell);
  app.get(`${UI_PREFIX}/*`, hide, shell);

  app.get<{ Params: { file: string } }>(`${UI_PREFIX}/assets/:file`, hide, async (request, reply) => {
    const a = await getAssets();
    const file = request.params.file;
    if (file === 'favicon.svg') {
      return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(a.favicon);
    }
    const match = /^app\.([0-9a-f]{12})\.(js|js\.map|css)$/.exec(file);
    if (!match) return reply.code(404).type('text/plain').send('no such asset');
    const [, hash, kind] = match;
    const current = kind === 'css' ? a.cssHash : a.bundle.hash;
    // An old hash means a page from before a restart: make the browser reload the shell.
    if (hash !== current) return reply.code(404).type('text/plain').send('stale asset; reload the page');
    reply.header('cache-control', FOREVER);
    if (kind === 'js') return secure(reply).type('text/javascript; charset=utf-8').send(a.bundle.js);
    if (kind === 'css') return secure(reply).type('text/css; charset=utf-8').send(a.css);
    return reply.type('application/json').send(a.bundle.map);
  });

  // Read-only: configuration comes from the environment (NEWSDESK_*), secrets masked.
  app.get(`${UI_PREFIX}/config.json`, hide, async (_request, reply) =>
    secure(reply)
      .header('cache-control', 'no-store')
      .send({ ...bootData(ctx.config), items: configEntries(ctx.config.raw) }),
  );
};
