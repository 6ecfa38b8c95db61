/**
 * The `ccgate` command line (commander): `start` (the default) runs the gateway; `state`, `traffic` and `scenario`
 * drive a running gateway through its control API. `--help` and `--version` answer without starting anything.
 */
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../version.js';
import { CliError, defaultUrl, scenarioCommand, stateCommand, trafficStart, trafficStop } from './control.js';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Runs a control-API subcommand: its CliError becomes one line on stderr and exit code 1. */
function api<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      process.stderr.write(`ccgate: ${err.message}\n`);
      process.exitCode = 1;
    }
  };
}

export function buildProgram(): Command {
  const url = defaultUrl();
  const program = new Command('ccgate')
    .description('A simulated contact center speaking QMI, ICI/OII, Open Media, TelServices and Cisco QM over their real wire protocols.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(ccgate --help lists the commands)');

  program
    .command('start', { isDefault: true })
    .description('run the gateway until SIGTERM or SIGINT (the default command)')
    .option('-c, --config <file>', 'JSON config file (as CCGATE_CONFIG; see config/example.json)')
    .addHelpText('after', '\nSettings: the config file, then CCGATE_* environment variables (README, "Settings").\nExit codes: 0 stopped by a signal, 2 invalid configuration (one line names the key or port), 1 anything else.')
    // As the default command, start receives any word that names no command (`ccgate frobnicate`): say that, not
    // "too many arguments for 'start'".
    .allowExcessArguments(true)
    // Imported on use: --help, --version and the API subcommands never load the gateway.
    .action(async (opts: { config?: string }, cmd: Command) => {
      const [word] = cmd.args;
      if (word !== undefined) {
        const names = program.commands.map((c) => c.name()).join(', ');
        program.error(`error: unknown command '${word}' (commands: ${names}; ccgate --help)`);
      }
      return (await import('./start.js')).startCommand(opts);
    });

  const urlOption = ['--url <url>', 'control API base URL of the running gateway', url] as const;

  program
    .command('state')
    .description("print a running gateway's snapshot: agents, queues, calls, items, subscriptions (GET /api/v1/state)")
    .option(...urlOption)
    .action(api((opts: { url: string }) => stateCommand(opts)));

  const traffic = program.command('traffic').description('start or stop generated call traffic on a running gateway');
  traffic
    .command('start')
    .description('start generated traffic (POST /api/v1/traffic); it drives the agents it needs')
    .requiredOption('--calls-per-minute <n>', 'calls arriving per minute', positiveNumber)
    .option('--handle-seconds <n>', 'talk time of each call', positiveNumber, 30)
    .option('--queue <id>', 'a queue to call (repeat for several; default every phone queue)', collect)
    .option('--patience-seconds <n>', 'a waiting caller hangs up after this long', positiveNumber)
    .option(...urlOption)
    .action(api((opts: { url: string; callsPerMinute: number; handleSeconds: number; queue?: string[]; patienceSeconds?: number }) => trafficStart(opts)));
  traffic
    .command('stop')
    .description('stop generated traffic and clear what it left (DELETE /api/v1/traffic)')
    .option(...urlOption)
    .action(api((opts: { url: string }) => trafficStop(opts)));

  program
    .command('scenario')
    .description('run a scenario file on a running gateway (POST /api/v1/scenarios)')
    .argument('<file>', 'scenario JSON: {"name"?: text, "steps": [{"at": ms, "do": action, "args": {…}}]}')
    .option('-w, --wait', 'wait until every step has run, print the results, exit 1 if a step failed')
    .option(...urlOption)
    .action(api((file: string, opts: { url: string; wait?: boolean }) => scenarioCommand(file, opts)));

  return program;
}

/** Parses `argv` (process.argv form) and runs the command. */
export async function runCli(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
