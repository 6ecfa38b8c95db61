/**
 * Shared by the ICI contract tests (golden cases, standard clients) and bench/ici.ts: a gateway on free ports, the
 * SOAPActions of seed 7.1, raw ICI requests, and which standard SOAP tools this machine has.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gateway } from '../../src/gateway.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { mergeConfig, startGateway } from '../support/index.js';
import type { TestContext } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Clock } from '../../src/core/index.js';

/** The one endpoint SAP CRM's RFC destination points at (seed 7.1). */
export const OII_PATH = '/OII/OII.asmx';
/** The beans of issue 9, in the order the seed documents them. */
export const ISSUE9_BEANS = ['System', 'User', 'Item', 'Container', 'PhoneLine', 'PhoneCall'] as const;
export const ALL_BEANS = [...ISSUE9_BEANS, 'Folder', 'Message', 'ChatLine', 'ChatSession', 'ActionItem', 'Monitor'] as const;
export type BeanName = (typeof ALL_BEANS)[number];

/** Seed 7.1: the SOAPAction that routes a request to bean `name`. */
export function soapAction(bean: BeanName): string {
  return `http://inqmy.com/soapdispatcher/rpc/bcbici/Ici${bean}Bean`;
}
export function beanNamespace(bean: BeanName): string {
  return `urn:Ici${bean}Interface`;
}
export function beanPath(bean: BeanName): string {
  return `/OII/Ici${bean}Service.asmx`;
}

/** The golden cases' contact center: the default one with HARRI at extension 129 and MAIJA at 130 (the seed's lines). */
// From the project root, not this file: `npm run bench -- ici` runs this module compiled, from dist/.
export const GOLDEN_FIXTURE = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test', 'golden', 'ici', 'fixture.json'), 'utf8')) as unknown;

export interface IciGatewayOptions {
  config?: ConfigInput;
  fixture?: unknown;
  clock?: Clock;
}

/** A listening gateway with every default interface, on free ports, logging nothing. */
export async function startIciGateway(o: IciGatewayOptions = {}): Promise<Gateway> {
  const { gw } = await startGateway({
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.fixture !== undefined ? { fixture: o.fixture } : {}),
    config: mergeConfig<ConfigInput>({ center: { seed: 9 }, notify: { retryBaseMs: 20, retryMaxMs: 80, connectTimeoutMs: 1000, attemptTimeoutMs: 5000 } }, o.config ?? {}),
  });
  return gw;
}

/** A SOAP 1.1 envelope around `body` (an operation element), with the seed's headers when `headers` is set. */
export function envelope11(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export interface IciAnswer {
  status: number;
  text: string;
  contentType: string;
}

/** Posts a SOAP 1.1 request for `bean` to /OII/OII.asmx with the bean's SOAPAction (quoted, as CRM sends it). */
export async function iciPost(baseUrl: string, bean: BeanName, xml: string): Promise<IciAnswer> {
  const res = await fetch(`${baseUrl}${OII_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction(bean)}"` },
    body: xml.includes('Envelope') ? xml : envelope11(xml),
  });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** Waits until every subscriber's queue is empty: every event the request caused has been answered by its receiver. */
export async function eventsSettled(gw: Gateway): Promise<void> {
  if (!(await gw.ctx.notifier.drain(15_000))) throw new Error('events still queued after 15 s (a receiver did not answer)');
}

function runs(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The standard SOAP tools on this machine (Debian packages, installed by .ci/run): python3-zeep (Debian's python3,
 * not a virtualenv's), php-cli with php-soap, gsoap (wsdl2h, soapcpp2, libgsoap-dev) with g++, and xmllint.
 */
export const TOOLS = {
  python: '/usr/bin/python3',
  zeep: runs('/usr/bin/python3', ['-c', 'import zeep']),
  php: runs('php', ['-r', 'exit(class_exists("SoapClient") ? 0 : 1);']),
  gsoap: (runs('wsdl2h', ['-V']) || runs('soapcpp2', ['-V'])) && existsSync('/usr/include/stdsoap2.h') && runs('g++', ['--version']),
  xmllint: runs('xmllint', ['--version']),
};

/** The Debian packages that provide each tool (what .ci/run installs when it is missing). */
const PACKAGES: Record<Exclude<keyof typeof TOOLS, 'python'>, string> = {
  zeep: 'python3-zeep',
  php: 'php-cli and php-soap',
  gsoap: 'gsoap, libgsoap-dev and g++',
  xmllint: 'libxml2-utils',
};

/**
 * Skips the running test, naming the missing Debian packages, when one of `tools` is not installed on this machine,
 * and only then: an installed tool that fails fails the test.
 */
export function needs(test: TestContext, ...tools: (keyof typeof PACKAGES)[]): void {
  const missing = tools.filter((t) => !TOOLS[t]).map((t) => PACKAGES[t]);
  if (missing.length > 0) test.skip(`not installed here: ${missing.join('; ')} (Debian packages; .ci/run installs them)`);
}
