/**
 * Open Media, the Mitel MiCC Enterprise Open Media Service (seed 004, and the contract a real installation publishes):
 * SOAP at /OpenMediaService as WCF's BasicHttpBinding speaks it, the REST twin at /OpenMediaServiceRest, both on the
 * gateway's HTTP server and on a port of their own (`openmedia.port`, 12615). Requests are the core's open media work
 * items, routed by its routing module; their status events are kept in the service's cache (status.ts).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DomainEvent } from '../../core/index.js';
import { httpListenerOptions, protocolError, trackRequestHeads } from '../../http-errors.js';
import { registerSoapEndpoint } from '../../soap/index.js';
import { ControlRouteError, type ControlRoute, type GatewayContext, type InterfaceFactory, type InterfaceModule } from '../types.js';
import type { OmContext } from './context.js';
import { OmDirectory, parseOpenMediaFixture } from './directory.js';
import { faultHooks } from './faults.js';
import { OptionsStore } from './options.js';
import { AUTH_NS, OPERATIONS, PATH, type Operation } from './protocol.js';
import { registerRest } from './rest.js';
import { debugOn } from '../../net/log-level.js';
import { OmSoap, type AuthSettings } from './soap.js';
import { STATE_STATUS, StatusCache } from './status.js';
import { WSDL_DOCUMENTS } from './wsdl.js';

/** The media types the SOAP endpoint reads (RFC 9110 §8.3.1: case-insensitive, parameters after `;`, blanks trimmed). */
const SOAP_MEDIA = /^\s*(?:text\/xml|application\/soap\+xml)\s*(?:;|$)/i;

class OpenMediaInterface implements InterfaceModule {
  readonly name = 'openmedia' as const;
  private readonly ctx: OmContext;
  private readonly options = new OptionsStore();
  private readonly auth: AuthSettings;
  private readonly soap: OmSoap;
  private readonly unsubscribe: () => void;
  private own: FastifyInstance | undefined;

  constructor(private readonly gw: GatewayContext) {
    const cfg = gw.config.openmedia;
    const cc = gw.center;
    const dir = new OmDirectory(cc, parseOpenMediaFixture(gw.fixture?.openmedia));
    const cache = new StatusCache(cc, dir, cfg.dataExpirationMin * 60_000);
    this.ctx = { cc, dir, cache, settings: { licenses: cfg.licenses, setOptionsFault: cfg.setOptionsFault } };
    this.auth = { enabled: cfg.authentication, administrators: cfg.administrators };
    this.soap = new OmSoap(this.ctx, this.options, this.auth, () => cfg.memberOrder);
    this.unsubscribe = cc.bus.subscribe((e) => this.onEvent(e));
  }

  private onEvent(e: DomainEvent): void {
    if (e.type === 'item' && e.item.channel === 'openmedia') this.ctx.cache.onItemEvent(e);
    else if (e.type === 'reset') {
      // The world is back to its fixture: tenants as configured, no options, an empty cache.
      this.ctx.cache.clear();
      this.ctx.dir.restoreTenants();
      this.options.clear();
    }
  }

  /** The SOAP endpoint and the REST twin on one Fastify instance. */
  private routes(app: FastifyInstance): void {
    void app.register(async (scope) => {
      // WCF's BasicHttpBinding reads only text/xml (SOAP 1.2's type is the toolkit's `versions` refusal): any other
      // POST is HTTP 415 with WCF's reason phrase and no body, before the message is read.
      // A callback hook, not an async one: it runs on every request, and an async hook costs a promise and a turn.
      scope.addHook('onRequest', (request, reply, done) => {
        const type = request.headers['content-type'] ?? '';
        if (request.method !== 'POST' || SOAP_MEDIA.test(type)) return done();
        reply.raw.statusMessage = `Cannot process the message because the content type '${type.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}' was not the expected type 'text/xml; charset=utf-8'.`;
        void reply.code(415).header('content-length', 0).send();
      });
      this.soapEndpoint(scope);
    });
    registerRest(app, this.ctx, this.options, this.auth, this.gw.config.http.bodyLimit);
  }

  private soapEndpoint(app: FastifyInstance): void {
    const cfg = this.gw.config.openmedia;
    registerSoapEndpoint<Operation>(app, {
      path: PATH,
      // WCF on HTTP.sys matches the path without regard to case (/openmediaservice, ?wsdl too), on both ports.
      caseInsensitivePath: true,
      interfaceName: 'openmedia',
      operations: OPERATIONS,
      wording: 'wcf',
      // WCF dispatches on SOAPAction alone: a missing or empty one is ActionNotSupported, whatever the Body holds.
      dispatchBy: 'actionRequired',
      versions: cfg.acceptSoap12 ? ['1.1', '1.2'] : ['1.1'],
      understoodHeaders: [`{${AUTH_NS}}LogonID`, `{${AUTH_NS}}Password`],
      maxBytes: this.gw.config.http.bodyLimit,
      wsdl: WSDL_DOCUMENTS,
      handle: (c) => this.soap.handle(c),
      faults: faultHooks(),
      onRequest: (info) => this.gw.metrics.observe('openmedia', info.operation, info.outcome, info.ms),
    });
  }

  register(app: FastifyInstance): void {
    this.routes(app);
  }

  /** Seed "Service information": the service on its own port too (0: any free one), reported by /health. */
  async start(): Promise<void> {
    const gw = this.gw;
    const app = Fastify({
      loggerInstance: gw.logger.child({ component: 'http', interface: 'openmedia' }) as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      ...httpListenerOptions(gw.config.http).fastify,
    }) as unknown as FastifyInstance;
    trackRequestHeads(app.server, false);
    // Callback hooks (an async one costs a promise and a turn on every request); the request line is built only when
    // debug is on.
    app.addHook('onRequest', (request, reply, done) => {
      if (gw.allowed('openmedia', request.ip)) return done();
      request.log.warn({ interface: 'openmedia', ip: request.ip }, 'client address not in allow-list');
      void reply.code(403).type('text/plain').send('Forbidden');
    });
    app.addHook('onResponse', (request, reply, done) => {
      if (debugOn(request.log)) {
        request.log.debug({ method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
      }
      done();
    });
    this.routes(app);
    // Anything else on this port: a SOAP fault under the SOAP path, JSON elsewhere (http-errors.ts), never Fastify's own.
    app.setNotFoundHandler((request, reply) => {
      const e = protocolError(request.url, 404, `no route ${request.method} ${request.url.split('?')[0] ?? ''}`, false, request.server.server);
      return reply.code(404).type(e.contentType).send(e.body);
    });
    this.own = app;
    await app.listen({ port: gw.config.openmedia.port, host: gw.config.host });
    const addr = app.server.address();
    gw.ports.openMedia = typeof addr === 'object' && addr ? addr.port : gw.config.openmedia.port;
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.own?.close();
    this.own = undefined;
  }

  /**
   * Seed "Error handling": "If the Open Media Service restarts, all requests in the history will be cleared, and all
   * requests in the MiCC Enterprise system will be removed, even if they are currently being handled by an agent."
   * The core forgets its ended open media items too, so OpenMediaID 1 is item `openmedia-1` again, not a stale one.
   */
  restart(): { removed: number } {
    const { cc, cache } = this.ctx;
    let removed = 0;
    for (const e of cache.all()) {
      const item = cc.items.find(e.itemId);
      if (item && !['completed', 'failed', 'cancelled'].includes(item.state)) {
        cc.items.cancel(item.id, { ifAllocated: true, report: false });
        removed++;
      }
    }
    // Every ended open media item, also those already expired from the cache but still kept by the core.
    for (const item of cc.items.list({ channel: 'openmedia', includeEnded: true })) cc.items.forget(item.id);
    cache.clear();
    return { removed };
  }

  controlRoutes(): ControlRoute[] {
    const Tenant = z.object({ enabled: z.boolean() });
    const TenantView = z.looseObject({ id: z.number(), enabled: z.boolean() });
    return [
      {
        method: 'PUT',
        url: '/api/v1/openmedia/tenants/:tenantId',
        summary: 'Enable or disable an Open Media tenant (AddRequest answers TenantDisabled while it is disabled)',
        body: Tenant,
        response: TenantView,
        handler: (params, body) => {
          const raw = params['tenantId'] ?? '';
          // A TenantID is an xsd:int record ID: anything else is a bad argument, not an unknown tenant.
          if (!/^\d{1,10}$/.test(raw) || Number(raw) > 2147483647) throw new ControlRouteError(400, 'invalidArgument', `tenantId: not a tenant ID (a positive integer): ${raw.slice(0, 32)}`);
          const id = Number(raw);
          const b = Tenant.parse(body);
          if (!this.ctx.dir.setTenant(id, b.enabled)) throw new ControlRouteError(404, 'unknownTenant', `no tenant ${id}`);
          return { id, enabled: b.enabled };
        },
      },
      {
        method: 'POST',
        url: '/api/v1/openmedia/restart',
        summary: 'Restart the Open Media service: its history is cleared and its requests leave the system',
        response: z.looseObject({ removed: z.number().describe('requests removed from the system') }),
        handler: () => this.restart(),
      },
    ];
  }

  snapshot(): unknown {
    const { cc, cache, dir } = this.ctx;
    cache.expire();
    return {
      port: this.gw.ports.openMedia,
      tenants: dir.tenantList(),
      options: { desktop: this.options.snapshot() },
      cached: cache.size,
      live: cache.live,
      // What AddRequest and ModifyRequest set, so a developer can see what a ModifyRequest changed.
      requests: cache.all().slice(-200).map((e) => {
        const item = cc.items.find(e.itemId);
        return {
          openMediaId: e.id,
          itemId: e.itemId,
          status: e.events.at(-1)?.status ?? (item ? STATE_STATUS[item.state] : 'Unknown'),
          ivrInfo: Object.entries(item?.data ?? {}).map(([label, data]) => ({ label, data })),
          privateData: item?.attached['PrivateData'] ?? null,
          typeOfSession: item?.routing.type ?? null,
        };
      }),
    };
  }
}

export const openmediaInterface: InterfaceFactory = (ctx) => new OpenMediaInterface(ctx);
