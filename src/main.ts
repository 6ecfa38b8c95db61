#!/usr/bin/env node
/** `ccgate` / `npm start`: runs the gateway on its settings until SIGINT/SIGTERM. */
import { ConfigError } from './config/load.js';
import { buildGateway } from './gateway.js';

async function main(): Promise<void> {
  let gateway;
  try {
    gateway = await buildGateway();
  } catch (err) {
    if (err instanceof ConfigError || (err instanceof Error && /^(allow\.|CCGATE_|[a-z]+\.json|.*fixture)/i.test(err.message))) {
      // One clear line naming the key and the problem; no stack for a configuration mistake.
      process.stderr.write(`ccgate: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const stop = async (signal: string) => {
    gateway.ctx.logger.info({ signal }, 'ccgate stopping');
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    await gateway.listen();
  } catch (err) {
    gateway.ctx.logger.fatal({ err }, 'ccgate could not open its listeners');
    await gateway.close();
    process.exit(1);
  }
}

void main();
