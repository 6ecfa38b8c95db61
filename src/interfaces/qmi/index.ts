/**
 * QMI, the Sinch Contact Pro Quality Monitoring Interface (seed 000): SOAP 1.1 requests at /bcm/QMIInterface.asmx,
 * events multicast to every subscribed session's callback, RTP monitoring and server-side recording on the core.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CallEvent, DomainEvent } from '../../core/index.js';
import type { HttpMessage } from '../../notify/index.js';
import { registerSoapEndpoint, type SoapContext, type SoapVersion } from '../../soap/index.js';
import { child, textOf, type XmlElement } from '../../xml/index.js';
import type { GatewayContext, InterfaceFactory, InterfaceModule } from '../types.js';
import { compileCidrs, type AddressCheck } from '../../net/cidr.js';
import { CallIds } from './call-ids.js';
import { callInfoContext } from './callinfo.js';
import { QMI_BUSY_FAULT, QMI_FAULT_HOOKS, qmiFault } from './faults.js';
import { eventTemplate, responseXml, type QmiEvent } from './messages.js';
import { projectCallEvent } from './projection.js';
import { EVENT_NAME, operationOfBody, QMI_ACTION, QMI_OPERATIONS, QMI_PATH, wsdlForSpelling, type Operation } from './protocol.js';
import { executeCallRequest, parseCallRequest, RequestFault, type RequestDeps } from './requests.js';
import { Sessions, type Session } from './sessions.js';

/** Sent with every callback: the core event's sequence number, so deliveries can be traced to what caused them. */
export const SEQ_HEADER = 'x-ccgate-seq';
/**
 * SOAP 1.1 §6.1.1: a SOAP HTTP request carries SOAPAction. QMI 3.1 names one for the web service, and receivers
 * dispatch on it or on the body, so every callback carries that one (as wsdl/qmi.wsdl's QMIEventsSoap says).
 */
const CALLBACK_HEADERS: Readonly<Record<string, string>> = { soapaction: `"${QMI_ACTION}"` };
const MAX_SESSION_ID = 128;
const CONTROL = /[\u0000-\u001F\u007F]/;

class QmiInterface implements InterfaceModule {
  readonly name = 'qmi' as const;
  private readonly ids = new CallIds();
  private readonly sessions: Sessions;
  private readonly deps: RequestDeps;
  private readonly unsubscribeBus: () => void;
  private readonly log: Logger;

  constructor(private readonly ctx: GatewayContext) {
    this.log = ctx.logger.child({ interface: 'qmi' });
    const q = ctx.config.qmi;
    const allowCallback: AddressCheck = compileCidrs(q.callbackAllow, 'qmi.callbackAllow');
    const rtpAllowed: AddressCheck = compileCidrs(q.rtpAllow, 'qmi.rtpAllow');
    this.sessions = new Sessions({
      notifier: ctx.notifier,
      logger: this.log,
      allowCallback,
      now: () => Date.now(),
      // A session that is gone monitors nothing (its RTP streams stop); recordings are the server's and go on.
      onEnded: (id) => ctx.center.telephony.stopMonitorsOf(id),
    });
    const callInfo = callInfoContext(ctx.center, q);
    this.deps = { center: ctx.center, ids: this.ids, rtp: ctx.rtp, maxRtpStreams: q.maxRtpStreams, rtpAllowed, logger: this.log, callInfo };
    this.unsubscribeBus = ctx.center.bus.subscribe((e) => this.onEvent(e));
  }

  async register(app: FastifyInstance): Promise<void> {
    registerSoapEndpoint(app, {
      path: QMI_PATH,
      interfaceName: 'qmi',
      operations: QMI_OPERATIONS,
      // QMI is an .asmx service (QMI 3.1): ASP.NET's wording for what it cannot dispatch, and IIS's path matching.
      wording: 'asmx',
      caseInsensitivePath: true,
      // As ASP.NET does: text/xml for SOAP 1.1, application/soap+xml for 1.2 (else 415), one Body, request elements
      // in the QMI namespace (else a Client fault, "Parsing error").
      strict: true,
      understoodHeaders: ['QMISessID'],
      wsdl: { file: 'qmi.wsdl', transform: (text) => wsdlForSpelling(text, this.ctx.config.qmi.eventNames) },
      handle: (c) => this.handle(c),
      faults: QMI_FAULT_HOOKS,
      onRequest: (info) => this.ctx.metrics.observe('qmi', operationOfBody(info.operation) ?? 'unknown', info.outcome, info.ms),
    });
  }

  async stop(): Promise<void> {
    this.unsubscribeBus();
    this.sessions.stop();
  }

  snapshot(): unknown {
    return { sessions: this.sessions.snapshot(), calls: this.ids.size };
  }

  /** Runs a dispatched request; refusals are thrown (qmiFault, RequestFault, SessionRefused) for the toolkit to write. */
  private handle(c: SoapContext<Operation>): string {
    const { version } = c.soap;
    const op = c.operation;
    const sessionId = textOf(c.soap.header, 'QMISessID');
    if (sessionId === undefined || sessionId === '') throw qmiFault('Missing QMISessID', 'Every QMI request carries the QMISessID header (QMI 4.1.1.1)');
    if (sessionId.length > MAX_SESSION_ID || CONTROL.test(sessionId)) throw qmiFault('Invalid QMISessID', `QMISessID must be 1-${MAX_SESSION_ID} printable characters`);
    if (op === 'QMISubscribeSession') return this.subscribe(version, sessionId, c.element);
    const session = this.sessions.get(sessionId);
    // QMI 3.2.1: after unsubscribing (or before subscribing) "QMS … does not service any requests".
    if (!session) throw qmiFault('Session not subscribed', `QMISessID ${sessionId} has no subscribed session`);
    if (this.sessions.congested(session)) throw QMI_BUSY_FAULT;
    const parsed = parseCallRequest(op, c.element, this.deps);
    const events = executeCallRequest(op, parsed, sessionId, this.log);
    this.reply(session, events);
    return responseXml(version, 1);
  }

  /** QMI 4.1.1: Subscribe 1 (or absent, as in the seed's 3.2.1 example) subscribes, 0 unsubscribes. */
  private subscribe(version: SoapVersion, sessionId: string, body: XmlElement): string {
    const params = child(body, 'SessionParams') ?? body;
    const flag = textOf(params, 'Subscribe');
    if (flag !== undefined && flag !== '' && flag !== '0' && flag !== '1') throw new RequestFault('Subscribe must be 0 or 1');
    const answer: QmiEvent = { kind: 'RequestResponse', callId: '', request: 'QMISubscribeSession' };
    if (flag === '0') {
      // QMI 3.2.1: "If the subscription parameter is 0 then the CallBackUrl parameter is ignored." Unsubscribing a
      // session that does not exist changes nothing and is not an error.
      this.sessions.unsubscribe(sessionId, this.message(answer, sessionId));
      return responseXml(version, 1);
    }
    const url = textOf(params, 'CallbackUrl', 'CallBackUrl');
    if (url === undefined || url === '') throw new RequestFault('Missing CallbackUrl');
    if (url.length > 2048) throw new RequestFault('CallbackUrl is too long');
    this.sessions.subscribe(sessionId, url);
    const session = this.sessions.get(sessionId);
    if (session) this.reply(session, [answer]);
    return responseXml(version, 1);
  }

  /** The final outcome goes out after the synchronous answer has been written, as QMI 4.1.1.1 orders them. */
  private reply(session: Session, events: QmiEvent[]): void {
    setImmediate(() => {
      // Unsubscribed meanwhile: its last message was the answer to the unsubscribe.
      if (this.sessions.get(session.id) !== session) return;
      for (const ev of events) this.sessions.send(session, this.message(ev, session.id));
    });
  }

  private message(ev: QmiEvent, sessionId: string): HttpMessage {
    return { body: eventTemplate(ev, this.ctx.config.qmi.eventNames).render(sessionId), label: EVENT_NAME[ev.kind], headers: CALLBACK_HEADERS };
  }

  private onEvent(e: DomainEvent): void {
    if (e.type !== 'call') return;
    const events = projectCallEvent(e as CallEvent & { at: number }, this.deps);
    if (events.length === 0 || this.sessions.count === 0) return;
    const seq = String(e.seq);
    for (const ev of events) {
      const t = eventTemplate(ev, this.ctx.config.qmi.eventNames);
      const label = EVENT_NAME[ev.kind];
      const headers = { ...CALLBACK_HEADERS, [SEQ_HEADER]: seq };
      // QMI 2: "The QMS multicasts the call information events to all subscribed QMI sessions".
      for (const s of this.sessions.values()) this.sessions.send(s, { body: t.render(s.id), label, headers });
    }
  }
}

export const qmiInterface: InterfaceFactory = (ctx) => new QmiInterface(ctx);
