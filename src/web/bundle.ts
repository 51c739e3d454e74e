// The dashboard's client code is TypeScript under ./client, bundled in memory by esbuild the first time
// a page is served (tens of milliseconds), so there is no build step to run and nothing to keep in sync.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface ClientBundle {
  js: string;
  map: string;
  /** Short content hash, used in the asset URL so browsers may cache it forever. */
  hash: string;
}

const CLIENT_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client', 'main.ts');

export async function bundleClient(entry = CLIENT_ENTRY): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'external',
    outfile: 'app.js',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = (result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '').replace(
    /\n?\/\/# sourceMappingURL=\S+\s*$/,
    '',
  );
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '';
  const hash = createHash('sha256').update(js).digest('hex').slice(0, 12);
  return { js: `${js}\n//# sourceMappingURL=app.${hash}.js.map\n`, map, hash };
}
