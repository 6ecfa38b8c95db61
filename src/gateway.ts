/**
 * buildGateway(): the one factory that wires config, core, notifier, media, interfaces and the HTTP server.
 * Nothing starts on import; tests build a gateway per case and use inject() or listen on port 0.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { registerControlApi } from './api/index.js';
import { loadConfig } from './config/load.js';
import type { Config, ConfigInput } from './config/schema.js';
import { ContactCenter, loadFixture, parseFixture, type CenterFixture, type Clock } from './core/index.js';
import { defaultInterfaces } from './interfaces/registry.js';
import type { GatewayContext, InterfaceFactory, InterfaceModule, InterfaceName, Ports } from './interfaces/types.js';
import { MediaService, RtpSender } from './media/index.js';
import { Metrics } from './metrics.js';
import { Notifier } from './notify/index.js';
import { compileCidrs } from './net/cidr.js';
import { DEFAULT_CENTER_FIXTURE } from './paths.js';
import { registerDashboard } from './web/dashboard.js';

export interface GatewayOptions {
  /** Settings in code, over file and environment. */
  config?: ConfigInput;
  /** Environment to read (default process.env); tests pass {} to ignore the caller's environment. */
  env?: Record<string, string | undefined>;
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

/** Which interface's allow-list guards an HTTP path. */
export function interfaceOfPath(url: string): InterfaceName | 'api' | undefined {
  const p = url.toLowerCase();
  if (p.startsWith('/bcm/')) return 'qmi';
  if (p.startsWith('/oii/')) return 'ici';
  if (p.startsWith('/openmediaservice')) return 'openmedia';
  if (p.startsWith('/serverapi/')) return 'ciscoqm';
  if (p.startsWith('/telservices') || p.startsWith('/makecall')) return 'telservices';
  if (p.startsWith('/api/')) return 'api';
  return undefined;
}

export async function buildGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const config = loadConfig({ env: opts.env ?? process.env, ...(opts.config ? { overrides: opts.config } : {}) });
  const logger =
    opts.logger ??
    pino({
      level: config.logLevel,
      base: { service: 'ccgate' },
      // No secrets in logs: credentials in headers and bodies never get logged.
      redact: ['req.headers.authorization', 'password', '*.password', 'userPassword'],
    });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });

  const fixture = opts.fixture !== undefined ? parseFixture(opts.fixture) : loadFixture(config.center.fixture ?? DEFAULT_CENTER_FIXTURE);
  const center = new ContactCenter(fixture, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(config.center.seed !== undefined ? { seed: config.center.seed } : {}),
    ringTimeoutSec: config.center.ringTimeoutSec,
    noAnswerSec: config.center.noAnswerSec,
    wrapUpSec: config.center.wrapUpSec,
    externalAnswerMs: config.center.externalAnswerMs,
    deliveryDelayMs: config.center.deliveryDelayMs,
    onListenerError: (err, event) => logger.error({ err, eventType: event.type, seq: event.seq }, 'event listener failed'),
  });

  const n = config.notify;
  const tls =
    n.clientCert || n.clientKey || n.ca
      ? {
          ...(n.clientCert ? { cert: readFileSync(n.clientCert) } : {}),
          ...(n.clientKey ? { key: readFileSync(n.clientKey) } : {}),
          ...(n.ca ? { ca: readFileSync(n.ca) } : {}),
        }
      : undefined;
  const notifier = new Notifier({
    logger: logger.child({ component: 'notify' }),
    ...(tls ? { tls } : {}),
    defaults: {
      retryBaseMs: n.retryBaseMs,
      retryMaxMs: n.retryMaxMs,
      cancelAfterFailures: n.cancelAfterFailures,
      cancelAfterMs: n.cancelAfterMs,
      queueLimit: n.queueLimit,
      connectTimeoutMs: n.connectTimeoutMs,
      attemptTimeoutMs: n.attemptTimeoutMs,
    },
  });
  const rtp = new RtpSender({ maxStreams: config.qmi.maxRtpStreams, logger: logger.child({ component: 'rtp' }) });
  // Monitoring streams and recording files follow the core's call state, whichever interface asked for them.
  const media = new MediaService({ center, rtp, dataDir, logger });
  const metrics = new Metrics();
  metrics.watch(center, notifier);

  const allowLists = new Map<string, (ip: string) => boolean>();
  for (const [k, cidrs] of Object.entries(config.allow)) if (cidrs.length > 0) allowLists.set(k, compileCidrs(cidrs, `allow.${k}`));
  const ports: Ports = { http: 0, telservices: 0, qmDesktop: 0, qmNetwork: 0 };
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

  const https = config.http.tls ? { key: readFileSync(config.http.tls.key), cert: readFileSync(config.http.tls.cert) } : null;
  // HTTP and HTTPS instances differ only in the raw server type; every route is the same, so one type serves both.
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimit,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    connectionTimeout: config.http.requestTimeoutMs,
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;
  app.server.headersTimeout = config.http.headersTimeoutMs;

  app.addHook('onRequest', async (request, reply) => {
    const iface = interfaceOfPath(request.url);
    if (iface && !ctx.allowed(iface, request.ip)) {
      request.log.warn({ interface: iface, ip: request.ip }, 'client address not in allow-list');
      return reply.code(403).type('text/plain').send('Forbidden');
    }
  });
  // One line per request at debug (no bodies, no query strings: they can carry credentials).
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
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
      await app.listen({ port: config.http.port, host: config.host });
      const addr = app.server.address();
      ports.http = typeof addr === 'object' && addr ? addr.port : config.http.port;
      for (const m of modules) await m.start?.();
      up = true;
      logger.info({ ports, host: config.host }, 'ccgate listening');
      if (config.ciscoqm.adminPassword === 'qmadmin') {
        logger.warn('the QM archive user qmadmin still has the default password: set CCGATE_QM_ADMIN_PASSWORD');
      }
      return { ...ports };
    },
    async close() {
      if (closed) return;
      closed = true;
      up = false;
      for (const m of [...modules].reverse()) {
        try {
          await m.stop?.();
        } catch (err) {
          logger.error({ err, interface: m.name }, 'interface stop failed');
        }
      }
      await app.close();
      await media.stop();
      rtp.closeAll();
      await notifier.close();
      center.shutdown();
    },
  };
  return gateway;
}
