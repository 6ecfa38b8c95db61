/** Real-socket helpers for the Open Media suite: a gateway on free ports, raw SOAP requests, answers read back. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Clock } from '../../src/core/index.js';
import { openmediaInterface } from '../../src/interfaces/openmedia/index.js';
import type { InterfaceFactory } from '../../src/interfaces/types.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';
import { child, parseXml, type XmlElement } from '../../src/xml/index.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
/** The real service's WSDL (test data, see contract/README.md). */
export const REAL_WSDL = join(HERE, 'contract', 'OpenMediaService.wsdl');
export const TEMPURI = 'http://tempuri.org/';
export const DC = 'http://schemas.datacontract.org/2004/07/Solidus.OpenMedia.Contracts.DataContracts';
export const ACTION = (op: string): string => `"http://tempuri.org/IOpenMediaService/${op}"`;

/**
 * A gateway with Open Media (and any other interfaces asked for) on free ports; `clock` runs the core in virtual time;
 * `logger` receives its log (default: silent).
 */
export async function startGateway(overrides: Partial<ConfigInput> = {}, clock?: Clock, interfaces: InterfaceFactory[] = [openmediaInterface], fixture?: unknown, logger?: Logger): Promise<Gateway> {
  const { openmedia, ...rest } = overrides;
  const gw = await buildGateway({
    env: {},
    ...(clock ? { clock } : {}),
    ...(fixture === undefined ? {} : { fixture }),
    ...(logger === undefined ? {} : { logger }),
    config: {
      logLevel: 'silent',
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'ccgate-om-')),
      http: { port: 0 },
      telservices: { port: 0 },
      ciscoqm: { desktopPort: 0, networkPort: 0 },
      center: { seed: 7, externalAnswerMs: -1 },
      openmedia: { port: 0, ...openmedia },
      ...rest,
    },
    interfaces,
  });
  await gw.listen();
  return gw;
}

/** The default center with a second service group, 11 "Escalations" (tenant 1), served by ANNA. */
export function twoGroupCenter(): unknown {
  const f = JSON.parse(readFileSync(DEFAULT_CENTER_FIXTURE, 'utf8')) as { queues: unknown[]; agents: { userId: string; queues: string[] }[] };
  f.queues.push({ id: '11', name: 'Escalations', channel: 'openmedia', address: '11', tenantId: 1 });
  f.agents.find((a) => a.userId === 'ANNA')?.queues.push('11');
  return f;
}

/** http://127.0.0.1:<Open Media's own port>/OpenMediaService */
export function endpoint(gw: Gateway): string {
  return `http://127.0.0.1:${gw.ctx.ports.openMedia}/OpenMediaService`;
}

export function envelope(body: string, header = ''): string {
  return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`;
}

export interface SoapAnswer {
  status: number;
  text: string;
  /** The Body's first child. */
  body: XmlElement | undefined;
  /** Fault detail element name, when a fault. */
  fault?: { code: string; reason: string; detail?: string };
}

export async function soap(url: string, op: string, body: string, opts: { header?: string; action?: string | null; contentType?: string } = {}): Promise<SoapAnswer> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'text/xml; charset=utf-8' };
  if (opts.action !== null) headers['soapaction'] = opts.action ?? ACTION(op);
  const r = await fetch(url, { method: 'POST', headers, body: envelope(body, opts.header) });
  const text = await r.text();
  const env = text ? parseXml(text) : undefined;
  const first = child(env, 'Body')?.children[0];
  const answer: SoapAnswer = { status: r.status, text, body: first };
  if (first?.name === 'Fault') {
    const detail = child(first, 'detail')?.children[0]?.name;
    answer.fault = { code: child(first, 'faultcode')?.text ?? '', reason: child(first, 'faultstring')?.text ?? '', ...(detail ? { detail } : {}) };
  }
  return answer;
}

/** The `<Op>Result` element's members as name → text (nested: the element). */
export function result(a: SoapAnswer): XmlElement | undefined {
  return a.body?.children[0];
}

export function field(el: XmlElement | undefined, name: string): string | undefined {
  return child(el, name)?.text;
}

/** An AddRequest wrapper as a WCF or .NET proxy writes it: `request`, members in the data contract namespace. */
export function addRequestXml(members: string): string {
  return `<AddRequest xmlns="${TEMPURI}"><request xmlns:a="${DC}">${members}</request></AddRequest>`;
}

export const ivr = (label: string, data: string): string => `<a:IVRInfo><a:IVRInformation><a:Data>${data}</a:Data><a:Label>${label}</a:Label></a:IVRInformation></a:IVRInfo>`;

/** The OpenMediaRequest items of a GetOpenMediaResponse, as plain records. */
export function statusItems(a: SoapAnswer): Record<string, string>[] {
  const list = child(result(a), 'OpenMediaRequests');
  return (list?.children ?? []).map((r) => Object.fromEntries(r.children.map((c) => [c.name, c.text])));
}

export async function api(gw: Gateway, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${gw.baseUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
