/**
 * The TelServices interface (uniGone TelServer 1.7, seed 003): element-only XML over TCP and HTTP, events over UDP,
 * all on the one core. Wiring only: framing.ts frames, codec.ts/requests.ts/results.ts read and write the XML,
 * services.ts maps requests to core commands, device-view.ts and event-router.ts project core events, sessions.ts
 * keeps sessions, routing-points.ts and campaign.ts run the supervisor side.
 */
import type { FastifyInstance } from 'fastify';
import type { Agent } from '../../core/index.js';
import type { GatewayContext, InterfaceFactory, InterfaceModule } from '../types.js';
import { parseTelServicesFixture } from './config.js';
import { DeviceViews } from './device-view.js';
import { EventRouter } from './event-router.js';
import { decodeEndOfPdu } from './framing.js';
import { RequestHandler } from './handler.js';
import { telservicesRoutes } from './http.js';
import { PortHttp } from './port-http.js';
import { wireAgentState } from './projection.js';
import type { AgentInfo, PartyLookup } from './results.js';
import { RoutingPoints } from './routing-points.js';
import type { ServiceContext } from './services.js';
import { Sessions } from './sessions.js';
import { TcpTransport } from './tcp.js';
import { checkTimeZone, hostTimeZone } from './time.js';

class TelServicesModule implements InterfaceModule {
  readonly name = 'telservices' as const;
  private readonly handler: RequestHandler;
  private readonly sessions: Sessions;
  private readonly rps: RoutingPoints;
  private readonly views: DeviceViews;
  private readonly tcp: TcpTransport;
  private readonly unsubscribe: () => void;
  private readonly portHttp: PortHttp;
  private readonly maxBytes: number;

  constructor(private readonly ctx: GatewayContext) {
    const cc = ctx.center;
    const cfg = ctx.config.telservices;
    const log = ctx.logger.child({ component: 'telservices' });
    const timeZone = cfg.timeZone ?? hostTimeZone();
    checkTimeZone(timeZone);
    const fixture = parseTelServicesFixture(ctx.fixture?.telservices);
    const endOfPDU = decodeEndOfPdu(cfg.endOfPDU);
    this.maxBytes = cfg.maxRequestBytes;

    this.rps = new RoutingPoints(cc, fixture, log, timeZone);
    this.views = new DeviceViews({
      now: () => cc.now(),
      findCall: (id) => cc.telephony.findCall(id),
      isRoutingPoint: (n) => this.rps.isRoutingPoint(n),
      presentFirstOther: cfg.firstOtherParty,
    });
    this.sessions = new Sessions({
      clock: cc.clock,
      notifier: ctx.notifier,
      log,
      settings: { sessionLimit: cfg.sessionLimit, authRequired: cfg.adminUserId !== undefined || cfg.authByAdministrator, endOfPDU },
      deviceKnown: (n) => cc.isInternal(n),
      pbxLinkUp: () => !cc.isDown('pbxLink'),
      credentialsValid: (user, password) => {
        if (user === undefined || password === undefined) return false;
        if (cfg.adminUserId !== undefined && user === cfg.adminUserId) return cfg.adminPassword !== undefined && password === cfg.adminPassword;
        const agent = cc.findAgent(user);
        return agent?.password !== undefined && agent.password === password;
      },
      opened: (session, req) => {
        // Routing point setting agentLoggedOnOnOpenSession: the agent is logged on when its session opens.
        const agent = cc.agentAt(session.device);
        if (!agent || agent.state !== 'loggedOff') return;
        if (agent.password !== undefined && req.userPassword !== undefined && req.userPassword !== agent.password) return;
        const rules = this.rps.logOnRules(agent.userId);
        if (!rules.loggedOnOnOpenSession) return;
        if (rules.readyOnLoggedOn) cc.setAgentState(agent.userId, 'ready');
        else cc.setAgentState(agent.userId, 'notReady', 'loggedOn');
      },
    });
    const lookupFor = (device: string): PartyLookup => {
      const owner = cc.agentAt(device)?.userId ?? device;
      // Names come from the directory for numbers outside the PBX; internal devices are shown by number, as in every
      // seed example (snapshot example 1, qualifyCall: "calling name ... unavailable" for 1101).
      return (n) => (cc.isInternal(n) ? undefined : (cc.directory.lookup(n, owner) ?? cc.directory.lookup(n, device)));
    };
    const agentInfo = (agent: Agent | undefined, timeoutSec?: number): AgentInfo => this.agentInfo(agent, timeoutSec);
    const sc: ServiceContext = {
      cc,
      sessions: this.sessions,
      views: this.views,
      rps: this.rps,
      settings: {
        qualifyCallAnswers: cfg.qualifyCallAnswers,
        timeZone,
        snapshotMaxWaitSec: cfg.snapshotMaxWaitSec,
        callReference: cfg.eventCallReference,
        directories: new Map(fixture.directories.map((d) => [d.name, d.entries])),
      },
      lookupFor,
      agentInfo,
    };
    this.handler = new RequestHandler(sc, { maxBytes: cfg.maxRequestBytes, log, metrics: ctx.metrics });
    const router = new EventRouter({
      cc,
      log,
      views: this.views,
      sessions: this.sessions,
      callReference: cfg.eventCallReference,
      lookupFor,
      agentInfo,
      also: (e) => this.rps.onEvent(e),
    });
    this.unsubscribe = cc.bus.subscribe((e) => router.handle(e));
    const timeouts = { idleTimeoutMs: cfg.idleTimeoutMs, requestTimeoutMs: cfg.requestTimeoutMs };
    this.portHttp = new PortHttp({ handler: this.handler, sessions: this.sessions, maxBytes: cfg.maxRequestBytes, log, ...timeouts });
    this.tcp = new TcpTransport({
      host: ctx.config.host,
      port: cfg.port,
      maxBytes: cfg.maxRequestBytes,
      ...timeouts,
      endOfPDU,
      maxConnections: cfg.maxConnections,
      maxConnectionsPerAddress: cfg.maxConnectionsPerAddress,
      log,
      allowed: (ip) => ctx.allowed('telservices', ip),
      handle: (body, peer) => this.handler.handle(body, peer),
      adoptHttp: (socket, buffered, deadlineMs) => this.portHttp.adopt(socket, buffered, deadlineMs),
    });
  }

  async register(app: FastifyInstance): Promise<void> {
    await app.register(telservicesRoutes(this.handler, this.sessions, this.maxBytes));
  }

  async start(): Promise<void> {
    await this.portHttp.ready();
    this.ctx.ports.telservices = await this.tcp.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.rps.stopAll();
    await this.tcp.stop();
    await this.sessions.stop();
    await this.portHttp.close();
  }

  snapshot(): unknown {
    return { port: this.ctx.ports.telservices, sessions: this.sessions.snapshot(), routingPoints: this.rps.snapshot(), devicesWithCalls: this.views.activeDevices().length };
  }

  private agentInfo(agent: Agent | undefined, timeoutSec?: number): AgentInfo {
    if (!agent) return { state: 'null', inbound: [], outbound: [] };
    const cc = this.ctx.center;
    const svc = this.rps.servicesOf(agent);
    const info: AgentInfo = { userId: agent.userId, state: wireAgentState(agent.state, agent.reason, cc.workItemsOf(agent.userId)), inbound: svc.inbound, outbound: svc.outbound };
    if (timeoutSec !== undefined) info.timeoutSec = timeoutSec;
    else if (agent.state === 'workingAfterCall' && agent.wrapUpTimer !== undefined) {
      // Seed AgentInfo timeout: the time left before the server moves the agent on by itself.
      const wrapSec = agent.driver ? agent.driver.wrapUpSec : agent.wrapUpSec;
      info.timeoutSec = Math.max(0, Math.ceil((agent.stateSince + wrapSec * 1000 - cc.now()) / 1000));
    }
    return info;
  }
}

export const telservicesInterface: InterfaceFactory = (ctx) => new TelServicesModule(ctx);
