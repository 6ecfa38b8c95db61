/**
 * `ccgate start` (the default command, and `npm start`): runs the gateway in this process until SIGTERM or SIGINT.
 *
 * This process is the one that receives signals: `npm start` execs it (package.json: `exec node …`), so npm's
 * forwarded SIGTERM reaches the gateway instead of a shell that would leave it holding its ports. On a signal the
 * gateway closes in order (interfaces say goodbye, queued events drain for notify.shutdownDrainMs, connections
 * close) and the process exits 0; a second signal during that exits at once with 130/143.
 *
 * Start-up failures: a ConfigError (a setting, the fixture, a port in use, a bad host, a missing TLS file) is one line
 * on stderr, `ccgate: invalid configuration: <key>: <problem>`, and exit code 2; nothing else is printed. Anything
 * else is a bug: one fatal log line with the error, exit code 1.
 */
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import type { Gateway } from '../gateway.js';

export const EXIT_CONFIG = 2;

/** Exit codes of a process ended by a signal it did not handle gracefully (128 + signal number). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface StartOptions {
  /** A config file, as CCGATE_CONFIG would name it (the option wins over the variable). */
  config?: string;
}

function configFailure(err: ConfigError): never {
  process.stderr.write(`ccgate: invalid configuration: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(EXIT_CONFIG);
}

export async function startCommand(opts: StartOptions): Promise<void> {
  // --config wins over CCGATE_CONFIG, and an error about the file names the option the user typed.
  const file = opts.config !== undefined ? { configFile: opts.config } : {};
  let gateway: Gateway;
  try {
    // Settings first, before the gateway's modules load: a mistake in them is reported at once.
    loadConfig(file);
    const { buildGateway } = await import('../gateway.js');
    gateway = await buildGateway(file);
  } catch (err) {
    if (err instanceof ConfigError) configFailure(err);
    throw err;
  }
  const log = gateway.ctx.logger;
  let stopping = false;
  const stop = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(SIGNAL_EXIT[signal]);
    }
    stopping = true;
    log.info({ signal }, 'ccgate stopping');
    void gateway.close().then(
      () => {
        log.info('ccgate stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'ccgate did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    await gateway.listen();
  } catch (err) {
    await gateway.close().catch(() => undefined);
    if (err instanceof ConfigError) configFailure(err);
    log.fatal({ err }, 'ccgate could not open its listeners');
    process.exit(1);
  }
}
