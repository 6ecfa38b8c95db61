/**
 * TelServices sessions (seed "Session", "OpenSession", "CloseSession"): one session per PBX device, shared by several
 * clients. A client is an address plus the UDP port it listens on (or its HTTP long-poll); events for the device go
 * to every client, restricted clients only getting alerting call events.
 *
 * Rules taken from the seed:
 * - sessionTimeout (seconds, positive or ignored) closes the session; each action on the device resets it.
 * - closeSession applies to the requesting client by default (clientOnly); the session closes fully when no client
 *   is left, or when the requester was the only client even if it now speaks from another address. The seed's
 *   closeSession names no UDP port, so when one host has several clients of the session the requester is the one
 *   with that eventUDPPort if the request gives it, else the one of the request's transport (a web page polls over
 *   HTTP, a desktop client listens on UDP) that opened last: one client closes, never its neighbours.
 * - actualCloseSessionTimeout delays the close; a new openSession from that client in the meantime cancels it (a web
 *   page being refreshed).
 * - With telserver.sessions.user_authentication.administrator.userid or ..._by_administrator.enabled set, the first
 *   openSession on a device must authenticate; later ones succeed without credentials.
 * - The license limit counts devices with a session: beyond it openSession answers sessionLimitExceeded.
 * Timers run on the core's clock, so tests drive them in virtual time.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../core/index.js';
import type { Notifier, Subscriber } from '../../notify/index.js';
import { eventXml, el } from './codec.js';
import { TsError } from './errors.js';
import { withEndOfPdu } from './framing.js';
import type { SessionEventKind } from './projection.js';
import type { TsRequest } from './requests.js';

/** A departing client's last datagrams (its closing session event) get this long to leave before it is removed. */
const RETIRE_MS = 1000;

export interface Peer {
  /** Client address (IPv4-mapped IPv6 addresses are written as IPv4). */
  address: string;
  transport: 'tcp' | 'http';
}

type OpenRequest = Extract<TsRequest, { op: 'openSession' }>;
type CloseRequest = Extract<TsRequest, { op: 'closeSession' }>;

export interface Client {
  key: string;
  address: string;
  transport: Peer['transport'];
  /** Order of the client's last openSession (the latest is the likeliest requester of a closeSession). */
  openedSeq: number;
  udpPort?: number;
  restricted: boolean;
  openedAt: number;
  subscriber?: Subscriber;
}

export interface Session {
  device: string;
  clients: Map<string, Client>;
  openedAt: number;
  timeoutSec?: number;
  userId?: string;
  monitored: boolean;
  /** Changes on the device so far: snapshot long polls wait for it to move (seed "snapshotSeq"). */
  seq: number;
  waiters: Set<() => void>;
  timer?: TimerHandle;
  /** Delayed closes by client key ('*' = every client). */
  pendingCloses: Map<string, TimerHandle>;
}

export interface SessionSettings {
  sessionLimit: number;
  authRequired: boolean;
  endOfPDU: Buffer;
}

export interface SessionDeps {
  clock: Clock;
  notifier: Notifier;
  log: Logger;
  settings: SessionSettings;
  /** Whether the PBX knows the device (a monitor request on an unknown device is rejected). */
  deviceKnown(number: string): boolean;
  pbxLinkUp(): boolean;
  credentialsValid(userId: string | undefined, password: string | undefined): boolean;
  /** Called after a session (or a client of it) opened: agent log-on rules of outbound campaigns. */
  opened?(session: Session, request: OpenRequest): void;
}

export function normaliseAddress(address: string | undefined): string {
  if (!address) return '0.0.0.0';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export class Sessions {
  private readonly byDevice = new Map<string, Session>();
  /** Devices whose first session has authenticated (seed: later openSession succeed without credentials). */
  private readonly authorized = new Set<string>();
  private closed = false;
  private opens = 0;

  constructor(private readonly deps: SessionDeps) {}

  get count(): number {
    return this.byDevice.size;
  }

  get(device: string): Session | undefined {
    return this.byDevice.get(device);
  }

  all(): IterableIterator<Session> {
    return this.byDevice.values();
  }

  open(req: OpenRequest, peer: Peer): Session {
    const { settings } = this.deps;
    let session = this.byDevice.get(req.deviceNumber);
    if (!session) {
      if (settings.authRequired && !this.authorized.has(req.deviceNumber)) {
        if (!this.deps.credentialsValid(req.userID, req.userPassword)) throw new TsError('invalidCredentials');
      }
      if (this.byDevice.size >= settings.sessionLimit) throw new TsError('sessionLimitExceeded');
      if (req.startPbxMonitor && !this.deps.pbxLinkUp()) throw new TsError('pbxlinkOutOfService');
      this.authorized.add(req.deviceNumber);
      session = {
        device: req.deviceNumber,
        clients: new Map(),
        openedAt: this.deps.clock.now(),
        monitored: false,
        seq: 0,
        waiters: new Set(),
        pendingCloses: new Map(),
      };
      this.byDevice.set(session.device, session);
      if (req.startPbxMonitor) this.monitor(session, 'async');
    }
    if (req.userID !== undefined) session.userId = req.userID;
    if (req.sessionTimeout !== undefined) session.timeoutSec = req.sessionTimeout;
    const key = clientKey(peer.address, req.eventUDPPort);
    this.cancelClose(session, key);
    this.cancelClose(session, '*');
    const existing = session.clients.get(key);
    const client: Client = existing ?? { key, address: peer.address, transport: peer.transport, openedSeq: 0, restricted: false, openedAt: this.deps.clock.now() };
    client.restricted = req.eventUpdate === 'restricted';
    client.transport = peer.transport;
    client.openedSeq = ++this.opens;
    if (req.eventUDPPort !== undefined && !client.subscriber) {
      client.udpPort = req.eventUDPPort;
      client.subscriber = this.deps.notifier.addUdp({
        id: `telservices:${session.device}:${key}`,
        interfaceName: 'telservices',
        host: peer.address,
        port: req.eventUDPPort,
      });
    }
    session.clients.set(key, client);
    this.touch(session.device);
    this.deps.opened?.(session, req);
    return session;
  }

  /**
   * Makes sure the PBX monitors the device. On a device the PBX does not know, the monitor is rejected and the
   * session closes with sessionClosedByMonitoringReject: after the openSession answer when the monitor started with
   * it, or at once when a service needed it (startPbxMonitor false), which then answers pbxReject.
   */
  monitor(session: Session, mode: 'async' | 'sync'): void {
    if (session.monitored) return;
    if (this.deps.deviceKnown(session.device)) {
      session.monitored = true;
      return;
    }
    if (mode === 'sync') {
      this.end(session, 'sessionClosedByMonitoringReject');
      throw new TsError('pbxReject', 'monitoring rejected');
    }
    queueMicrotask(() => {
      if (this.byDevice.get(session.device) === session) this.end(session, 'sessionClosedByMonitoringReject');
    });
  }

  close(req: CloseRequest, peer: Peer): void {
    const session = this.byDevice.get(req.deviceNumber);
    if (!session) return;
    const all = [...session.clients.values()];
    const mine = requester(all, req, peer);
    // The only client of a session is the requester, whatever address it now speaks from.
    const targets = !req.clientOnly ? all : mine.length > 0 ? mine : all.length === 1 ? all : [];
    const requesterKeys = new Set((mine.length > 0 ? mine : targets).map((c) => c.key));
    const run = () => this.removeClients(session, targets, requesterKeys);
    if (req.actualCloseSessionTimeout <= 0) {
      run();
      return;
    }
    const pendingKey = req.clientOnly ? (targets[0]?.key ?? '*') : '*';
    this.cancelClose(session, pendingKey);
    session.pendingCloses.set(
      pendingKey,
      this.deps.clock.setTimeout(() => {
        session.pendingCloses.delete(pendingKey);
        if (this.byDevice.get(session.device) === session) run();
      }, req.actualCloseSessionTimeout * 1000),
    );
  }

  /**
   * Seed "The session timeout is reset after each action requested by the client": by the session's clients only (a
   * request from a host that has no client of the session does not keep it open). `peer` absent: the session itself.
   */
  touch(device: string, peer?: Peer): void {
    const session = this.byDevice.get(device);
    if (!session) return;
    if (peer !== undefined && ![...session.clients.values()].some((c) => c.address === peer.address)) return;
    this.deps.clock.clearTimeout(session.timer);
    session.timer = undefined;
    if (session.timeoutSec === undefined) return;
    session.timer = this.deps.clock.setTimeout(() => {
      session.timer = undefined;
      if (this.byDevice.get(device) === session) this.end(session, 'sessionClosedByTimeout');
    }, session.timeoutSec * 1000);
  }

  /** The administrator closes a session (ccgate: DELETE /telservices/sessions/{deviceNumber}). */
  adminClose(device: string): boolean {
    const session = this.byDevice.get(device);
    if (!session) return false;
    this.end(session, 'sessionClosedByAdmin');
    return true;
  }

  /**
   * Hands a rendered event to every client of the device and wakes its snapshot long polls. `kind` 'other' is
   * withheld from restricted clients (seed eventUpdate "restricted": only alerting events).
   */
  deliver(device: string, xml: string, kind: 'alerting' | 'session' | 'other'): void {
    const session = this.byDevice.get(device);
    if (!session) return;
    this.bump(session);
    let datagram: Buffer | undefined;
    for (const c of session.clients.values()) {
      if (!c.subscriber || (c.restricted && kind === 'other')) continue;
      datagram ??= this.datagram(xml);
      c.subscriber.enqueue(datagram);
    }
  }

  /** Session event to every client of every session (PBX link out of / back in service). */
  broadcast(kind: SessionEventKind): void {
    for (const s of this.byDevice.values()) this.deliver(s.device, sessionEventXml(s.device, kind), 'session');
  }

  /** Resolves at the device's next change, or at once if it moved past `afterSeq`; false when the wait timed out. */
  waitForChange(device: string, afterSeq: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const session = this.byDevice.get(device);
    if (!session || session.seq > afterSeq || timeoutMs <= 0) return Promise.resolve(session !== undefined && session.seq > afterSeq);
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (changed: boolean) => {
        session.waiters.delete(wake);
        this.deps.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(changed);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      session.waiters.add(wake);
      timer = this.deps.clock.setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  snapshot(): unknown[] {
    return [...this.byDevice.values()].map((s) => ({
      deviceNumber: s.device,
      openedAt: new Date(s.openedAt).toISOString(),
      timeoutSec: s.timeoutSec ?? null,
      monitored: s.monitored,
      clients: [...s.clients.values()].map((c) => ({ address: c.address, udpPort: c.udpPort ?? null, eventUpdate: c.restricted ? 'restricted' : 'full' })),
    }));
  }

  /** Gateway shutdown: sessions end without events (the server is stopping). */
  async stop(): Promise<void> {
    this.closed = true;
    const ids: string[] = [];
    for (const s of this.byDevice.values()) {
      this.clearTimers(s);
      for (const c of s.clients.values()) if (c.subscriber) ids.push(c.subscriber.id);
      for (const w of [...s.waiters]) w();
    }
    this.byDevice.clear();
    await Promise.all(ids.map((id) => this.deps.notifier.remove(id)));
  }

  // ---------------------------------------------------------------- internals

  private datagram(xml: string): Buffer {
    return withEndOfPdu(xml, this.deps.settings.endOfPDU);
  }

  private bump(session: Session): void {
    session.seq += 1;
    for (const w of [...session.waiters]) w();
  }

  private cancelClose(session: Session, key: string): void {
    const t = session.pendingCloses.get(key);
    if (t === undefined) return;
    this.deps.clock.clearTimeout(t);
    session.pendingCloses.delete(key);
  }

  private removeClients(session: Session, targets: Client[], requesterKeys: Set<string>): void {
    const others = targets.filter((c) => !requesterKeys.has(c.key));
    if (others.length > 0) {
      const xml = this.datagram(sessionEventXml(session.device, 'sessionClosedByClient'));
      for (const c of others) c.subscriber?.enqueue(xml);
    }
    for (const c of targets) {
      session.clients.delete(c.key);
      this.retire(c);
    }
    if (session.clients.size === 0) this.drop(session);
  }

  /** Closes a whole session, telling every client why. */
  private end(session: Session, why: SessionEventKind): void {
    this.deliver(session.device, sessionEventXml(session.device, why), 'session');
    for (const c of session.clients.values()) this.retire(c);
    session.clients.clear();
    this.drop(session);
    this.deps.log.info({ deviceNumber: session.device, reason: why }, 'telservices session closed');
  }

  private drop(session: Session): void {
    this.clearTimers(session);
    if (this.byDevice.get(session.device) === session) this.byDevice.delete(session.device);
    for (const w of [...session.waiters]) w();
  }

  private clearTimers(session: Session): void {
    this.deps.clock.clearTimeout(session.timer);
    session.timer = undefined;
    for (const t of session.pendingCloses.values()) this.deps.clock.clearTimeout(t);
    session.pendingCloses.clear();
  }

  /** Removes a client's UDP subscriber once its last datagrams (e.g. the closing session event) have left. */
  private retire(c: Client): void {
    const sub = c.subscriber;
    if (!sub || this.closed) return;
    c.subscriber = undefined;
    void this.deps.notifier.removeWhenDrained(sub.id, RETIRE_MS);
  }
}

/** The client a closeSession comes from (see the module comment); none when the host has no client of the session. */
function requester(clients: Client[], req: CloseRequest, peer: Peer): Client[] {
  const host = clients.filter((c) => c.address === peer.address);
  if (req.eventUDPPort !== undefined) return host.filter((c) => c.udpPort === req.eventUDPPort);
  const sameTransport = host.filter((c) => c.transport === peer.transport);
  const pool = sameTransport.length > 0 ? sameTransport : host;
  const latest = pool.reduce<Client | undefined>((a, c) => (a === undefined || c.openedSeq > a.openedSeq ? c : a), undefined);
  return latest ? [latest] : [];
}

function clientKey(address: string, udpPort: number | undefined): string {
  return `${address}|${udpPort ?? 'poll'}`;
}

export function sessionEventXml(device: string, kind: SessionEventKind): string {
  return eventXml(device, el('session', { name: kind }));
}

