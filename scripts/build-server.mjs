// Builds the service for `npm start`: the TypeScript under src/ bundled by esbuild into dist/server/, one
// ES module per entry and lazily loaded part (the BullMQ engine, the LLM client), packages left to
// node_modules. Running the bundle with plain node keeps the TypeScript loader (and its memory) out of the
// service. Files read at run time (dashboard client sources and assets, the feed parser, page extractor
// and fingerprint workers) are still read from src/ (see src/source-path.ts).
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const ROOT = path.resolve(import.meta.dirname, '..');
// --outdir=DIR (inside the project, so the bundle finds src/): another output directory, for tests.
const outArg = process.argv.find((a) => a.startsWith('--outdir='));
const OUT = outArg ? path.resolve(outArg.slice('--outdir='.length)) : path.join(ROOT, 'dist', 'server');
// Build beside the previous output and swap at the end, so a service starting meanwhile never reads a
// half-written bundle.
const staging = `${OUT}.${process.pid}`;

const started = performance.now();
mkdirSync(path.dirname(OUT), { recursive: true });
try {
  await build({
    entryPoints: { newsdesk: path.join(ROOT, 'src/cli/index.ts') },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Error types are recorded by class name: keep the names esbuild would otherwise rename on collisions.
    keepNames: true,
    sourcemap: 'linked',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  rmSync(OUT, { recursive: true, force: true });
  renameSync(staging, OUT);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
process.stdout.write(`built ${path.relative(ROOT, OUT)} in ${Math.round(performance.now() - started)} ms\n`);
