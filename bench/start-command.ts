// The service exactly as `npm start` launches it: run the prestart step (the server build) once, then hand
// back the start command to exec, so the measured process is the service itself, not npm.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export function npmStartCommand(): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { prestart?: string; start: string };
  };
  if (pkg.scripts.prestart) execSync(pkg.scripts.prestart, { cwd: ROOT, stdio: 'ignore' });
  return pkg.scripts.start;
}
