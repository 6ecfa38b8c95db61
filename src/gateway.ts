/**
 * buildGateway(): the one factory that wires config, core, notifier, media, interfaces and the HTTP server.
 * Nothing starts on import; tests build a gateway per case and use inject() or listen on port 0.
 */
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { registerControlApi } from './api/index.js';
import { ConfigError, underKey } from './config/errors.js';
import { ensureWritableDir, readCertificates, readJsonSetting, readKeyPair } from './config/files.js';
import { ENV_KEYS, loadConfig } from './config/load.js';
import type { Config, ConfigInput } from './config/schema.js';
import { ContactCenter, parseFixture, SystemClock, type CenterFixture, type Clock } from './core/index.js';
import { defaultInterfaces } from './interfaces/registry.js';
import type { GatewayContext, InterfaceFactory, InterfaceModule, InterfaceName, Ports } from './interfaces/types.js';
import { MediaService, RtpSender } from './media/index.js';
import { Metrics } from './metrics.js';
import { Notifier } from './notify/index.js';
import { compileCidrs } from './net/cidr.js';
import { debugOn } from './net/log-level.js';
import { listenError, type PortSetting } from './net/listen.js';
import { endpointUrls } from './endpoints.js';
import { httpListenerOptions, interfaceOfPath, trackRequestHeads } from './http-errors.js';
import { DEFAULT_CENTER_FIXTURE } from './paths.js';
import { RecordingArchive } from './store/index.js';
import { VERSION } from './version.js';
import { registerDashboard } from './web/dashboard.js';

export interface GatewayOptions {
  /** Settings in code, over file and environment. */
  config?: ConfigInput;
  /** Environment to read (default process.env); tests pass {} to ignore the caller's environment. */
  env?: Record<string, string | undefined>;
  /** A config file named on the command line (`--config`), read instead of CCGATE_CONFIG. */
  configFile?: string;
  clock?: Clock;
  logger?: Logger;
  /** A contact center in code instead of the fixture file. */
  fixture?: CenterFixture | unknown;
  /** Interfaces to run (default: every implemented one). */
  interfaces?: InterfaceFactory[];
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly center: ContactCenter;
  readonly ctx: GatewayContext;
  readonly config: Config;
  readonly interfaces: InterfaceModule[];
  /** Opens every listener; resolves with the bound ports. */
  listen(): Promise<Ports>;
  close(): Promise<void>;
  /** http://host:port of the HTTP server once listening. */
  readonly baseUrl: string;
}

export { interfaceOfPath };

/** Each listener's port settings, for naming the one that failed (environment variable names from ENV_KEYS). */
function portSettings(config: Config): Record<'http' | InterfaceName, PortSetting[]> {
  const setting = (key: string, port: number): PortSetting => {
    const env = ENV_KEYS.find((k) => k.path.join('.') === key)?.env;
    return env ? { key, env, port } : { key, port };
  };
  return {
    http: [setting('http.port', config.http.port)],
    telservices: [setting('telservices.port', config.telservices.port)],
    ciscoqm: [setting('ciscoqm.desktopPort', config.ciscoqm.desktopPort), setting('ciscoqm.networkPort', config.ciscoqm.networkPort)],
    openmedia: [setting('openmedia.port', config.openmedia.port)],
    // These serve on the HTTP server only.
    qmi: [],
    ici: [],
  };
}

export async function buildGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const config = loadConfig({
    env: opts.env ?? process.env,
    ...(opts.config ? { overrides: opts.config } : {}),
    ...(opts.configFile !== undefined ? { configFile: opts.configFile } : {}),
  });
  const logger =
    opts.logger ??
    pino({
      level: config.logLevel,
      base: { service: 'ccgate' },
      // No secrets in logs: credentials in headers and bodies never get logged.
      redact: ['req.headers.authorization', 'password', '*.password', 'userPassword'],
    });
  // Every start-up failure below that a setting or the fixture causes is a ConfigError naming it (src/config/errors.ts);
  // files and directories settings name are read and checked by src/config/files.ts.
  const dataDir = resolve(config.dataDir);
  ensureWritableDir('dataDir', dataDir);
  const fixtureKey = config.center.fixture ? 'center.fixture' : 'fixture';
  const fixturePath = config.center.fixture ?? DEFAULT_CENTER_FIXTURE;
  const fixture =
    opts.fixture !== undefined
      ? underKey('fixture', () => parseFixture(opts.fixture))
      : underKey(fixtureKey, () => parseFixture(readJsonSetting(fixtureKey, fixturePath), fixturePath));
  const clock = opts.clock ?? new SystemClock();
  // The recordings archive persists under the data directory (src/store); a catalogue that cannot be opened is a
  // start-up error naming dataDir. Recordings survive restarts; the core's recording commands work on it.
  const archive = underKey('dataDir', () => RecordingArchive.open({ dir: join(dataDir, 'recordings'), now: () => clock.now() }));
  // Anything below that fails (a TLS file, an interface's settings) closes the archive again before it propagates.
  let built = false;
  try {
    const center = new ContactCenter(fixture, {
      clock,
      archive,
      onRecordingError: (err, callId) => logger.warn({ err, callId }, 'recording policy: recording not started'),
      ...(config.center.seed !== undefined ? { seed: config.center.seed } : {}),
      ringTimeoutSec: config.center.ringTimeoutSec,
      noAnswerSec: config.center.noAnswerSec,
      wrapUpSec: config.center.wrapUpSec,
      externalAnswerMs: config.center.externalAnswerMs,
      deliveryDelayMs: config.center.deliveryDelayMs,
      onListenerError: (err, event) => logger.error({ err, eventType: event.type, seq: event.seq }, 'event listener failed'),
    });

    const n = config.notify;
    // A client certificate needs its key and the other way round; each file is checked now, not at the first callback.
    if ((n.clientCert === undefined) !== (n.clientKey === undefined)) {
      throw new ConfigError(n.clientCert === undefined ? 'notify.clientCert' : 'notify.clientKey', `is needed with ${n.clientCert === undefined ? 'notify.clientKey' : 'notify.clientCert'}`);
    }
    const clientPair = n.clientCert && n.clientKey ? readKeyPair('notify.clientCert', n.clientCert, 'notify.clientKey', n.clientKey) : undefined;
    const tls =
      clientPair || n.ca
        ? { ...(clientPair ?? {}), ...(n.ca ? { ca: readCertificates('notify.ca', n.ca).pem } : {}) }
        : undefined;
    const notifier = new Notifier({
      // The notifier binds component=notify itself (binding it here too repeated the key on every line).
      logger,
      ...(tls ? { tls } : {}),
      defaults: {
        retryBaseMs: n.retryBaseMs,
        retryMaxMs: n.retryMaxMs,
        cancelAfterFailures: n.cancelAfterFailures,
        cancelAfterMs: n.cancelAfterMs,
        queueLimit: n.queueLimit,
        queueLimitBytes: n.queueLimitBytes,
        pipelining: n.pipelining,
        ...(n.highWaterEvents !== undefined ? { highWaterEvents: n.highWaterEvents } : {}),
        ...(n.highWaterBytes !== undefined ? { highWaterBytes: n.highWaterBytes } : {}),
        connectTimeoutMs: n.connectTimeoutMs,
        attemptTimeoutMs: n.attemptTimeoutMs,
      },
    });
    const rtp = new RtpSender({ maxStreams: config.qmi.maxRtpStreams, logger: logger.child({ component: 'rtp' }) });
    // Monitoring streams and recording files follow the core's call state, whichever interface asked for them.
    const media = new MediaService({ center, rtp, logger });
    const metrics = new Metrics();
    metrics.watch(center, notifier);

    const allowLists = new Map<string, (ip: string) => boolean>();
    for (const [k, cidrs] of Object.entries(config.allow)) if (cidrs.length > 0) allowLists.set(k, compileCidrs(cidrs, `allow.${k}`));
    const ports: Ports = { http: 0, telservices: 0, qmDesktop: 0, qmNetwork: 0, openMedia: 0 };
    const ctx: GatewayContext = {
      center,
      config,
      logger,
      notifier,
      rtp,
      metrics,
      dataDir,
      ports,
      allowed: (iface, ip) => allowLists.get(iface)?.(ip) ?? true,
      fixture,
    };

    const tlsFiles = config.http.tls;
    const https = tlsFiles ? readKeyPair('http.tls.cert', tlsFiles.cert, 'http.tls.key', tlsFiles.key) : null;
    // HTTP and HTTPS instances differ only in the raw server type; every route is the same, so one type serves both.
    const { fastify: listener, serverTimeouts } = httpListenerOptions(config.http);
    const app = Fastify({
      loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      ...listener,
      ...(https ? { https: { ...https, ...serverTimeouts } } : {}),
    }) as unknown as FastifyInstance;
    trackRequestHeads(app.server, https !== null);

    // Callback hooks, not async ones: they run on every request, and an async hook costs a promise and a turn.
    app.addHook('onRequest', (request, reply, done) => {
      // No allow-list configured (the default): nothing to look up.
      if (allowLists.size === 0) return done();
      const iface = interfaceOfPath(request.url);
      // request.ip asks the socket (getpeername) each time: only where an allow-list is configured.
      if (iface && allowLists.has(iface) && !ctx.allowed(iface, request.ip)) {
        request.log.warn({ interface: iface, ip: request.ip }, 'client address not in allow-list');
        void reply.code(403).type('text/plain').send('Forbidden');
        return;
      }
      done();
    });
    // One line per request at debug (no bodies, no query strings: they can carry credentials).
    app.addHook('onResponse', (request, reply, done) => {
      if (debugOn(request.log)) {
        request.log.debug(
          { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
          'request',
        );
      }
      done();
    });

    let up = false;
    app.get('/health', async (_req, reply) => {
      if (!up) return reply.code(503).send({ status: 'starting', listeners: ports });
      return { status: 'ok', listeners: ports };
    });
    app.get('/metrics', async (_req, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });

    registerDashboard(app);

    const modules = (opts.interfaces ?? defaultInterfaces).map((f) => f(ctx));
    await registerControlApi(app, ctx, () => modules);
    for (const m of modules) await m.register(app);

    let closed = false;
    const gateway: Gateway = {
      app,
      center,
      ctx,
      config,
      interfaces: modules,
      get baseUrl() {
        return `${https ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${ports.http}`;
      },
      async listen() {
        const settings = portSettings(config);
        try {
          await app.listen({ port: config.http.port, host: config.host });
        } catch (err) {
          throw listenError(err, settings.http, config.host) ?? err;
        }
        const addr = app.server.address();
        ports.http = typeof addr === 'object' && addr ? addr.port : config.http.port;
        for (const m of modules) {
          try {
            await m.start?.();
          } catch (err) {
            throw listenError(err, settings[m.name], config.host) ?? err;
          }
        }
        up = true;
        const urls = endpointUrls(
          modules.map((m) => m.name),
          gateway.baseUrl,
          config.host,
          ports,
        );
        for (const [name, list] of Object.entries(urls)) logger.info({ interface: name, urls: list }, `${name}: ${list.join(' ')}`);
        logger.info({ version: VERSION, ports, host: config.host }, `ccgate ${VERSION} listening on ${gateway.baseUrl}`);
        return { ...ports };
      },
      async close() {
        if (closed) return;
        closed = true;
        up = false;
        // Recordings still running end first and their audio is written at once (a few milliseconds), so the archive
        // holds each one complete after a restart, even when a second signal cuts the slower steps below short.
        const stopped = center.recordings.stopAll();
        await media.flush();
        if (stopped > 0) logger.info({ recordings: stopped }, 'shutdown: running recordings stopped and written');
        // Interfaces stop next and may enqueue a goodbye (ICI: subscriptionEnded reason 1); the notifier then gets
        // notify.shutdownDrainMs to deliver what is queued, while the HTTP server finishes its requests, before any
        // subscriber's connection is destroyed.
        for (const m of [...modules].reverse()) {
          try {
            await m.stop?.();
          } catch (err) {
            logger.error({ err, interface: m.name }, 'interface stop failed');
          }
        }
        const [, drained] = await Promise.all([app.close(), notifier.drain(config.notify.shutdownDrainMs)]);
        if (!drained) logger.warn({ queued: notifier.totals().queued, waitedMs: config.notify.shutdownDrainMs }, 'shutdown: undelivered events dropped');
        await media.stop();
        rtp.closeAll();
        await notifier.close();
        center.shutdown();
        archive.close();
      },
    };
    built = true;
    return gateway;
  } finally {
    if (!built) archive.close();
  }
}
