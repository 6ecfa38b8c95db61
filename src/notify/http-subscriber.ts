/**
 * One HTTP callback subscriber: an ordered, bounded queue with exactly one attempt in flight. The head message is
 * retried with backoff until it is delivered or the subscriber is cancelled, so later messages never overtake it.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { attemptDelivery } from './http-attempt.js';
import { toPendingHttp, lowerCaseKeys, type PendingHttp } from './message.js';
import { backoffDelay, type DeliveryPolicy } from './policy.js';
import { parseHttpTarget, type HttpTarget } from './target.js';
import type { AnswerCheck, HttpMessage, Subscriber, SubscriberHealth } from './types.js';

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
  dispatcher: Dispatcher;
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
  private readonly baseHeaders: Record<string, string>;

  private queue: PendingHttp[] = [];
  private delivered = 0;
  private failed = 0;
  private dropped = 0;
  private lastError: string | null = null;
  private lastLatencyMs: number | null = null;
  private streakFailures = 0;
  private streakStartedAt: number | null = null;
  private cancelled = false;
  private closed = false;

  /** Aborts the attempt in flight and wakes a backoff wait when the subscriber stops. */
  private readonly stop = new AbortController();
  /** Separate, because the cancellation's last message is sent after `stop` has fired. */
  private readonly finalStop = new AbortController();
  private pump: Promise<void> | null = null;
  private finalAttempt: Promise<unknown> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly opts: HttpSubscriberOptions,
    private readonly deps: HttpSubscriberDeps,
  ) {
    this.id = opts.id;
    this.interfaceName = opts.interfaceName;
    this.target = parseHttpTarget(opts.url);
    this.policy = deps.policy;
    this.log = deps.logger.child({ subscriber: opts.id, interface: opts.interfaceName, target: this.target.display });
    this.baseHeaders = { 'content-type': opts.contentType ?? 'text/xml; charset=utf-8' };
    if (this.target.authorization) this.baseHeaders.authorization = this.target.authorization;
  }

  enqueue(msg: HttpMessage | Buffer): boolean {
    if (this.cancelled || this.closed) return false;
    if (this.queue.length >= this.policy.queueLimit) {
      // Nothing is lost silently: the message that did not fit counts as dropped, and the cancellation is logged.
      this.dropped += 1;
      this.cancel(`queue overflow (${this.queue.length} events)`);
      return false;
    }
    this.queue.push(toPendingHttp(msg, this.deps.now()));
    this.ensurePump();
    return true;
  }

  health(): SubscriberHealth {
    return {
      interface: this.interfaceName,
      id: this.id,
      target: this.target.display,
      queued: this.queue.length,
      delivered: this.delivered,
      failed: this.failed,
      dropped: this.dropped,
      lastError: this.lastError,
      lastLatencyMs: this.lastLatencyMs,
      state: this.cancelled ? 'cancelled' : this.streakFailures > 0 ? 'retrying' : 'active',
    };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.queue.length > 0) {
        this.dropped += this.queue.length;
        this.log.info({ discarded: this.queue.length }, 'subscriber closed with undelivered messages');
        this.queue = [];
      }
      this.halt();
      this.finalStop.abort();
    }
    await Promise.allSettled([this.pump, this.finalAttempt]);
  }

  private get stopped(): boolean {
    return this.cancelled || this.closed;
  }

  private halt(): void {
    this.stop.abort();
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
      const head = this.queue[0]!;
      head.attempts += 1;
      const outcome = await attemptDelivery({
        dispatcher: this.deps.dispatcher,
        target: this.target,
        body: head.body,
        headers: { ...this.baseHeaders, ...head.headers },
        policy: this.policy,
        check: this.opts.check,
        signal: this.stop.signal,
      });
      if (this.stopped || outcome.kind === 'aborted') return;
      if (outcome.kind === 'delivered') {
        this.queue.shift();
        this.delivered += 1;
        this.lastLatencyMs = this.deps.now() - head.enqueuedAt;
        this.streakFailures = 0;
        this.streakStartedAt = null;
        this.log.debug({ event: head.label, attempt: head.attempts, latencyMs: this.lastLatencyMs }, 'delivered');
        continue;
      }
      this.failed += 1;
      this.lastError = outcome.reason;
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
    this.dropped += discarded;
    this.queue = [];
    // The health view shows why the subscriber stopped, not only its last attempt's error.
    this.lastError = reason;
    this.halt();
    this.log.warn({ reason, discarded }, 'subscriber cancelled');
    void this.runOnCancel(reason);
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
    const msg = toPendingHttp(last, this.deps.now());
    const attempt = attemptDelivery({
      dispatcher: this.deps.dispatcher,
      target: this.target,
      body: msg.body,
      headers: { ...this.baseHeaders, ...lowerCaseKeys(last.headers) },
      policy: this.policy,
      check: this.opts.check,
      signal: this.finalStop.signal,
    });
    this.finalAttempt = attempt;
    const outcome = await attempt;
    if (this.closed || outcome.kind === 'aborted') return;
    if (outcome.kind === 'delivered') {
      this.delivered += 1;
      this.log.debug({ event: msg.label }, 'cancellation message delivered');
    } else {
      this.failed += 1;
      this.log.warn({ event: msg.label, reason: outcome.reason }, 'cancellation message not delivered (best-effort, not retried)');
    }
  }
}
