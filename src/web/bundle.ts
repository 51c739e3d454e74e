// The dashboard's client code is TypeScript under ./client, bundled in memory by esbuild the first time
// a page is served (tens of milliseconds), so there is no build step to run and nothing to keep in sync.
// File names carry a content hash (cacheable for good); rarely used code such as the Markdown renderer
// is split into chunks loaded on demand; every file is kept gzipped as well.
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { sourcePath } from '../source-path.ts';

export interface BundleFile {
  body: Buffer;
  gzip: Buffer;
  type: string;
}

export interface ClientBundle {
  /** File name of the entry script, e.g. app.3F2A9C1B.js */
  entry: string;
  /** Chunks the entry imports statically: preloaded by the shell so they do not wait for the entry. */
  preload: string[];
  /** Every output by file name: scripts, chunks and their source maps. */
  files: Map<string, BundleFile>;
}

const CLIENT_ENTRY = sourcePath('web', 'client', 'main.ts');
const OUT_DIR = '/newsdesk-ui';

export async function bundleClient(entry = CLIENT_ENTRY): Promise<ClientBundle> {
  const result = await build({
    entryPoints: { app: entry },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'external',
    outdir: OUT_DIR,
    entryNames: '[name].[hash]',
    chunkNames: 'chunk.[hash]',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  const files = new Map<string, BundleFile>();
  for (const out of result.outputFiles) {
    const name = path.basename(out.path);
    const body = Buffer.from(out.contents);
    const type = name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8';
    files.set(name, { body, gzip: gzipSync(body), type });
  }
  const main = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint);
  if (!main) throw new Error('the dashboard bundle has no entry script');
  const preload = main[1].imports
    .filter((i) => i.kind === 'import-statement')
    .map((i) => path.basename(i.path));
  return { entry: path.basename(main[0]), preload, files };
}
