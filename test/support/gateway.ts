/**
 * A gateway under test: every listener on a free port (0) of 127.0.0.1, data in a fresh temporary directory that is
 * removed when it closes, logs silent, a seeded core whose external parties never answer by themselves. Options
 * layer over these defaults section by section, so a test writes only what it is about.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterEach } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Clock, ContactCenter } from '../../src/core/index.js';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import type { InterfaceFactory } from '../../src/interfaces/types.js';
import { eventually, quiesce } from './barrier.js';

export type Ports = Awaited<ReturnType<Gateway['listen']>>;

/**
 * Settings every test gateway starts from. An interface with a listener of its own adds its port here as 0 (the
 * schema is strict, so a section exists only once its interface does).
 */
export const TEST_CONFIG: ConfigInput = {
  host: '127.0.0.1',
  logLevel: 'silent',
  http: { port: 0 },
  telservices: { port: 0 },
  ciscoqm: { desktopPort: 0, networkPort: 0 },
  openmedia: { port: 0 },
  center: { seed: 7, externalAnswerMs: -1 },
};

export interface StartOptions {
  /** Interfaces to run; default every implemented one. */
  interfaces?: InterfaceFactory[];
  /** Settings over TEST_CONFIG, merged per section (`{center: {seed: 3}}` keeps the other center settings). */
  config?: ConfigInput;
  /** A clock for the core (ManualClock: virtual time); the sockets stay real. */
  clock?: Clock;
  /** A contact center in code instead of the default fixture. */
  fixture?: unknown;
  logger?: Logger;
  /** Open the listeners (default true); false for tests that use app.inject() only. */
  listen?: boolean;
}

export interface TestGateway {
  gw: Gateway;
  center: ContactCenter;
  /** Bound ports (all 0 when not listening). */
  ports: Ports;
  /** http://127.0.0.1:<port> once listening. */
  baseUrl: string;
  /** The temporary data directory (removed on close). */
  dataDir: string;
  close(): Promise<void>;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` laid on `base`, objects merged key by key (arrays and values replace). */
export function mergeConfig<T>(base: T, over: unknown): T {
  if (!isPlain(base) || !isPlain(over)) return (over === undefined ? base : over) as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlain(v) && isPlain(out[k]) ? mergeConfig(out[k], v) : v;
  return out as T;
}

/** Builds (and by default starts) a gateway for a test; close() it, or use gatewayPerTest(). */
export async function startGateway(o: StartOptions = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-test-'));
  const gw = await buildGateway({
    env: {},
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.fixture !== undefined ? { fixture: o.fixture } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.interfaces ? { interfaces: o.interfaces } : {}),
    config: mergeConfig({ ...TEST_CONFIG, dataDir }, o.config ?? {}),
  });
  const ports = o.listen === false ? ({ http: 0, telservices: 0, qmDesktop: 0, qmNetwork: 0 } as Ports) : await gw.listen();
  let closed = false;
  return {
    gw,
    center: gw.center,
    ports,
    get baseUrl() {
      return gw.baseUrl;
    },
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Everything the gateway has queued for its subscribers is delivered (an HTTP callback answered, a datagram sent)
 * and the event loop has read what the kernel already holds for the test's sockets: the barrier before a "nothing
 * more came" check, instead of a sleep.
 */
export async function allDelivered(gw: Gateway): Promise<void> {
  await eventually(() => gw.ctx.notifier.health().every((h) => h.queued === 0), 'every queued event delivered');
  await quiesce(5);
}

/**
 * A gateway per test of the calling file: `start()` builds it, and it is closed after the test (with whatever the
 * test registered through `onClose`).
 */
export function gatewayPerTest(): { start(o?: StartOptions): Promise<TestGateway>; current(): TestGateway; onClose(fn: () => Promise<void> | void): void } {
  let g: TestGateway | undefined;
  const after: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    await g?.close();
    g = undefined;
    for (const fn of after.splice(0).reverse()) await fn();
  });
  return {
    async start(o) {
      await g?.close();
      g = await startGateway(o);
      return g;
    },
    current() {
      if (!g) throw new Error('no gateway started in this test');
      return g;
    },
    onClose(fn) {
      after.push(fn);
    },
  };
}
