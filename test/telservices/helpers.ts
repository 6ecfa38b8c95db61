/**
 * A TelServices client for the tests, written against the seed rather than the project: raw TCP connections (one
 * request per connection), UDP event listeners, HTTP, and XML compared as text with the whitespace between elements
 * removed. The sockets, gateway and waits come from the shared test support (test/support); this module keeps the
 * names TelServices tests (and other suites) import.
 */
import type { Logger } from 'pino';
import { afterEach, expect } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { ManualClock } from '../../src/core/index.js';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { agentAction as apiAgentAction, allDelivered, quiesce, startGateway as startTestGateway, tcpExchange, udpListener as supportUdpListener, type UdpListener as SupportUdpListener } from '../support/index.js';

export { tcpExchange };

export interface TestGateway {
  gw: Gateway;
  clock: ManualClock;
  tsPort: number;
  httpUrl: string;
  close(): Promise<void>;
}

type Overrides = {
  telservices?: Partial<NonNullable<ConfigInput['telservices']>>;
  center?: Partial<NonNullable<ConfigInput['center']>>;
  http?: Partial<NonNullable<ConfigInput['http']>>;
};
export type StartOptions = Overrides & { fixture?: unknown; clock?: ManualClock; logger?: Logger };

/** The gateway the last startGateway() of this module built: settle() waits on its notifier. */
let latest: Gateway | undefined;

/** A listening gateway in virtual time (ManualClock), on free ports, TelServices only, times in UTC. */
export async function startGateway(o: StartOptions = {}): Promise<TestGateway> {
  const clock = o.clock ?? new ManualClock();
  const t = await startTestGateway({
    clock,
    interfaces: [telservicesInterface],
    ...(o.fixture !== undefined ? { fixture: o.fixture } : {}),
    ...(o.logger !== undefined ? { logger: o.logger } : {}),
    config: { http: { ...o.http }, telservices: { timeZone: 'UTC', ...o.telservices }, center: { ...o.center } },
  });
  latest = t.gw;
  return { gw: t.gw, clock, tsPort: t.ports.telservices, httpUrl: t.baseUrl, close: () => t.close() };
}

/** One TelServices request over TCP. */
export function ts(port: number, xml: string): Promise<string> {
  return tcpExchange(port, xml);
}

export function req(op: string, fields: Record<string, string> = {}): string {
  return `<TelServiceRequest><${op}>${Object.entries(fields).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</${op}></TelServiceRequest>`;
}

export const STANDARD = '<TelServiceReturn><result><standard/></result></TelServiceReturn>';
export const error = (code: string) => `<TelServiceReturn><error><${code}/></error></TelServiceReturn>`;

/** The text of the first element `name` in the XML (statistics counters and the like). */
export function field(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** Whitespace between elements removed: the seed's pretty-printed examples compare with compact output. */
export function compact(xml: string): string {
  return xml.replace(/>\s+</g, '><').trim();
}

export interface UdpListener extends SupportUdpListener {
  /** Events whose body holds `<call>`. */
  callEvents(): string[];
}

/** A TelServices event listener (test/support udpListener, plus the call events among what it received). */
export async function udpListener(): Promise<UdpListener> {
  const l = await supportUdpListener();
  return Object.assign(l, { callEvents: () => l.messages.filter((m) => m.includes('<call>')) });
}

/** A test file's gateway and UDP listeners, see useGateway. */
export interface GatewayUnderTest {
  /** Starts the current test's gateway; it is closed after the test. */
  startGateway(o?: StartOptions): Promise<TestGateway>;
  /** The current test's gateway (throws before startGateway). */
  gw(): TestGateway;
  /** One TelServices request over TCP to the current gateway. */
  send(xml: string): Promise<string>;
  /** Sends the request and expects the standard result. */
  ok(xml: string): Promise<void>;
  /** A UDP listener, closed after the test. */
  listener(): Promise<UdpListener>;
  /** Opens a session on the device with its events sent to a new listener; expects the standard result. */
  monitor(device: string, extra?: Record<string, string>): Promise<UdpListener>;
  /** An agent acting on its phone through the control API; expects 200. */
  agentAction(userId: string, action: string, number?: string): Promise<void>;
}

/**
 * Registers, in the calling test file, an afterEach that closes the test's gateway and then its UDP listeners, and
 * returns what the tests use to reach them.
 */
export function useGateway(): GatewayUnderTest {
  let g: TestGateway | undefined;
  const listeners: UdpListener[] = [];
  afterEach(async () => {
    await g?.close();
    g = undefined;
    for (const l of listeners.splice(0)) await l.close();
  });
  const gw = (): TestGateway => {
    if (!g) throw new Error('no gateway');
    return g;
  };
  const send = (xml: string) => ts(gw().tsPort, xml);
  const listener = async () => {
    const l = await udpListener();
    listeners.push(l);
    return l;
  };
  return {
    startGateway: async (o) => (g = await startGateway(o)),
    gw,
    send,
    ok: async (xml) => expect(await send(xml), xml).toBe(STANDARD),
    listener,
    async monitor(device, extra = {}) {
      const l = await listener();
      expect(await send(req('openSession', { deviceNumber: device, eventUDPPort: String(l.port), ...extra }))).toBe(STANDARD);
      return l;
    },
    async agentAction(userId, action, number) {
      await apiAgentAction(gw().httpUrl, userId, action, number);
    },
  };
}

/**
 * Every event datagram the latest gateway has queued is sent and read by its listeners (for "no more events"
 * checks): waits until no UDP subscriber has anything queued, then lets the event loop read what the kernel already
 * holds. No fixed delay; the argument of the former version is ignored.
 */
export async function settle(_ms?: number): Promise<void> {
  if (latest) await allDelivered(latest);
  else await quiesce(5);
}

/** The seed's pretty-printed event examples, split into compact single events. */
export function splitEvents(text: string): string[] {
  return compact(text)
    .split('</TelServiceEvent>')
    .filter((s) => s.trim() !== '')
    .map((s) => `${s}</TelServiceEvent>`);
}
