/**
 * The gateway every benchmark measures: built as `ccgate start` builds it, silent, on 127.0.0.1, every listener on a
 * free port (so a benchmark never collides with a running gateway), with the benchmark's own data directory, center
 * and settings over that. Not a benchmark: run.ts skips files starting with `_`.
 */
import { buildGateway, type Gateway } from '../src/gateway.js';
import type { ConfigInput } from '../src/config/schema.js';
import type { InterfaceFactory } from '../src/interfaces/types.js';

export interface BenchGatewayOptions {
  /** Created by the caller, who removes it (some benchmarks fill it first, or reuse it for a second gateway). */
  dataDir: string;
  /** The contact center (a fixture object, as the fixture file holds it). */
  fixture: unknown;
  /** Default: every interface. */
  interfaces?: InterfaceFactory[];
  /** Settings over the defaults; a section given (e.g. `openmedia`) is merged with its free port, not replacing it. */
  config?: ConfigInput;
}

/** Builds the gateway and opens its listeners; the caller closes it. */
export async function benchGateway(opts: BenchGatewayOptions): Promise<Gateway> {
  const c = opts.config ?? {};
  const gw = await buildGateway({
    env: {},
    fixture: opts.fixture,
    ...(opts.interfaces === undefined ? {} : { interfaces: opts.interfaces }),
    config: {
      ...c,
      logLevel: 'silent',
      host: '127.0.0.1',
      dataDir: opts.dataDir,
      http: { ...c.http, port: 0 },
      telservices: { ...c.telservices, port: 0 },
      ciscoqm: { ...c.ciscoqm, desktopPort: 0, networkPort: 0 },
      openmedia: { ...c.openmedia, port: 0 },
    },
  });
  await gw.listen();
  return gw;
}
