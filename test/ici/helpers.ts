/**
 * ICI test support: a gateway on free ports, SOAP requests as SAP CRM sends them, and a CRM event receiver (its
 * IciEvent service) that records every event and lets a test wait for one without sleeping.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { Logger } from 'pino';
import type { Gateway } from '../../src/gateway.js';
import { mergeConfig, startGateway as startTestGateway } from '../support/index.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Clock } from '../../src/core/index.js';
import { iciInterface } from '../../src/interfaces/ici/index.js';
import type { InterfaceFactory } from '../../src/interfaces/types.js';
import { child, children, parseXml, type XmlElement } from '../../src/xml/index.js';

export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
export const EXTERNAL = '+35840111222';
export const action = (bean: string): string => `"http://inqmy.com/soapdispatcher/rpc/bcbici/${bean}Bean"`;

export type IciConfig = NonNullable<ConfigInput['ici']>;

export interface StartOptions {
  ici?: Partial<IciConfig>;
  config?: Partial<ConfigInput>;
  clock?: Clock;
  interfaces?: InterfaceFactory[];
  logger?: Logger;
  fixture?: unknown;
}

/** A listening gateway (ICI only unless told), virtual time when `clock` is given. */
export async function startGateway(o: StartOptions = {}): Promise<Gateway> {
  const { gw } = await startTestGateway({
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.fixture !== undefined ? { fixture: o.fixture } : {}),
    interfaces: o.interfaces ?? [iciInterface],
    config: mergeConfig(ICI_TEST_CONFIG, { ...o.config, ici: { ...o.ici } }),
  });
  return gw;
}

/** What ICI's tests add to the shared test settings: their own routing seed, fast retries, a quick give-up. */
const ICI_TEST_CONFIG: ConfigInput = {
  center: { seed: 9 },
  notify: { retryBaseMs: 10, retryMaxMs: 40, cancelAfterFailures: 3, cancelAfterMs: 60_000, connectTimeoutMs: 1000, attemptTimeoutMs: 5000 },
};

/** A SOAP 1.1 envelope as the seed's examples write them (headers optional: a real CRM sends none). */
export function envelope(body: string, header = ''): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="${SOAP11}">` +
    `${header === '' ? '' : `<soap:Header>${header}</soap:Header>`}<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

export interface IciAnswer {
  status: number;
  text: string;
  contentType: string;
  /** The Body's first child. */
  body: XmlElement | undefined;
  /** `response` of an operation's answer. */
  response: XmlElement | undefined;
  fault?: { code: string; string: string; area: number; error: number; text: string; retry: boolean };
}

export function readAnswer(status: number, text: string, contentType = ''): IciAnswer {
  const env = parseXml(text);
  const body = child(child(env, 'Body'), 'Fault') ?? child(env, 'Body')?.children[0];
  const out: IciAnswer = { status, text, contentType, body, response: child(body, 'response') };
  if (body?.name === 'Fault') {
    const codes = child(child(body, 'detail', 'Detail'), 'IciErrorCodes');
    const t = (n: string) => child(codes, n)?.text.trim() ?? '';
    out.fault = {
      code: child(body, 'faultcode')?.text.trim() ?? child(child(body, 'Code'), 'Value')?.text.trim() ?? '',
      string: child(body, 'faultstring')?.text ?? child(child(body, 'Reason'), 'Text')?.text ?? '',
      area: Number(t('areaCode')),
      error: Number(t('errorCode')),
      text: t('errorText'),
      retry: t('errorRetry') === 'true',
    };
  }
  return out;
}

/** POSTs `xml` (a whole envelope) with a SOAPAction naming `bean` (null: none) to OII.asmx or `path`. */
export async function post(gw: Gateway, bean: string | null, xml: string, opts: { path?: string; headers?: Record<string, string> } = {}): Promise<IciAnswer> {
  const headers: Record<string, string> = { 'content-type': 'text/xml;charset=UTF-8', ...(bean === null ? {} : { soapaction: action(bean) }), ...opts.headers };
  const res = await fetch(`${gw.baseUrl}${opts.path ?? '/OII/OII.asmx'}`, { method: 'POST', headers, body: xml });
  return readAnswer(res.status, await res.text(), res.headers.get('content-type') ?? '');
}

/** One operation: `<op xmlns="urn:<bean>Interface">fields</op>` through OII.asmx; throws on a fault unless `fault`. */
export async function ici(gw: Gateway, bean: string, op: string, fields = '', o: { fault?: boolean } = {}): Promise<IciAnswer> {
  const a = await post(gw, bean, envelope(`<${op} xmlns="urn:${bean}Interface">${fields}</${op}>`));
  if (a.fault && !o.fault) throw new Error(`${bean}.${op} answered a fault: ${a.fault.area}/${a.fault.error} ${a.fault.text || a.fault.string}`);
  return a;
}

/** `<name>value</name>` for each entry. */
export function fields(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => `<${k}>${String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`)
    .join('');
}

/** A leaf's text under `el`, by path. */
export function text(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = child(cur, p);
  return cur?.text.trim();
}

export function items(el: XmlElement | undefined, ...path: string[]): XmlElement[] {
  let cur = el;
  for (const p of path) cur = child(cur, p);
  return children(cur, 'item');
}

/** One event as CRM receives it. */
export interface CrmEvent {
  name: string;
  appIds: string[];
  el: XmlElement;
  raw: string;
  headers: IncomingHttpHeaders;
  path: string;
}

export interface PhoneCallSeen {
  line: string;
  handle: string;
  status: number;
  statusText: string;
  processing: number;
  caps: number[];
  remote: string[];
  dialed: string;
  inbound: string;
  internal: string;
  attached: string;
}

/** The phoneCall of a phoneCallChanged (or a PhoneCall element of an answer). */
export function phoneCall(el: XmlElement | undefined): PhoneCallSeen {
  const pc = child(el, 'phoneCall') ?? el;
  return {
    line: text(pc, 'lineNumber') ?? '',
    handle: text(pc, 'callHandle') ?? '',
    status: Number(text(pc, 'callStatus', 'id')),
    statusText: text(pc, 'callStatus', 'description') ?? '',
    processing: Number(text(pc, 'processingStatus', 'id')),
    caps: items(pc, 'capabilityList').map((i) => Number(i.text)),
    remote: items(pc, 'remoteNumbers').map((i) => i.text.trim()),
    dialed: text(pc, 'dialedNumber') ?? '',
    inbound: text(pc, 'inbound') ?? '',
    internal: text(pc, 'internal') ?? '',
    attached: child(pc, 'attachedData')?.text ?? '',
  };
}

const VOID_ANSWER = (name: string) => envelope(`<${name}Response xmlns="urn:IciEventInterface"><response /></${name}Response>`);

/** A CRM's IciEvent service: answers every event as §9.3 does unless `answer` says otherwise. */
export class Crm {
  readonly events: CrmEvent[] = [];
  /** Requests received, answered or not (retries included). */
  received = 0;
  answer: (ev: CrmEvent) => { status: number; body: string } | Promise<{ status: number; body: string }> = (ev) => ({ status: 200, body: VOID_ANSWER(ev.name) });
  private server: Server | undefined;
  private waiters: (() => void)[] = [];
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const env = parseXml(raw);
        const el = child(env, 'Body')?.children[0] as XmlElement;
        const ev: CrmEvent = { name: el?.name ?? '', appIds: items(el, 'appIds').map((i) => i.text.trim()), el, raw, headers: req.headers, path: req.url ?? '' };
        this.received += 1;
        void Promise.resolve(this.answer(ev)).then((a) => {
          if (a.status < 300 && !a.body.includes('Fault')) {
            this.events.push(ev);
            for (const w of this.waiters.splice(0)) w();
          }
          res.writeHead(a.status, { 'content-type': 'text/xml; charset=utf-8' }).end(a.body);
        });
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The seed's appUrl form (§9.2.6.2), at this receiver. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/IciEventService/IciEventConf?style=document`;
  }

  /** Resolves with the events (from the start) matching `pred` once there are `count` of them. */
  async waitFor(pred: (e: CrmEvent) => boolean, count = 1): Promise<CrmEvent[]> {
    for (;;) {
      const got = this.events.filter(pred);
      if (got.length >= count) return got;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** The phone calls seen so far for a handle, in order. */
  calls(handle?: string): PhoneCallSeen[] {
    return this.events.filter((e) => e.name === 'phoneCallChanged').map((e) => phoneCall(e.el)).filter((p) => handle === undefined || p.handle === handle);
  }

  /** Waits for the `n`th phoneCallChanged (1-based) of a handle, optionally with a given status. */
  async call(handle: string, status?: number): Promise<PhoneCallSeen> {
    const [e] = (await this.waitFor((ev) => ev.name === 'phoneCallChanged' && phoneCall(ev.el).handle === handle && (status === undefined || phoneCall(ev.el).status === status))).slice(-1);
    return phoneCall(e?.el);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Per-test gateway and CRMs, closed after each test. */
export function perTest(): { gw?: Gateway; crms: Crm[] } {
  const state: { gw?: Gateway; crms: Crm[] } = { crms: [] };
  afterEach(async () => {
    await state.gw?.close();
    for (const c of state.crms.splice(0)) await c.stop();
    delete state.gw;
  });
  return state;
}

export async function crm(state: { crms: Crm[] }): Promise<Crm> {
  const c = await new Crm().start();
  state.crms.push(c);
  return c;
}

/** IciUser.subscribe only (userChanged) for `userId` at the CRM. */
export async function subscribeUserOnly(gw: Gateway, c: Crm, userId: string, appId = '1cb65470-a2c1-11da-aa97-001143dc2e6e'): Promise<void> {
  await ici(gw, 'IciUser', 'subscribe', `<appUrl xmlns="">${c.url}</appUrl><appId xmlns="">${appId}</appId><userId xmlns="">${userId}</userId>`);
}

/**
 * `userId` subscribed at the CRM as IC WebClient does it: IciUser.subscribe (userChanged) and IciContainer.subscribe of
 * the user's phone line (phoneCallChanged, containerChanged), one appId at one appUrl.
 */
export async function subscribeUser(gw: Gateway, c: Crm, userId: string, appId = '1cb65470-a2c1-11da-aa97-001143dc2e6e'): Promise<void> {
  await subscribeUserOnly(gw, c, userId, appId);
  const line = gw.center.findAgent(userId)?.extension ?? '';
  await ici(gw, 'IciContainer', 'subscribe', `<appUrl xmlns="">${c.url}</appUrl><appId xmlns="">${appId}</appId><channelType xmlns="">1</channelType><containerId xmlns="">+${line}</containerId>`);
}

export async function api(gw: Gateway, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${gw.baseUrl}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const t = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${t}`);
  return t === '' ? {} : (JSON.parse(t) as Record<string, unknown>);
}

/** A customer calls a queue (caller-chosen GUID); returns the call handle. */
/** A gateway (in `t`) with HARRI subscribed at a CRM and the queue call of `inboundCall` alerting on his line (+1101). */
export async function alertingCall(t: { gw?: Gateway; crms: Crm[] }): Promise<{ gw: Gateway; c: Crm; handle: string }> {
  t.gw = await startGateway();
  const gw = t.gw;
  const c = await crm(t);
  await subscribeUser(gw, c, 'HARRI');
  const handle = await inboundCall(gw);
  await c.call(handle, 3);
  return { gw, c, handle };
}

export async function inboundCall(gw: Gateway, to = '2001', callId = 'a163fdac-ee7a-476b-ab59-e15c81b6d4f2', from = EXTERNAL): Promise<string> {
  await api(gw, 'POST', '/api/v1/calls', { from, to, callId });
  return callId.replace(/-/g, '').toUpperCase();
}

/** Every other agent not ready, so queue calls go to `userId`. */
export async function onlyReady(gw: Gateway, userId: string): Promise<void> {
  for (const other of ['HARRI', 'MAIJA', 'PEKKA', 'ANNA']) {
    if (other !== userId) await api(gw, 'PUT', `/api/v1/agents/${other}/state`, { state: 'notReady' });
  }
}

/**
 * Waits until every event the CRM's URL had queued before now has arrived: a userChanged it triggers (workmode 3, then
 * back to 2) comes after them, since events to one URL go in order.
 */
export async function drained(gw: Gateway, c: Crm, userId: string): Promise<void> {
  const before = c.events.filter((e) => e.name === 'userChanged').length;
  await ici(gw, 'IciUser', 'setCurrentWorkmode', `<userId>${userId}</userId><workmode>3</workmode>`);
  await ici(gw, 'IciUser', 'setCurrentWorkmode', `<userId>${userId}</userId><workmode>2</workmode>`);
  await c.waitFor((e) => e.name === 'userChanged', before + 2);
}
