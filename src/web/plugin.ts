// The dashboard, served by newsdesk itself under /ui/: one HTML shell for every page (the client routes),
// the bundled client scripts and the stylesheet under content-hashed names, and a read-only view of the
// configuration for the Settings page. Everything else the pages show comes from the JSON API.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { bundleClient, type BundleFile } from './bundle.ts';
import { bootData, configEntries } from './settings-view.ts';
import { renderShell, SECURITY_HEADERS } from './shell.ts';
import { sourcePath } from '../source-path.ts';

export interface WebDeps {
  ctx: AppContext;
}

export const UI_PREFIX = '/ui';

const ASSETS_DIR = sourcePath('web', 'assets');

interface Assets {
  entry: string;
  preload: string[];
  css: string;
  /** Hashed file name → content; only these names are served (no paths, no other files). */
  files: Map<string, BundleFile>;
  favicon: string;
}

async function loadAssets(): Promise<Assets> {
  const [bundle, css, favicon] = await Promise.all([
    bundleClient(),
    readFile(path.join(ASSETS_DIR, 'app.css')),
    readFile(path.join(ASSETS_DIR, 'favicon.svg'), 'utf8'),
  ]);
  const cssName = `app.${createHash('sha256').update(css).digest('hex').slice(0, 12)}.css`;
  const files = new Map(bundle.files);
  files.set(cssName, { body: css, gzip: gzipSync(css), type: 'text/css; charset=utf-8' });
  return { entry: bundle.entry, preload: bundle.preload, css: cssName, files, favicon };
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
          script: `${UI_PREFIX}/assets/${a.entry}`,
          preload: a.preload.map((name) => `${UI_PREFIX}/assets/${name}`),
          stylesheet: `${UI_PREFIX}/assets/${a.css}`,
          boot: bootData(ctx.config),
        }),
      );
  };

  app.get('/', hide, async (_request, reply) => reply.redirect(`${UI_PREFIX}/`, 302));
  app.get(UI_PREFIX, hide, async (_request, reply) => reply.redirect(`${UI_PREFIX}/`, 302));
  app.get(`${UI_PREFIX}/`, hide, shell);
  app.get(`${UI_PREFIX}/*`, hide, shell);

  app.get<{ Params: { file: string } }>(
    `${UI_PREFIX}/assets/:file`,
    hide,
    async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
      const a = await getAssets();
      const name = request.params.file;
      if (name === 'favicon.svg') {
        return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(a.favicon);
      }
      const file = a.files.get(name);
      // An unknown hash is usually a page from before a restart: make the browser reload the shell.
      if (!file) return reply.code(404).type('text/plain').send('no such asset; reload the page');
      secure(reply).type(file.type).header('cache-control', FOREVER).header('vary', 'accept-encoding');
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(file.gzip);
      }
      return reply.send(file.body);
    },
  );

  // Read-only: configuration comes from the environment (NEWSDESK_*), secrets masked.
  app.get(`${UI_PREFIX}/config.json`, hide, async (_request, reply) =>
    secure(reply)
      .header('cache-control', 'no-store')
      .send({ ...bootData(ctx.config), items: configEntries(ctx.config.raw) }),
  );
};
