// Entry point of the `newsdesk` command (bin/newsdesk.mjs, `npm start`, `npm run newsdesk -- ...`).
import { loadDotEnv } from '../config/config.ts';
import { processIo } from './io.ts';
import { runCli } from './program.ts';

loadDotEnv();
const outcome = await runCli(process.argv.slice(2), processIo);
if (!outcome.serving) {
  // Exit once output is written, even if a library left a handle open.
  process.exitCode = outcome.code;
  process.stdout.write('', () => process.exit(outcome.code));
}
