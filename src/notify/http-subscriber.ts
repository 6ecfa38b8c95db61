/**
 * One HTTP callback subscriber: an ordered, bounded queue on one keep-alive connection. Up to policy.pipelining
 * messages are on the wire at a time, sent and answered in queue order (HTTP/1.1 pipelining, RFC 9112 §9.3.2), so one
 * subscriber is not held to one round trip per event; with policy.sendNextAfterMs a message whose predecessor's answer
 * is that late is sent anyway, on another connection (up to policy.maxInFlight). A failed head message is retried with backoff, one message at
 * a time, until it is delivered or the subscriber is cancelled; messages behind it that were not delivered wait for
 * it, so they never overtake it (see settleBehind for the one exception: a receiver that answered them).
 *
 * A receiver that closes its connection after each answer without saying so (no `Connection: close`, common in small
 * HTTP servers) races the next request: it arrives on a socket the peer has already closed and fails before any
 * answer byte. Such a failure on a reused connection is not the receiver's fault and the request was never read, so it
 * is sent again at once on a new connection and not counted as a failed attempt. RFC 9112 §9.3.1 allows retrying a
 * non-idempotent request when the client can tell the original was never applied: a kept-alive connection reset or
 * closed before any byte of an answer, right after the previous exchange on it completed, is that case.
 */
import Denque from 'denque';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { RestartableTimer, type DeadlineTicker } from './deadlines.js';
import { DeliveryStats } from './health.js';
import { HttpAttempt } from './http-attempt.js';
import { byteSize, toPendingHttp, type FlatHeaders, type PendingHttp } from './message.js';
import { backoffDelay, type DeliveryPolicy } from './policy.js';
import { parseHttpTarget, type HttpTarget } from './target.js';
import type { AnswerCheck, HttpMessage, Subscriber, SubscriberHealth } from './types.js';

/**
 * Free resends per message after a kept-alive connection turned out closed. One is the rule (the resend goes on a new
 * connection, which cannot be stale); the margin covers a resend that undici still wrote to the dying socket.
 */
const MAX_FREE_RESENDS = 3;

export interface HttpSubscriberOptions {
  id: string;
  interfaceName: string;
  url: string;
  policy?: Partial<DeliveryPolicy>;
  /** Default: any 2xx is success. Also consulted on non-2xx answers, only to make the failure reason precise. */
  check?: AnswerCheck;
  /**
   * The protocol's cancellation hook, called once. It may return a last message (e.g. ICI subscriptionEnded) that
   * is sent once, best-effort, without retry.
   */
  onCancel?: (reason: string) => HttpMessage | void | Promise<HttpMessage | void>;
  /** Default 'text/xml; charset=utf-8'. */
  contentType?: string;
}

export interface HttpSubscriberDeps {
  policy: DeliveryPolicy;
  /** Called once with the target's origin; the subscriber owns what it returns and destroys it on close. */
  connect: (origin: string) => Dispatcher;
  deadlines: DeadlineTicker;
  logger: Logger;
  now: () => number;
  random?: () => number;
}

export class HttpSubscriber implements Subscriber {
  readonly id: string;
  readonly interfaceName: string;
  private readonly target: HttpTarget;
  private readonly policy: DeliveryPolicy;
  private readonly log: Logger;
  private readonly baseHeaders: FlatHeaders;
  /**
   * This subscriber's own connection (an undici Client): with one attempt in flight it never needs more than one,
   * and a shared pool would scan its busy connections on every request and chain drain events through the agent.
   */
  private readonly dispatcher: Dispatcher;

  /** A deque, not an array: Array#shift copies a long queue (V8 cannot left-trim large arrays), O(n) per delivery. */
  private queue = new Denque<PendingHttp>();
  private queuedBytes = 0;
  private readonly stats = new DeliveryStats();
  private streakFailures = 0;
  private streakStartedAt: number | null = null;
  private cancelled = false;
  private closed = false;

  /** Separate, because the cancellation's last message is sent after the subscriber has stopped. */
  private finalAttempt: HttpAttempt | null = null;
  /** The onCancel hook is running or its last message is being sent. */
  private finalPending = false;
  private pump: Promise<void> | null = null;
  /** The delivery loop is waiting for the head's answer with the window in use; see enqueue. */
  private awaitingHead = false;
  /**
   * Messages sent beyond the pipelining window because the head's answer is late (policy.sendNextAfterMs), and the
   * timer that adds one each time the wait runs out; both start again with each new head.
   */
  private overlap = 0;
  private readonly lateAnswer: RestartableTimer;
  private wake: (() => void) | null = null;
  /** Callers of whenDrained() waiting for the queue to empty. */
  private drainWaiters: Array<() => void> | null = null;
  /** The Client's connection is up, and how many answers it has carried: a request on it then reuses it. */
  private connected = false;
  private answersOnConnection = 0;

  constructor(
    private readonly opts: HttpSubscriberOptions,
    private readonly deps: HttpSubscriberDeps,
  ) {
    this.id = opts.id;
    this.interfaceName = opts.interfaceName;
    this.target = parseHttpTarget(opts.url);
    this.policy = deps.policy;
    this.lateAnswer = new RestartableTimer(deps.policy.sendNextAfterMs, () => this.overlapDue());
    this.log = deps.logger.child({ subscriber: opts.id, interface: opts.interfaceName, target: this.target.display });
    const contentType = opts.contentType ?? 'text/xml; charset=utf-8';
    this.baseHeaders = this.target.authorization
      ? ['content-type', contentType, 'authorization', this.target.authorization]
      : ['content-type', contentType];
    this.dispatcher = deps.connect(this.target.origin);
    this.dispatcher.on('connect', () => {
      this.connected = true;
      this.answersOnConnection = 0;
    });
    this.dispatcher.on('disconnect', () => {
      this.connected = false;
    });
  }

  enqueue(msg: HttpMessage | Buffer): boolean {
    if (this.cancelled || this.closed) return false;
    const bytes = Buffer.isBuffer(msg) ? msg.length : byteSize(msg.body);
    // A single message larger than the byte limit is still accepted into an empty queue: the limit bounds backlog.
    const tooManyBytes = this.queue.length > 0 && this.queuedBytes + bytes > this.policy.queueLimitBytes;
    if (this.queue.length >= this.policy.queueLimit || tooManyBytes) {
      // Nothing is lost silently: the message that did not fit counts as dropped, and the cancellation is logged.
      this.stats.dropped += 1;
      this.cancel(tooManyBytes ? `queue overflow (${this.queue.length} events, ${this.queuedBytes} bytes)` : `queue overflow (${this.queue.length} events)`);
      return false;
    }
    const pending = toPendingHttp(msg, this.deps.now(), this.baseHeaders);
    this.queue.push(pending);
    this.queuedBytes += pending.bytes;
    // While the loop waits for the head's answer (not during a backoff or a failure's settling), a message that
    // arrives now may join the pipeline at once.
    if (this.awaitingHead) this.sendAhead();
    this.ensurePump();
    return true;
  }

  get congested(): boolean {
    return this.queue.length >= this.policy.highWaterEvents || this.queuedBytes >= this.policy.highWaterBytes;
  }

  whenDrained(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  health(): SubscriberHealth {
    const state = this.cancelled ? 'cancelled' : this.streakFailures > 0 ? 'retrying' : 'active';
    return this.stats.health(this, this.target.display, this.queue.length, state, this.queuedBytes, this.congested);
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.halt();
      if (this.queue.length > 0) {
        this.stats.dropped += this.queue.length;
        this.log.info({ discarded: this.queue.length }, 'subscriber closed with undelivered messages');
        this.clearQueue();
      }
      this.finalAttempt?.abort();
      this.settleDrain();
    }
    await Promise.allSettled([this.pump, this.finalAttempt?.outcome]);
    // destroy(), not close(): close() would wait for keep-alive and in-flight requests to finish.
    await this.dispatcher.destroy().catch(() => undefined);
  }

  private get stopped(): boolean {
    return this.cancelled || this.closed;
  }

  /** Nothing left to send: the queue is empty (or was discarded) and no cancellation message is in flight. */
  private get idle(): boolean {
    return this.closed || (this.queue.length === 0 && this.finalAttempt === null && !this.finalPending);
  }

  private settleDrain(): void {
    const waiters = this.drainWaiters;
    if (waiters === null || !this.idle) return;
    this.drainWaiters = null;
    for (const resolve of waiters) resolve();
  }

  private clearQueue(): void {
    this.queue.clear();
    this.queuedBytes = 0;
  }

  /** Stops the attempts on the wire (they are the queue's first, within the pipelining window) and any backoff. */
  private halt(): void {
    const sent = this.sentCount();
    for (let i = 0; i < sent; i++) this.queue.peekAt(i)!.attempt?.abort();
    this.lateAnswer.stop();
    this.wake?.();
  }

  private ensurePump(): void {
    if (this.pump || this.stopped) return;
    this.pump = this.run().finally(() => {
      this.pump = null;
      // A message enqueued while the loop was finishing would otherwise wait for the next enqueue.
      if (this.queue.length > 0) this.ensurePump();
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) {
      this.sendAhead();
      const head = this.queue.peekFront()!;
      const attempt = head.attempt!;
      this.awaitingHead = true;
      if (this.policy.sendNextAfterMs > 0) this.lateAnswer.restart();
      const outcome = await attempt.outcome;
      this.awaitingHead = false;
      this.overlap = 0;
      if (attempt.hadAnswer) this.answersOnConnection += 1;
      if (this.stopped || outcome.kind === 'aborted') return;
      if (outcome.kind === 'failed') {
        head.attempt = null;
        await this.settleBehind(attempt.hadAnswer);
        if (this.stopped) return;
      }
      if (outcome.kind === 'failed' && outcome.closedBeforeAnswer && head.reused && head.resends < MAX_FREE_RESENDS) {
        // The peer had closed the kept-alive connection; the request was never read. Again, now, on a new one.
        head.resends += 1;
        head.attempts -= 1;
        this.log.debug({ event: head.label, reason: outcome.reason }, 'kept-alive connection was closed by the receiver; resending on a new one');
        continue;
      }
      if (outcome.kind === 'delivered' || outcome.kind === 'refused') {
        this.queue.shift();
        this.queuedBytes -= head.bytes;
        if (this.queue.length === 0) this.settleDrain();
        // The receiver answered either way: it is reachable, so no streak towards cancellation.
        this.streakFailures = 0;
        this.streakStartedAt = null;
        if (outcome.kind === 'refused') {
          this.stats.failed += 1;
          this.stats.dropped += 1;
          this.stats.lastError = outcome.reason;
          this.log.warn({ event: head.label, attempt: head.attempts, reason: outcome.reason }, 'delivery refused by the receiver, not retried');
          continue;
        }
        this.stats.delivered += 1;
        this.stats.lastLatencyMs = this.deps.now() - head.enqueuedAt;
        this.log.debug({ event: head.label, attempt: head.attempts, latencyMs: this.stats.lastLatencyMs }, 'delivered');
        continue;
      }
      this.stats.failed += 1;
      this.stats.lastError = outcome.reason;
      this.streakFailures += 1;
      this.streakStartedAt ??= this.deps.now();
      this.log.warn({ event: head.label, attempt: head.attempts, reason: outcome.reason }, 'delivery attempt failed');
      const cancelReason = this.cancellationReason(outcome.reason);
      if (cancelReason) {
        this.cancel(cancelReason);
        return;
      }
      await this.sleep(backoffDelay(this.streakFailures, this.policy, this.deps.random));
    }
  }

  /**
   * Puts the queue's first messages on the wire, in order, up to the window: policy.pipelining while the receiver
   * answers, and one more for each sendNextAfterMs the head's answer is late; one after a failed attempt, until a
   * delivery succeeds again. Messages already sent are skipped.
   */
  private sendAhead(): void {
    const window = Math.min(this.streakFailures === 0 ? this.policy.pipelining + this.overlap : 1, this.queue.length);
    for (let i = 0; i < window; i++) {
      const msg = this.queue.peekAt(i)!;
      if (msg.attempt !== null) continue;
      msg.attempts += 1;
      // Behind another request still on the wire, it shares that request's connection: if the receiver closes it
      // after answering that one, this one was never read (a free resend, like a stale kept-alive connection).
      const previous = i > 0 ? this.queue.peekAt(i - 1)!.attempt : null;
      msg.reused = (this.connected && this.answersOnConnection > 0) || (previous !== null && previous.settled === null);
      msg.attempt = this.attempt(msg.body, msg.headers);
    }
  }

  /**
   * The head has waited sendNextAfterMs for its answer: the next message may go now (and one more after each further
   * wait, up to policy.maxInFlight on the wire). One queued later goes at once (enqueue).
   */
  private overlapDue(): void {
    if (!this.awaitingHead || this.stopped || this.streakFailures > 0) return;
    if (this.policy.pipelining + this.overlap >= this.policy.maxInFlight) return;
    this.overlap += 1;
    this.sendAhead();
    this.lateAnswer.restart();
  }

  /** How many messages at the queue's front are sent (on the wire or settled while the head is retried). */
  private sentCount(): number {
    let n = 0;
    while (n < this.queue.length && this.queue.peekAt(n)!.attempt !== null) n++;
    return n;
  }

  /**
   * After the head's attempt failed, decides what becomes of the attempts sent behind it on the same connection.
   * The head had an answer (an error status, a failed check): the connection is sound and those are answered in
   * order, so their verdicts are awaited (each bounded by its own deadline) and kept when the receiver answered
   * (delivered or refused: they leave the queue when they reach its head, so nothing is sent twice). This is the one
   * reordering pipelining can cause: a receiver that fails a message and accepts the ones behind it has seen those
   * before the failed one's retry. Otherwise (no answer: the connection broke or timed out) they are stopped at once,
   * before undici could resend them on a new connection ahead of the head. Every attempt not kept is taken back, to
   * be sent again after the head and not counted as an attempt of its own (the head's failure is why it failed).
   */
  private async settleBehind(headHadAnswer: boolean): Promise<void> {
    const behind: PendingHttp[] = [];
    const sent = this.sentCount();
    for (let i = 1; i < sent; i++) {
      const msg = this.queue.peekAt(i)!;
      if (msg.attempt !== null) behind.push(msg);
    }
    if (behind.length === 0) return;
    if (headHadAnswer) await Promise.all(behind.map((msg) => msg.attempt!.outcome));
    for (const msg of behind) {
      const kind = msg.attempt?.settled?.kind;
      if (kind === 'delivered' || kind === 'refused') continue;
      msg.attempt?.abort();
      msg.attempt = null;
      msg.attempts -= 1;
    }
  }

  private attempt(body: string | Buffer, headers: FlatHeaders): HttpAttempt {
    return HttpAttempt.start({
      dispatcher: this.dispatcher,
      target: this.target,
      body,
      headers,
      policy: this.policy,
      check: this.opts.check,
      deadlines: this.deps.deadlines,
    });
  }

  private cancellationReason(last: string): string | null {
    if (this.streakFailures >= this.policy.cancelAfterFailures) {
      return `unreachable: ${this.streakFailures} consecutive failed attempts (last: ${last})`;
    }
    const failingFor = this.deps.now() - (this.streakStartedAt ?? this.deps.now());
    if (failingFor >= this.policy.cancelAfterMs) {
      return `unreachable: failing for ${failingFor} ms (last: ${last})`;
    }
    return null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private cancel(reason: string): void {
    if (this.stopped) return;
    this.cancelled = true;
    const discarded = this.queue.length;
    this.stats.dropped += discarded;
    this.halt();
    this.clearQueue();
    // The health view shows why the subscriber stopped, not only its last attempt's error.
    this.stats.lastError = reason;
    this.log.warn({ reason, discarded }, 'subscriber cancelled');
    this.finalPending = this.opts.onCancel !== undefined;
    void this.runOnCancel(reason).finally(() => {
      this.finalPending = false;
      this.finalAttempt = null;
      this.settleDrain();
    });
    this.settleDrain();
  }

  private async runOnCancel(reason: string): Promise<void> {
    if (!this.opts.onCancel) return;
    let last: HttpMessage | void;
    try {
      last = await this.opts.onCancel(reason);
    } catch (err) {
      this.log.error({ err }, 'onCancel hook failed');
      return;
    }
    if (!last || this.closed) return;
    const msg = toPendingHttp(last, this.deps.now(), this.baseHeaders);
    const attempt = this.attempt(msg.body, msg.headers);
    this.finalAttempt = attempt;
    const outcome = await attempt.outcome;
    if (this.closed || outcome.kind === 'aborted') return;
    if (outcome.kind === 'delivered') {
      this.stats.delivered += 1;
      this.log.debug({ event: msg.label }, 'cancellation message delivered');
    } else {
      this.stats.failed += 1;
      this.log.warn({ event: msg.label, reason: outcome.reason }, 'cancellation message not delivered (best-effort, not retried)');
    }
  }
}
