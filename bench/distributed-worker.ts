// A newsdesk worker process for bench:distributed: the same app a `newsdesk worker` runs (role worker,
// configured from NEWSDESK_* variables), without the CLI and HTTP layers it does not use.
import { loadConfig } from '../src/config/config.ts';
import { createApp } from '../src/main.ts';

const app = await createApp(loadConfig(), { role: 'worker', seedSchedules: false });
await app.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void app.stop().finally(() => process.exit(0));
});
