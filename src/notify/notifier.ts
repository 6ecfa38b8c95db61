/**
 * The notifier owns every outbound subscriber, the connector (connect timeout, TLS) their HTTP callbacks share, the
 * deadline ticker of their attempts, and the UDP sockets. Subscribers never wait on one another: each has its own
 * queue, delivery loop and keep-alive connection (an undici Client, since it has at most one attempt in flight; a Pool
 * when its policy sends the next message before an answer is in, `sendNextAfterMs`).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { buildConnector, Client, Pool } from 'undici';
import { DeadlineTicker } from './deadlines.js';
import { HttpSubscriber, type HttpSubscriberOptions } from './http-subscriber.js';
import { resolvePolicy, type DeliveryPolicy } from './policy.js';
import type { Subscriber, SubscriberHealth } from './types.js';
import { UdpSubscriber, type UdpSubscriberOptions } from './udp-subscriber.js';

export interface NotifierTls {
  cert?: string | Buffer;
  key?: string | Buffer;
  ca?: string | Buffer;
  rejectUnauthorized?: boolean;
}

export interface NotifierOptions {
  logger: Logger;
  /** ICI 4.4.3: client certificate (and trust) for outbound https callbacks. */
  tls?: NotifierTls;
  defaults?: Partial<DeliveryPolicy>;
  /** Clock for latency and the cancelAfterMs streak; backoff waits use real timers. */
  now?: () => number;
}

export interface NotifierTotals {
  delivered: number;
  failed: number;
  dropped: number;
  /** Subscribers cancelled by their protocol's rule (unreachable or overflow), including ones since removed. */
  cancelled: number;
  queued: number;
}

type AnySubscriber = HttpSubscriber | UdpSubscriber;

/** How long removeWhenDrained() waits by default before removing a subscriber that has not drained. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

export class Notifier {
  private readonly log: Logger;
  /** The gateway's layer as given (so a subscriber's own queueLimit re-derives its high-water mark) and resolved. */
  private readonly defaultLayer: Partial<DeliveryPolicy> | undefined;
  private readonly defaults: DeliveryPolicy;
  private readonly now: () => number;
  private readonly subscribers = new Map<string, AnySubscriber>();
  /**
   * Keyed by connect timeout: undici sets it per connector, not per request; normally there is exactly one. Shared
   * by all subscribers' clients, so TLS sessions are resumed across them.
   */
  private readonly connectors = new Map<number, buildConnector.connector>();
  private readonly deadlines = new DeadlineTicker();
  private readonly udpSockets = new Map<'udp4' | 'udp6', Socket>();
  /** Closes of replaced or removed subscribers still finishing, so close() can wait for them. */
  private readonly retiring = new Set<Promise<void>>();
  /** Counters of replaced and removed subscribers, per interface: totals only grow, as Prometheus counters must. */
  private readonly retired = new Map<string, NotifierTotals>();
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: NotifierOptions) {
    this.log = opts.logger.child({ component: 'notify' });
    this.defaultLayer = opts.defaults;
    this.defaults = resolvePolicy(opts.defaults);
    this.now = opts.now ?? Date.now;
  }

  /** Replaces a subscriber with the same id: the old one is closed (its queue counted as dropped), the new starts empty. */
  addHttp(opts: HttpSubscriberOptions): Subscriber {
    this.assertOpen();
    const policy = resolvePolicy(this.defaultLayer, opts.policy);
    const sub = new HttpSubscriber(opts, {
      policy,
      // Keep-alive is undici's default (4 s idle, or the server's Keep-Alive hint); a subscriber reuses its connection.
      connect: (origin) => {
        const options = { connect: this.connectorFor(policy.connectTimeoutMs), pipelining: policy.pipelining };
        // Sending the next message before the last is answered needs a connection of its own for it.
        return policy.sendNextAfterMs > 0 ? new Pool(origin, { ...options, connections: policy.maxInFlight }) : new Client(origin, options);
      },
      deadlines: this.deadlines,
      logger: this.log,
      now: this.now,
    });
    this.install(sub);
    return sub;
  }

  /** Fire-and-forget datagrams; udp6 socket for IPv6 literals, udp4 otherwise (hostnames resolve to IPv4). */
  addUdp(opts: UdpSubscriberOptions): Subscriber {
    this.assertOpen();
    const type = isIPv6(opts.host) ? 'udp6' : 'udp4';
    const sub = new UdpSubscriber(opts, {
      socket: () => this.udpSocket(type),
      logger: this.log,
      now: this.now,
      policy: opts.queueLimit === undefined ? this.defaults : resolvePolicy(this.defaultLayer, { queueLimit: opts.queueLimit }),
    });
    this.install(sub);
    return sub;
  }

  get(id: string): Subscriber | undefined {
    return this.subscribers.get(id);
  }

  async remove(id: string): Promise<void> {
    const sub = this.subscribers.get(id);
    if (!sub) return;
    this.subscribers.delete(id);
    await this.retire(sub);
  }

  /**
   * Removes subscriber `id` once it has drained (Subscriber.whenDrained: its queue is empty, or it was cancelled),
   * or after `timeoutMs` (default DEFAULT_DRAIN_TIMEOUT_MS) with whatever is still queued counted as dropped. For an
   * interface's last message (an answer to unsubscribe, a closing session event): enqueue it, then call this; no
   * interface polls a queue. Resolves when the subscriber is removed; if another subscriber has taken the id
   * meanwhile (a re-subscription), that one is left alone. Unknown ids resolve at once. Never rejects.
   */
  async removeWhenDrained(id: string, timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS): Promise<void> {
    const sub = this.subscribers.get(id);
    if (!sub) return;
    await withTimeout(sub.whenDrained(), timeoutMs);
    if (this.subscribers.get(id) === sub) await this.remove(id);
  }

  /**
   * Waits until every subscriber has drained, at most `timeoutMs`; resolves true when all did. The gateway calls it
   * on shutdown after the interfaces have stopped (and enqueued their goodbyes, e.g. ICI subscriptionEnded reason 1)
   * and before close() destroys the connections. Subscribers stay open and keep delivering meanwhile. Subscribers
   * that are retrying after a failed attempt are not waited for.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    // A subscriber already retrying after a failure is not waited for: its receiver is not answering now, and
    // shutdown must not take its backoff.
    const subs = [...this.subscribers.values()].filter((sub) => sub.health().state === 'active');
    const all = Promise.all(subs.map((sub) => sub.whenDrained())).then(() => true);
    return (await withTimeout(all, timeoutMs)) ?? false;
  }

  health(): SubscriberHealth[] {
    return [...this.subscribers.values()].map((sub) => sub.health());
  }

  totals(): NotifierTotals {
    const totals = emptyTotals();
    for (const t of this.totalsByInterface().values()) addTotals(totals, t);
    return totals;
  }

  /** totals() per interface name (`qmi`, `telservices` …), for metrics labelled by interface. */
  totalsByInterface(): Map<string, NotifierTotals> {
    const out = new Map<string, NotifierTotals>();
    const row = (name: string): NotifierTotals => {
      let t = out.get(name);
      if (!t) out.set(name, (t = emptyTotals()));
      return t;
    };
    for (const [name, t] of this.retired) addTotals(row(name), t);
    for (const sub of this.subscribers.values()) {
      const h = sub.health();
      addTotals(row(h.interface), { delivered: h.delivered, failed: h.failed, dropped: h.dropped, queued: h.queued, cancelled: h.state === 'cancelled' ? 1 : 0 });
    }
    return out;
  }

  /** Aborts attempts in flight, clears every timer, destroys the subscribers' connections, closes the UDP sockets. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const subs = [...this.subscribers.values()];
    this.subscribers.clear();
    await Promise.allSettled([...subs.map((sub) => this.retire(sub)), ...this.retiring]);
    // Each subscriber destroyed its own connection in close().
    this.deadlines.close();
    this.connectors.clear();
    await Promise.all(
      [...this.udpSockets.values()].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
    );
    this.udpSockets.clear();
  }

  private install(sub: AnySubscriber): void {
    const old = this.subscribers.get(sub.id);
    this.subscribers.set(sub.id, sub);
    if (old) void this.retire(old);
  }

  private retire(sub: AnySubscriber): Promise<void> {
    // close() settles the counters synchronously; only the abort of an attempt in flight is awaited.
    const closed = sub.close();
    const h = sub.health();
    let retired = this.retired.get(h.interface);
    if (!retired) this.retired.set(h.interface, (retired = emptyTotals()));
    addTotals(retired, { delivered: h.delivered, failed: h.failed, dropped: h.dropped, queued: 0, cancelled: h.state === 'cancelled' ? 1 : 0 });
    const tracked = closed.finally(() => this.retiring.delete(tracked));
    this.retiring.add(tracked);
    return tracked;
  }

  private connectorFor(connectTimeoutMs: number): buildConnector.connector {
    let connector = this.connectors.get(connectTimeoutMs);
    if (!connector) {
      const tls = this.opts.tls ?? {};
      connector = buildConnector({
        timeout: connectTimeoutMs,
        ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
        ...(tls.key !== undefined ? { key: tls.key } : {}),
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      });
      this.connectors.set(connectTimeoutMs, connector);
    }
    return connector;
  }

  private udpSocket(type: 'udp4' | 'udp6'): Socket {
    let socket = this.udpSockets.get(type);
    if (!socket) {
      socket = createSocket(type);
      // Without a listener an ICMP-triggered error would crash the process; per-send errors reach the callbacks.
      socket.on('error', (err) => this.log.warn({ err, socket: type }, 'udp socket error'));
      this.udpSockets.set(type, socket);
    }
    return socket;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('notifier is closed');
  }
}

function emptyTotals(): NotifierTotals {
  return { delivered: 0, failed: 0, dropped: 0, cancelled: 0, queued: 0 };
}

function addTotals(into: NotifierTotals, t: NotifierTotals): void {
  into.delivered += t.delivered;
  into.failed += t.failed;
  into.dropped += t.dropped;
  into.cancelled += t.cancelled;
  into.queued += t.queued;
}

/** `promise`, or undefined once `ms` have passed; the timer never keeps the process alive. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
