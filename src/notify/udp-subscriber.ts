/**
 * A UDP subscriber (TelServices, Cisco QM): fire-and-forget datagrams through the notifier's shared socket. Sends are
 * chained one at a time so datagrams leave in enqueue order even when the host needs a DNS lookup per send.
 * There is no retry and no cancellation: UDP has no answer that could say "delivered".
 */
import type { Socket } from 'node:dgram';
import Denque from 'denque';
import type { Logger } from 'pino';
import { DeliveryStats } from './health.js';
import { toDatagram } from './message.js';
import type { DeliveryPolicy } from './policy.js';
import { udpTarget } from './target.js';
import type { HttpMessage, Subscriber, SubscriberHealth } from './types.js';

export interface UdpSubscriberOptions {
  id: string;
  interfaceName: string;
  host: string;
  port: number;
  /** Default: the notifier's default queueLimit. */
  queueLimit?: number;
}

export type UdpQueuePolicy = Pick<DeliveryPolicy, 'queueLimit' | 'queueLimitBytes' | 'highWaterEvents' | 'highWaterBytes'>;

export interface UdpSubscriberDeps {
  socket: () => Socket;
  logger: Logger;
  now: () => number;
  /** Resolved limits (the options' queueLimit already applied). */
  policy: UdpQueuePolicy;
}

interface PendingDatagram {
  data: Buffer;
  enqueuedAt: number;
}

export class UdpSubscriber implements Subscriber {
  readonly id: string;
  readonly interfaceName: string;
  private readonly target: string;
  private readonly log: Logger;
  private readonly policy: UdpQueuePolicy;
  /** A deque: Array#shift copies a long queue (V8 cannot left-trim large arrays). */
  private queue = new Denque<PendingDatagram>();
  private queuedBytes = 0;
  private drainWaiters: Array<() => void> | null = null;
  private readonly stats = new DeliveryStats();
  private sending = false;
  private overflowing = false;
  private closed = false;

  constructor(
    private readonly opts: UdpSubscriberOptions,
    private readonly deps: UdpSubscriberDeps,
  ) {
    if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
      throw new RangeError(`udp subscriber ${opts.id}: port must be 1..65535, got ${opts.port}`);
    }
    this.id = opts.id;
    this.interfaceName = opts.interfaceName;
    this.target = udpTarget(opts.host, opts.port);
    this.policy = deps.policy;
    this.log = deps.logger.child({ subscriber: opts.id, interface: opts.interfaceName, target: this.target });
  }

  enqueue(msg: HttpMessage | Buffer): boolean {
    if (this.closed) return false;
    const data = toDatagram(msg);
    const full = this.queue.length >= this.policy.queueLimit || (this.queue.length > 0 && this.queuedBytes + data.length > this.policy.queueLimitBytes);
    if (full) {
      // Datagrams are lossy by nature, so overflow drops the new one (counted) instead of cancelling the subscriber;
      // one warn per overflow episode keeps a flood from flooding the log too.
      this.stats.dropped += 1;
      this.stats.lastError = `queue overflow (${this.queue.length} datagrams)`;
      if (!this.overflowing) this.log.warn({ reason: this.stats.lastError }, 'datagram dropped: queue full');
      this.overflowing = true;
      return false;
    }
    this.queue.push({ data, enqueuedAt: this.deps.now() });
    this.queuedBytes += data.length;
    if (!this.sending) this.sendHead();
    return true;
  }

  get congested(): boolean {
    return this.queue.length >= this.policy.highWaterEvents || this.queuedBytes >= this.policy.highWaterBytes;
  }

  whenDrained(): Promise<void> {
    if (this.closed || this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  health(): SubscriberHealth {
    return this.stats.health(this, this.target, this.queue.length, 'active', this.queuedBytes, this.congested);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The datagram being sent may still leave; it is counted as dropped because its outcome is no longer tracked.
    this.stats.dropped += this.queue.length;
    this.queue.clear();
    this.queuedBytes = 0;
    this.settleDrain();
  }

  private settleDrain(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = null;
    if (waiters) for (const resolve of waiters) resolve();
  }

  private sendHead(): void {
    const head = this.queue.peekFront();
    if (!head || this.closed) return;
    this.sending = true;
    try {
      this.deps.socket().send(head.data, this.opts.port, this.opts.host, (err) => this.sent(head, err));
    } catch (err) {
      // Synchronous throws (socket already closed, bad address) take the same path, a tick later to avoid recursion.
      queueMicrotask(() => this.sent(head, err instanceof Error ? err : new Error(String(err))));
    }
  }

  private sent(head: PendingDatagram, err: Error | null): void {
    this.sending = false;
    if (this.closed) return;
    this.queue.shift();
    this.queuedBytes -= head.data.length;
    if (this.queue.length < this.policy.queueLimit) this.overflowing = false;
    if (err) {
      this.stats.failed += 1;
      const code = (err as NodeJS.ErrnoException).code;
      this.stats.lastError = code ? `send error: ${code}` : `send error: ${err.message}`;
      this.log.warn({ reason: this.stats.lastError, bytes: head.data.length }, 'datagram send failed');
    } else {
      this.stats.delivered += 1;
      this.stats.lastLatencyMs = this.deps.now() - head.enqueuedAt;
      this.log.debug({ bytes: head.data.length, latencyMs: this.stats.lastLatencyMs }, 'datagram sent');
    }
    if (this.queue.length === 0) this.settleDrain();
    else this.sendHead();
  }
}
