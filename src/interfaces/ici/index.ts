/**
 * ICI/OII (seed 002: SAP Contact Center OII, ICI 3.07 compatible), part 1: what SAP CRM IC WebClient needs for users
 * and telephony. `POST /OII/OII.asmx` serves every bean, chosen by SOAPAction (§7.1, as OII rewrites the path), and
 * each bean has its own `/OII/Ici<Name>Service.asmx` (SOAP 1.1 and 1.2, WSDL at `?WSDL`); paths match in any case, as
 * IIS does. Events go to subscribers' appUrls through the notifier; the admin and status pages are in admin.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { registerSoapEndpoint, type SoapContext, type SoapEndpointOptions } from '../../soap/index.js';
import { defaultWsdlDir } from '../../soap/wsdl.js';
import type { GatewayContext, InterfaceFactory, InterfaceModule } from '../types.js';
import { onAsmxGet, registerAdmin, soapFigures, type AdminActions } from './admin.js';
import { ITEM_HANDLERS } from './bean-item.js';
import { PHONE_HANDLERS } from './bean-phone.js';
import { SYSTEM_HANDLERS } from './bean-system.js';
import { USER_HANDLERS } from './bean-user.js';
import { IciError, ICI_ERRORS, ICI_FAULT_HOOKS } from './faults.js';
import type { BeanHandler } from './handler.js';
import { IciLog } from './log.js';
import { Oii } from './oii.js';
import { Projection } from './projection.js';
import { checkRequestShape } from './request-shape.js';
import { BEANS, OII_PATH, operation, PART2_SCOPE, soapTable, type Bean, type BeanOperation } from './protocol.js';

export const ICI_HANDLERS: Readonly<Record<string, BeanHandler>> = { ...SYSTEM_HANDLERS, ...USER_HANDLERS, ...ITEM_HANDLERS, ...PHONE_HANDLERS };
/** Served while the agent server is down: leaving keeps working while the contact center is paused. */
const WHILE_PAUSED = new Set(['IciUser.unsubscribe', 'IciContainer.unsubscribe']);

/** The WSDL of a bean (or of OII.asmx) under wsdl/ici/, when the repository has it. */
function wsdlFile(name: string): string | undefined {
  const file = `ici/${name}.wsdl`;
  return existsSync(join(defaultWsdlDir(), file)) ? file : undefined;
}

function unavailable(op: BeanOperation): IciError {
  if (op.availability === 'notAvailable') {
    return new IciError(ICI_ERRORS.notAvailable, `${op.bean}.${op.name} (${PART2_SCOPE[op.bean] ?? 'ICI part 2'}, ICI part 2)`);
  }
  const why = op.bean === 'IciMonitor' ? "OII 7.0's monitor interface is not ready for production use and not documented" : 'OII does not implement it either';
  return new IciError(ICI_ERRORS.notImplemented, `${op.bean}.${op.name} (${why})`);
}

class IciInterface implements InterfaceModule {
  readonly name = 'ici' as const;
  private readonly oii: Oii;
  private readonly projection: Projection;
  private readonly unsubscribeBus: () => void;

  constructor(private readonly ctx: GatewayContext) {
    const log = new IciLog(ctx.logger.child({ interface: 'ici' }));
    this.oii = new Oii({ center: ctx.center, settings: ctx.config.ici, notifier: ctx.notifier, log, dataDir: ctx.dataDir });
    this.projection = new Projection(this.oii);
    this.unsubscribeBus = ctx.center.bus.subscribe((e) => this.projection.onEvent(e));
  }

  async register(app: FastifyInstance): Promise<void> {
    const common: Omit<SoapEndpointOptions, 'path' | 'operations'> = {
      interfaceName: 'ici',
      // OII is ASP.NET (.asmx under IIS): its wording of what it cannot dispatch, and paths in any case.
      wording: 'asmx',
      caseInsensitivePath: true,
      // §9: every request may carry `language` and `user` (any namespace, CRM marks them mustUnderstand="0").
      understoodHeaders: ['language', 'user'],
      // SOAP's rules, not a tolerant read: the envelope version's media type, one Body, the request element in its
      // bean's namespace. A request CRM did not mean is refused rather than run (README "ICI faults").
      strict: true,
      handle: (c) => this.handle(c),
      faults: ICI_FAULT_HOOKS,
      onRequest: (info) => this.ctx.metrics.observe('ici', info.operation, info.outcome, info.ms),
    };
    const oiiWsdl = wsdlFile('OII');
    registerSoapEndpoint(app, { ...common, path: OII_PATH, operations: soapTable(BEANS), onGet: onAsmxGet, ...(oiiWsdl ? { wsdl: { file: oiiWsdl } } : {}) });
    for (const bean of BEANS) this.registerBean(app, bean, common);
    const { oii } = this;
    const actions: AdminActions = {
      start: () => oii.resume(),
      halt: () => oii.halt(),
      unload: () => oii.unload(),
      soapFigures: () => soapFigures(oii.targets.healthAll()),
    };
    registerAdmin(app, oii, actions);
  }

  private registerBean(app: FastifyInstance, bean: Bean, common: Omit<SoapEndpointOptions, 'path' | 'operations'>): void {
    const file = wsdlFile(`${bean.name}Service`);
    if (file === undefined) this.oii.log.warn({ bean: bean.name }, 'ICI: no WSDL for this bean under wsdl/ici/');
    registerSoapEndpoint(app, { ...common, path: bean.path, operations: soapTable([bean]), ...(file ? { wsdl: { file } } : {}) });
  }

  private handle(c: SoapContext): string | Promise<string> {
    checkRequestShape(c.element);
    const op = operation(c.operation);
    if (op === undefined) throw new IciError(ICI_ERRORS.unknownOperation, c.operation);
    if (op.availability !== 'implemented') throw unavailable(op);
    this.oii.assertRunning();
    // §9.3.2 reason 2: while the agent server is down the contact center is paused.
    if (!WHILE_PAUSED.has(op.id)) this.ctx.center.assertUp('agentServer');
    const handler = ICI_HANDLERS[op.id];
    if (handler === undefined) throw unavailable({ ...op, availability: 'notImplemented' });
    return handler(this.oii, { op, element: c.element, version: c.soap.version });
  }

  /** Shutdown: subscriptionEnded reason 1 to every subscriber; the gateway then drains the notifier before exiting. */
  async stop(): Promise<void> {
    this.unsubscribeBus();
    this.oii.ended(this.oii.subs.clear(), 1);
  }

  snapshot(): unknown {
    const { oii } = this;
    return {
      state: oii.state,
      cmsHostId: oii.cmsHostId,
      subscriptions: oii.subs.all().map((s) => ({ kind: s.kind, appId: s.appId, line: s.line, userId: s.userId ?? null, target: s.target, since: new Date(s.since).toISOString() })),
      items: oii.items.size,
      users: [...oii.users.keys()],
    };
  }
}

export const iciInterface: InterfaceFactory = (ctx) => new IciInterface(ctx);
