// Paths of files read at run time from src/ (dashboard client sources and assets, the feed parser, page
// extractor and fingerprint workers), the same whether this code runs from src/ under tsx or from the bundle in
// dist/server/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`newsdesk sources not found above ${from}`);
  }
}

let root: string | undefined;

/** Absolute path of a file under src/. */
export function sourcePath(...parts: string[]): string {
  root ??= findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
  return path.join(root, 'src', ...parts);
}
