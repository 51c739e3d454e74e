// The `newsdesk` command line (commander). Config is read per command, so `--help` works with a bad env.
import { Command, CommanderError, Option } from 'commander';
import { loadConfig, type Config } from '../config/config.ts';
import { runService } from '../serve.ts';
import type { ProcessRole } from '../app-context.ts';
import { configPrintCommand, executionsCommand, migrateCommand, schedulesCommand } from './commands.ts';
import { describeError, EXIT, exitCodeForError } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { runTaskCommand } from './run-task.ts';

const ROLES: ProcessRole[] = ['all', 'api', 'worker', 'scheduler'];

/**
 * Config for one-shot commands: quiet logs (their output is the point, not the service log) and never a
 * scheduler (a CLI process must not fire schedules while it lists or runs something).
 */
function oneShot(config: Readonly<Config>): Readonly<Config> {
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  return Object.freeze({
    ...config,
    logLevel: verbose ? config.logLevel : ('error' as const),
    scheduler: { ...config.scheduler, enabled: false, inApi: false },
  });
}

export interface CliOutcome {
  code: number;
  /** A service is running: the process must stay up (it exits itself on SIGTERM/SIGINT). */
  serving: boolean;
}

/** Run one command line. `serve` resolves once the service is up. */
export async function runCli(argv: string[], io: CliIo): Promise<CliOutcome> {
  let code: number = EXIT.OK;
  let serving = false;
  const config = () => loadConfig(io.env);
  const program = new Command()
    .name('newsdesk')
    .description(
      'Self-hosted news intelligence: crawl, enrich, group and publish a daily digest, as tracked background tasks.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const serve = async (role: ProcessRole) => {
    const service = await runService(config(), { role, handleSignals: io.signals });
    if (io.signals) serving = true;
    else await service.stop();
  };

  program
    .command('serve')
    .description('Run the service: HTTP API, task engine and scheduler (per --role)')
    .addOption(new Option('--role <role>', 'what this process does').choices(ROLES).default('all'))
    .action(async (opts: { role: ProcessRole }) => serve(opts.role));

  program
    .command('worker')
    .description('Run only the task engine (same as serve --role worker)')
    .action(async () => serve('worker'));

  program
    .command('run')
    .description(
      'Run a task now in this process and wait for it (exit 0 succeeded, 1 failed, 2 bad input, 3 unknown task)',
    )
    .argument('<task>', 'task name, e.g. diagnostics.sleep')
    .option('--payload <json>', 'payload as JSON')
    .option('--no-wait', 'only enqueue it (a running service picks it up) and print its id')
    .action(async (task: string, opts: { payload?: string; wait: boolean }) => {
      code = await runTaskCommand(oneShot(config()), task, opts, io);
    });

  program
    .command('executions')
    .description('Recent executions, newest first')
    .option('--task <name>', 'only this task')
    .option('--status <list>', 'comma-separated statuses, e.g. failed,timed_out')
    .option('--trigger <trigger>', 'manual, schedule, api, cli, retry, chain or recovery')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      code = await executionsCommand(oneShot(config()), opts, io);
    });

  program
    .command('schedules')
    .description('Schedules with their next run')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      code = await schedulesCommand(oneShot(config()), opts, io);
    });

  program
    .command('migrate')
    .description('Apply pending database migrations (the service also does this at start)')
    .action(async () => {
      code = await migrateCommand(config(), io);
    });

  program
    .command('config')
    .description('Configuration')
    .command('print')
    .description('Print the effective configuration, secrets masked')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      code = configPrintCommand(config(), opts, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code, serving };
  } catch (err) {
    if (err instanceof CommanderError) return { code: exitCodeForError(err), serving: false };
    io.err(`newsdesk: ${describeError(err)}`);
    return { code: exitCodeForError(err), serving: false };
  }
}
