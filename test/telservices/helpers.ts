/**
 * A TelServices client for the tests, written against the seed rather than the project: raw node:net connections
 * (one request per connection), node:dgram event listeners, undici for HTTP, and XML compared as text with the
 * whitespace between elements removed. Only the gateway factory comes from src/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect } from 'node:net';
import { request } from 'undici';
import type { Logger } from 'pino';
import { afterEach, expect } from 'vitest';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import { ManualClock } from '../../src/core/index.js';
import { telservicesInterface } from '../../src/interfaces/telservices/index.js';
import type { ConfigInput } from '../../src/config/schema.js';

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

/** A listening gateway in virtual time (ManualClock), on free ports, TelServices only. */
export async function startGateway(o: StartOptions = {}): Promise<TestGateway> {
  const clock = o.clock ?? new ManualClock();
  const gw = await buildGateway({
    env: {},
    clock,
    ...(o.fixture !== undefined ? { fixture: o.fixture } : {}),
    ...(o.logger !== undefined ? { logger: o.logger } : {}),
    config: {
      host: '127.0.0.1',
      logLevel: 'silent',
      dataDir: mkdtempSync(join(tmpdir(), 'ccgate-test-')),
      http: { port: 0, ...o.http },
      telservices: { port: 0, timeZone: 'UTC', ...o.telservices },
      ciscoqm: { desktopPort: 0, networkPort: 0 },
      center: { seed: 7, externalAnswerMs: -1, ...o.center },
    },
    interfaces: [telservicesInterface],
  });
  const ports = await gw.listen();
  return { gw, clock, tsPort: ports.telservices, httpUrl: gw.baseUrl, close: () => gw.close() };
}

/** Sends raw bytes on a new TCP connection and resolves with everything received until the server closes. */
export function tcpExchange(port: number, data: string | Buffer | (string | Buffer)[], opts: { endAfterWrite?: boolean; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close from the server within ${opts.timeoutMs ?? 5000} ms; got ${Buffer.concat(chunks).toString()}`));
    }, opts.timeoutMs ?? 5000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('connect', () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
      if (opts.endAfterWrite) socket.end();
    });
  });
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

export interface UdpListener {
  port: number;
  messages: string[];
  /** Events whose body holds `<call>`. */
  callEvents(): string[];
  waitFor(count: number, filter?: (m: string) => boolean, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function udpListener(): Promise<UdpListener> {
  const socket: UdpSocket = createSocket('udp4');
  const messages: string[] = [];
  socket.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const l: UdpListener = {
    port: socket.address().port,
    messages,
    callEvents: () => messages.filter((m) => m.includes('<call>')),
    async waitFor(count, filter = () => true, timeoutMs = 3000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hits = messages.filter(filter);
        if (hits.length >= count) return hits;
        if (Date.now() > until) throw new Error(`expected ${count} datagrams, got ${hits.length}:\n${messages.join('\n')}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  return l;
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
      const r = await request(`${gw().httpUrl}/api/v1/agents/${userId}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action, ...(number ? { number } : {}) }),
      });
      expect(r.statusCode, `${userId} ${action}`).toBe(200);
      await r.body.dump();
    },
  };
}

/** Gives datagrams already sent time to arrive, then checks nothing more came (for "no event" assertions). */
export async function settle(ms = 60): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** The seed's pretty-printed event examples, split into compact single events. */
export function splitEvents(text: string): string[] {
  return compact(text)
    .split('</TelServiceEvent>')
    .filter((s) => s.trim() !== '')
    .map((s) => `${s}</TelServiceEvent>`);
}
