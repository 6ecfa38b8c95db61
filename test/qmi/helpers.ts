/**
 * Real-socket helpers for the QMI suite: a gateway on port 0, QM-tool callback receivers, raw SOAP requests. The
 * gateway, receivers, control API and waits come from the shared test support (test/support); this module keeps the
 * names QMI tests (and other suites) import.
 */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterEach } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../../src/gateway.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Clock } from '../../src/core/index.js';
import { qmiInterface } from '../../src/interfaces/qmi/index.js';
import { parseRtpHeader, type RtpPacketInfo } from '../../src/media/index.js';
import { child, parseXml, type XmlElement } from '../../src/xml/index.js';
import { api as supportApi, Barrier, startGateway as startTestGateway, startReceiver, WAIT_MS, type Receiver as HttpReceiver } from '../support/index.js';

export const QMI_NS = 'http://sap.com/bcm/qmi/qmi_schema';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const PATH = '/bcm/QMIInterface.asmx';
export const ACTION = '"http://sap.com/BCM/QMIInterface"';
export const EXTERNAL = '+35840111222';

export type QmiConfig = NonNullable<ConfigInput['qmi']>;

/** Delivery settings of the QMI suite: short retries, so a refused callback is retried in milliseconds. */
export const QMI_NOTIFY: NonNullable<ConfigInput['notify']> = { retryBaseMs: 20, retryMaxMs: 80, cancelAfterFailures: 3, cancelAfterMs: 60_000, connectTimeoutMs: 500, attemptTimeoutMs: 1000 };

/**
 * A gateway with QMI only, on free ports (test/support startGateway); `clock` runs the core in virtual time (the
 * sockets stay real). An override section replaces the default one, as before; close() also removes its data.
 */
export async function startGateway(overrides: Partial<ConfigInput> = {}, clock?: Clock): Promise<Gateway> {
  const t = await startTestGateway({ interfaces: [qmiInterface], ...(clock ? { clock } : {}), config: { notify: QMI_NOTIFY, ...overrides } });
  return Object.create(t.gw, { close: { value: t.close } }) as Gateway;
}

/** One event as a QM tool sees it: the body element, the session header and the parameters, nil as null. */
export interface ReceivedEvent {
  name: string;
  sessId: string | undefined;
  fields: Record<string, string | null>;
  headers: IncomingHttpHeaders;
  raw: string;
}

function fieldsOf(el: XmlElement | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const c of el?.children ?? []) {
    if (c.children.length > 0) Object.assign(out, fieldsOf(c));
    else out[c.name] = c.attributes['nil'] === 'true' ? null : c.text.trim();
  }
  return out;
}

export function parseEvent(raw: string, headers: IncomingHttpHeaders = {}): ReceivedEvent {
  const env = parseXml(raw);
  const body = child(env, 'Body');
  const ev = body?.children[0];
  return { name: ev?.name ?? '', sessId: child(child(env, 'Header'), 'QMISessID')?.text, fields: fieldsOf(ev), headers, raw };
}

export const SUCCESS_ANSWER =
  '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:qmi="http://sap.com/bcm/qmi/qmi_schema">' +
  '<soapenv:Body><qmi:Response><qmi:Success>1</qmi:Success></qmi:Response></soapenv:Body></soapenv:Envelope>';

/** The body element of a SOAP message as a document of its own, declaring the namespaces it uses. */
export function bodyDocument(raw: string): string {
  const body = /<(?:\w+:)?Body>([\s\S]*)<\/(?:\w+:)?Body>/.exec(raw)?.[1]?.trim() ?? '';
  return body.replace(/^<qmi:([\w.]+)/, `<qmi:$1 xmlns:qmi="${QMI_NS}" xmlns:xsi="${XSI}"`);
}

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const XMLLINT = hasXmllint();
if (!XMLLINT) console.warn('xmllint not found: schema checks skipped (apt-get install -y libxml2-utils)');

/**
 * Validates documents (body elements, see bodyDocument) against the XSD embedded in `wsdl` with xmllint; returns
 * xmllint's complaints ('' when every document is valid). Throws when xmllint itself fails to run.
 */
export function xsdComplaints(wsdl: string, documents: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'qmi-xsd-'));
  const schema = /<xs:schema[\s\S]*<\/xs:schema>/.exec(wsdl)?.[0] ?? '';
  writeFileSync(join(dir, 'qmi.xsd'), `<?xml version="1.0" encoding="UTF-8"?>\n${schema}\n`);
  const files = documents.map((doc, i) => {
    const file = join(dir, `doc-${i}.xml`);
    writeFileSync(file, doc);
    return file;
  });
  try {
    return execFileSync('xmllint', ['--noout', '--schema', join(dir, 'qmi.xsd'), ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').filter((l) => !l.endsWith(' validates')).join('\n');
  }
}

/** A QM tool's callback web service: what it accepted, parsed (a refused delivery is retried by the gateway). */
export class Receiver {
  readonly events: ReceivedEvent[] = [];
  /** Answer to give; a function may vary it per request. */
  answer: (raw: string) => { status: number; body: string } = () => ({ status: 200, body: SUCCESS_ANSWER });
  private rx: HttpReceiver | undefined;
  port = 0;

  async start(): Promise<this> {
    this.rx = await startReceiver(
      (r, res) => {
        const a = this.answer(r.body);
        // Only what the tool accepted counts as received.
        if (a.status < 300 && !/Fault|Successs?>0/.test(a.body)) this.events.push(parseEvent(r.body, r.headers));
        res.writeHead(a.status, { 'content-type': 'text/xml; charset=utf-8' }).end(a.body);
      },
      0,
      '/qm/events',
    );
    this.port = this.rx.port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/qm/events`;
  }

  async stop(): Promise<void> {
    await this.rx?.close();
  }

  /** Resolves with the first `count` events matching, in arrival order. */
  waitFor(match: (e: ReceivedEvent) => boolean, count = 1, timeoutMs = WAIT_MS): Promise<ReceivedEvent[]> {
    if (!this.rx) throw new Error('receiver not started');
    return this.rx.barrier.until(
      () => {
        const hits = this.events.filter(match);
        return hits.length >= count ? hits.slice(0, count) : undefined;
      },
      `${count} event(s)`,
      timeoutMs,
      () => this.events.map((e) => e.name).join(', '),
    );
  }

  /** The RequestResponse for `request` (and CallID, if given), waiting for it. */
  async response(request: string, callId?: string): Promise<Record<string, string | null>> {
    const [e] = await this.waitFor((x) => x.name === 'QMIRequestResponseEvent' && x.fields.Request === request && (callId === undefined || x.fields.CallID === callId));
    return e?.fields ?? {};
  }

  clear(): void {
    this.events.length = 0;
  }

  /** Call events only (not request answers), as name@CallID strings. */
  callEvents(): ReceivedEvent[] {
    return this.events.filter((e) => e.name !== 'QMIRequestResponseEvent' && e.name !== 'QMICallInfoEvent');
  }
}

export function envelope(sessionId: string | undefined, body: string): string {
  const header = sessionId === undefined ? '' : `<soapenv:Header><qmi:QMISessID>${sessionId}</qmi:QMISessID></soapenv:Header>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:xsi="${XSI}" xmlns:qmi="${QMI_NS}">${header}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

export interface SoapAnswer {
  status: number;
  text: string;
  /** Response/Success (or Successs) value, if any. */
  success: string | undefined;
  faultstring: string | undefined;
  faultcode: string | undefined;
  detail: string | undefined;
}

/** Reads an answer of either SOAP version: 1.2's Code/Value, Reason/Text and Detail fill the 1.1 names. */
export function readAnswer(status: number, text: string): SoapAnswer {
  const env = parseXml(text);
  const body = child(env, 'Body');
  const fault = child(body, 'Fault');
  return {
    status,
    text,
    success: child(child(body, 'Response'), 'Success', 'Successs')?.text,
    faultstring: (child(fault, 'faultstring') ?? child(child(fault, 'Reason'), 'Text'))?.text,
    faultcode: (child(fault, 'faultcode') ?? child(child(fault, 'Code'), 'Value'))?.text,
    detail: child(child(fault, 'detail', 'Detail'), 'ErrorPhrase')?.text,
  };
}

export async function post(gw: Gateway, xml: string | Buffer, headers: Record<string, string> = { soapaction: ACTION }, path = PATH): Promise<SoapAnswer> {
  const res = await fetch(`${gw.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body: xml });
  return readAnswer(res.status, await res.text());
}

export const req = {
  subscribe: (sess: string, url: string, flag: 0 | 1 = 1) =>
    envelope(sess, `<qmi:QMISubscribeSessionRequest><qmi:SessionParams><qmi:CallbackUrl>${url}</qmi:CallbackUrl><qmi:Subscribe>${flag}</qmi:Subscribe></qmi:SessionParams></qmi:QMISubscribeSessionRequest>`),
  call: (op: string, sess: string, callId: string) => envelope(sess, `<qmi:${op}Request><qmi:CallID>${callId}</qmi:CallID></qmi:${op}Request>`),
  monitor: (sess: string, callId: string, ip: string, port: number) =>
    envelope(sess, `<qmi:QMICallMonitoringStartRequest><qmi:MonitoringParams><qmi:CallID>${callId}</qmi:CallID><qmi:IP>${ip}</qmi:IP><qmi:Port>${port}</qmi:Port></qmi:MonitoringParams></qmi:QMICallMonitoringStartRequest>`),
  monitorEx: (sess: string, callId: string, separate: 0 | 1 | undefined, a: [string, number], b?: [string, number]) =>
    envelope(
      sess,
      `<qmi:QMICallMonitoringStartRequestEx><qmi:MonitoringParamsEx><qmi:CallID>${callId}</qmi:CallID>` +
        (separate === undefined ? '' : `<qmi:SeparateStreams>${separate}</qmi:SeparateStreams>`) +
        `<qmi:IP>${a[0]}</qmi:IP><qmi:Port>${a[1]}</qmi:Port>` +
        (b ? `<qmi:BPartyIP>${b[0]}</qmi:BPartyIP><qmi:BPartyPort>${b[1]}</qmi:BPartyPort>` : '') +
        `</qmi:MonitoringParamsEx></qmi:QMICallMonitoringStartRequestEx>`,
    ),
};

/** Subscribes a session to a fresh receiver and waits for the subscription's QMIRequestResponse. */
export async function subscribed(gw: Gateway, sess: string): Promise<Receiver> {
  const r = await new Receiver().start();
  const a = await post(gw, req.subscribe(sess, r.url));
  if (a.success !== '1') throw new Error(`subscribe failed: ${a.text}`);
  await r.response('QMISubscribeSession');
  r.clear();
  return r;
}

/** A gateway and a QM tool for each test of the calling file, both closed after it. */
export function perTest(): { gw?: Gateway; tool?: Receiver } {
  const t: { gw?: Gateway; tool?: Receiver } = {};
  afterEach(async () => {
    await t.gw?.close();
    await t.tool?.stop();
    delete t.gw;
    delete t.tool;
  });
  return t;
}

/** The QMI sessions `/api/v1/state` lists. */
export async function qmiSessions(gw: Gateway): Promise<unknown[]> {
  return ((await api(gw, 'GET', '/api/v1/state')).interfaces as { qmi: { sessions: unknown[] } }).qmi.sessions;
}

/** The control API over HTTP, as the world outside the QM tool drives calls (test/support api). */
export function api(gw: Gateway, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return supportApi(gw.baseUrl, method, path, body);
}

export const agentAction = (gw: Gateway, userId: string, action: string, number?: string) =>
  api(gw, 'POST', `/api/v1/agents/${userId}/actions`, number === undefined ? { action } : { action, number });

/** An external caller rings an agent's extension and the agent answers: the call is established (QMI 7.1 step 1). */
export async function establishedCall(gw: Gateway, ext = '1101', userId = 'HARRI'): Promise<string> {
  const { callId } = (await api(gw, 'POST', '/api/v1/calls', { from: EXTERNAL, to: ext })) as { callId: string };
  await agentAction(gw, userId, 'answer');
  return callId;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A monitoring tool's RTP port: a real UDP socket recording every datagram with its arrival time. */
export class RtpListener {
  readonly packets: { info: RtpPacketInfo; at: number }[] = [];
  readonly junk: Buffer[] = [];
  port = 0;
  private socket = createSocket('udp4');
  private readonly barrier = new Barrier();

  async start(): Promise<this> {
    this.socket.on('message', (msg: Buffer) => {
      const info = parseRtpHeader(msg);
      if (info) this.packets.push({ info, at: performance.now() });
      else this.junk.push(msg);
      this.barrier.notify();
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    this.port = (this.socket.address() as AddressInfo).port;
    return this;
  }

  since(t: number): RtpPacketInfo[] {
    return this.packets.filter((p) => p.at >= t).map((p) => p.info);
  }

  /** Resolves with the packets since `t` once there are at least `count` (a count to wait for, not a rate). */
  waitFor(count: number, t = 0): Promise<RtpPacketInfo[]> {
    return this.barrier.until(() => {
      const got = this.since(t);
      return got.length >= count ? got : undefined;
    }, `${count} RTP packet(s)`, WAIT_MS, () => `${this.since(t).length} packet(s)`);
  }

  between(from: number, to: number): RtpPacketInfo[] {
    return this.packets.filter((p) => p.at >= from && p.at < to).map((p) => p.info);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.socket.close(() => r()));
  }
}

/** RFC 3550 checks on one stream: version 2, PCMU, 160-octet payloads, one SSRC, sequence +1, timestamp +160·k. */
export function expectValidStream(pkts: RtpPacketInfo[]): void {
  const ssrc = pkts[0]?.ssrc;
  pkts.forEach((p, i) => {
    if (p.version !== 2 || p.payloadType !== 0 || p.payload.length !== 160 || p.ssrc !== ssrc) throw new Error(`bad RTP packet ${i}: ${JSON.stringify({ ...p, payload: p.payload.length })}`);
    const prev = pkts[i - 1];
    if (!prev) return;
    if (p.sequence !== ((prev.sequence + 1) & 0xffff)) throw new Error(`sequence gap at ${i}: ${prev.sequence} → ${p.sequence}`);
    // RFC 3550 5.1: the timestamp is the sampling instant. After a stall (a loaded machine) the sender skips the late
    // frames (src/media/rtp.ts), so the step is a whole number of 160-sample frames, never zero or a fraction.
    const step = (p.timestamp - prev.timestamp + 2 ** 32) % 2 ** 32;
    if (!p.marker && (step === 0 || step % 160 !== 0)) throw new Error(`timestamp step at ${i}: ${prev.timestamp} → ${p.timestamp}`);
  });
}

/** Goertzel power of one frequency: tells which party a stream carries (shared with the media suite). */
export { tonePower } from '../media/helpers.js';
