/**
 * QMI, the Sinch Contact Pro Quality Monitoring Interface (seed 000): SOAP 1.1 requests at /bcm/QMIInterface.asmx,
 * events multicast to every subscribed session's callback, RTP monitoring and server-side recording on the core.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CallEvent, DomainEvent } from '../../core/index.js';
import type { HttpMessage } from '../../notify/index.js';
import { child, parseSoap, registerSoapEndpoint, textOf, type SoapContext, type SoapReply, type SoapVersion, type XmlElement } from '../../soap/index.js';
import type { GatewayContext, InterfaceFactory, InterfaceModule } from '../types.js';
import { compileCidrs, type AddressCheck } from '../../net/cidr.js';
import { CallIds } from './call-ids.js';
import { eventTemplate, faultReply, responseXml, type QmiEvent } from './messages.js';
import { projectCallEvent } from './projection.js';
import { EVENT_NAME, operationOfAction, operationOfBody, QMI_ACTION, QMI_PATH, type EventKind } from './protocol.js';
import { executeCallRequest, parseCallRequest, RequestFault, type RequestDeps } from './requests.js';
import { busyReply, SessionRefused, Sessions, type Session } from './sessions.js';

/** Sent with every callback: the core event's sequence number, so deliveries can be traced to what caused them. */
export const SEQ_HEADER = 'x-ccgate-seq';
/**
 * SOAP 1.1 §6.1.1: a SOAP HTTP request carries SOAPAction. The seed names none for callbacks; each event gets its own
 * (`<QMI action>/<event name>`, as in wsdl/qmi.wsdl), so a callback service may dispatch on it or on the body.
 */
const CALLBACK_HEADERS = Object.fromEntries(
  Object.entries(EVENT_NAME).map(([kind, name]) => [kind, { soapaction: `"${QMI_ACTION}/${name}"` }]),
) as Record<EventKind, { soapaction: string }>;
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
    const queueName = (id: string) => ctx.center.queues.get(id)?.name;
    this.deps = { center: ctx.center, ids: this.ids, rtp: ctx.rtp, maxRtpStreams: q.maxRtpStreams, rtpAllowed, logger: this.log, queueName };
    this.unsubscribeBus = ctx.center.bus.subscribe((e) => this.onEvent(e));
  }

  async register(app: FastifyInstance): Promise<void> {
    await app.register(async (scope) => {
      const handled = new WeakSet<FastifyRequest>();
      // QMI 1.2: a request that cannot be read gets faultcode Client, faultstring "Parsing error". The toolkit refuses
      // such a request before the handler runs; its fault is re-worded here, its reason kept as the detail.
      scope.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        if (request.method !== 'POST' || handled.has(request) || reply.statusCode < 400 || typeof payload !== 'string') return payload;
        return parsingFault(payload) ?? payload;
      });
      registerSoapEndpoint(scope, {
        path: QMI_PATH,
        interfaceName: 'qmi',
        wsdl: { file: 'qmi.wsdl' },
        handle: async (c) => {
          handled.add(c.request);
          return this.handle(c);
        },
        onRequest: (info) =>
          this.ctx.metrics.observe('qmi', operationOfBody(info.operation) ?? 'unknown', info.outcome, info.ms),
      });
    });
  }

  async stop(): Promise<void> {
    this.unsubscribeBus();
    this.sessions.stop();
  }

  snapshot(): unknown {
    return { sessions: this.sessions.snapshot(), calls: this.ids.size };
  }

  private handle(c: SoapContext): SoapReply | string {
    const { version } = c.soap;
    const body = c.soap.operation;
    if (!body) return faultReply(version, 'Unknown operation', 'The SOAP Body is empty');
    const op = operationOfBody(body.name);
    if (!op) return faultReply(version, 'Unknown operation', `${body.name} is not a QMI request`);
    const named = c.action === undefined ? undefined : operationOfAction(c.action);
    if (named !== undefined && named !== op) return faultReply(version, 'Unknown operation', `SOAPAction names ${named} but the body is ${op}`);
    const sessionId = textOf(c.soap.header, 'QMISessID');
    if (sessionId === undefined || sessionId === '') return faultReply(version, 'Missing QMISessID', 'Every QMI request carries the QMISessID header (QMI 4.1.1.1)');
    if (sessionId.length > MAX_SESSION_ID || CONTROL.test(sessionId)) return faultReply(version, 'Invalid QMISessID', `QMISessID must be 1-${MAX_SESSION_ID} printable characters`);
    try {
      if (op === 'QMISubscribeSession') return this.subscribe(version, sessionId, body);
      const session = this.sessions.get(sessionId);
      // QMI 3.2.1: after unsubscribing (or before subscribing) "QMS … does not service any requests".
      if (!session) return faultReply(version, 'Session not subscribed', `QMISessID ${sessionId} has no subscribed session`);
      if (this.sessions.congested(session)) return busyReply(version);
      const parsed = parseCallRequest(op, body, this.deps);
      const events = executeCallRequest(op, parsed, sessionId, this.log);
      this.reply(session, events);
      return responseXml(version, 1);
    } catch (err) {
      if (err instanceof RequestFault || err instanceof SessionRefused) return faultReply(version, err instanceof RequestFault ? 'Parsing error' : 'Subscription refused', err.message);
      throw err;
    }
  }

  /** QMI 4.1.1: Subscribe 1 (or absent, as in the seed's 3.2.1 example) subscribes, 0 unsubscribes. */
  private subscribe(version: SoapVersion, sessionId: string, body: XmlElement): SoapReply | string {
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
    return { body: eventTemplate(ev).render(sessionId), label: EVENT_NAME[ev.kind], headers: CALLBACK_HEADERS[ev.kind] };
  }

  private onEvent(e: DomainEvent): void {
    if (e.type !== 'call') return;
    const events = projectCallEvent(e as CallEvent & { at: number }, this.deps);
    if (events.length === 0 || this.sessions.count === 0) return;
    const seq = String(e.seq);
    for (const ev of events) {
      const t = eventTemplate(ev);
      const label = EVENT_NAME[ev.kind];
      const headers = { ...CALLBACK_HEADERS[ev.kind], [SEQ_HEADER]: seq };
      // QMI 2: "The QMS multicasts the call information events to all subscribed QMI sessions".
      for (const s of this.sessions.values()) this.sessions.send(s, { body: t.render(s.id), label, headers });
    }
  }
}

/** The toolkit's fault for an unreadable request, re-worded as QMI 1.2's; undefined when the payload is not one. */
function parsingFault(payload: string): string | undefined {
  try {
    const soap = parseSoap(payload);
    const fault = child(soap.body, 'Fault');
    if (!fault) return undefined;
    const reason = textOf(fault, 'faultstring') ?? textOf(child(fault, 'Reason'), 'Text') ?? 'Malformed request';
    return faultReply(soap.version, 'Parsing error', reason).body;
  } catch {
    return undefined;
  }
}

export const qmiInterface: InterfaceFactory = (ctx) => new QmiInterface(ctx);
