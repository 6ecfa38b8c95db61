/**
 * QMI sessions (QMI 3.2.1): one per QMISessID, each with a callback the notifier posts events to.
 *
 * - Subscribe with the same CallbackUrl refreshes the session (keep-alive, recovery); with another URL it moves the
 *   session's deliveries there (the old queue is dropped, counted by the notifier).
 * - A callback that stays unreachable through the notifier's retry window cancels the session ("In case the client
 *   fails to receive the notifications, the subscription is automatically cancelled"); it is logged, its monitoring
 *   stops, and the cancelled subscriber stays visible in /api/v1/state until the session subscribes again.
 * - Unsubscribe ends the session at once: no events, no requests; only the answer to the unsubscribe itself is sent.
 * - A callback host that is a name is resolved and checked against qmi.callbackAllow before anything is posted to
 *   it; messages wait meanwhile. A refused callback is logged and shown in the session's snapshot, and nothing is
 *   ever posted to it; the session itself stays subscribed (re-subscribing checks again).
 */
import type { Logger } from 'pino';
import type { HttpMessage, Notifier, Subscriber } from '../../notify/index.js';
import { redactUrl } from '../../notify/index.js';
import { checkCallbackAddress, checkCallbackHost, CallbackUrlError, parseCallbackUrl, type CallbackAllowList, type CallbackTarget, type CallbackVerdict } from '../../net/callback.js';
import type { AddressCheck } from '../../net/cidr.js';
import { checkAnswer } from './answer.js';

export type CallbackState = 'pending' | 'active' | 'refused';

export interface Session {
  readonly id: string;
  callbackUrl: string;
  callback: CallbackState;
  refusal?: string;
  subscribedAt: number;
  refreshedAt: number;
  /** Bumped when the callback changes, so a late DNS answer or cancellation of an older callback is ignored. */
  generation: number;
  subscriber?: Subscriber;
  /** Messages produced while the callback host is being checked. */
  waiting: HttpMessage[];
  /** Messages handed to the notifier, and ones it refused (overflow, cancelled) or that were never sendable. */
  sent: number;
  lost: number;
}

/**
 * QMI's busy answer, for a request that would add events to a session whose callback queue is above its high-water
 * mark. QMI 4.x: the synchronous `Response/Success` is "0 = Error, there is a fault element, 1 = Request submitted
 * successfully. QMIRequestResponseEvent is sent for the final response of the request": Success 0 means the request
 * was not submitted and no event follows, which is exactly what a congested queue needs (a QMIRequestResponse with an
 * ErrorCode would itself be one more event). The fault code is SOAP 1.1 §4.4.1 `Server`: "the message could not be
 * processed for reasons not directly attributable to the contents of the message itself … The message may succeed
 * at a later point in time." The seed's only ErrorCode (1005) is for a final outcome, not for this.
 */
export const BUSY_FAULT = {
  faultstring: 'Server busy',
  detail: 'The event queue of this QMI session is above its high-water mark; the request was not submitted. Retry after the pending events have been received.',
} as const;

/** A synchronous refusal of QMISubscribeSession, answered with a SOAP fault (there is no callback to answer to). */
export class SessionRefused extends Error {}

export interface SessionsDeps {
  notifier: Notifier;
  logger: Logger;
  allowCallback: AddressCheck;
  now: () => number;
  /** The session is gone (unsubscribed or cancelled): stop what it owned. */
  onEnded: (sessionId: string) => void;
  /** How a callback host is checked (tests replace DNS). */
  checkHost?: (host: string, list: CallbackAllowList) => Promise<CallbackVerdict>;
}

/** The setting QMI's callback allow-list comes from, named in refusals. */
const CALLBACK_ALLOW_KEY = 'qmi.callbackAllow';

export const MAX_SESSIONS = 1000;
const MAX_WAITING = 1000;
/** After unsubscribe, the answer to it is given this long to be delivered before the subscriber is removed. */
const RETIRE_MS = 10_000;

export function subscriberId(sessionId: string): string {
  return `qmi:${sessionId}`;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly allowList: CallbackAllowList;
  private stopped = false;

  constructor(private readonly deps: SessionsDeps) {
    this.allowList = { allowed: deps.allowCallback, key: CALLBACK_ALLOW_KEY };
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  get count(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** Returns whether it was a refresh of an identical subscription. Throws SessionRefused. */
  subscribe(id: string, url: string): { refreshed: boolean } {
    let target: CallbackTarget;
    try {
      target = parseCallbackUrl(url);
    } catch (err) {
      if (err instanceof CallbackUrlError) throw new SessionRefused(err.message);
      throw err;
    }
    const { host } = target;
    if (target.literal && !checkCallbackAddress(host, this.allowList).ok) {
      this.deps.logger.warn({ session: id, callback: redactUrl(url) }, 'QMI callback refused: address not in qmi.callbackAllow');
      throw new SessionRefused(`Callback address ${host} is not allowed (qmi.callbackAllow)`);
    }
    const now = this.deps.now();
    const existing = this.sessions.get(id);
    // QMI 3.2.1: "QMS identifies them as re-subscriptions and refreshes the existing session".
    if (existing && existing.callbackUrl === url && existing.callback !== 'refused') {
      existing.refreshedAt = now;
      return { refreshed: true };
    }
    if (!existing && this.sessions.size >= MAX_SESSIONS) throw new SessionRefused(`Too many QMI sessions (at most ${MAX_SESSIONS})`);
    const session: Session = existing ?? { id, callbackUrl: url, callback: 'pending', subscribedAt: now, refreshedAt: now, generation: 0, waiting: [], sent: 0, lost: 0 };
    session.callbackUrl = url;
    session.refreshedAt = now;
    session.generation += 1;
    session.callback = 'pending';
    delete session.refusal;
    this.sessions.set(id, session);
    this.deps.logger.info({ session: id, callback: redactUrl(url), resubscribe: existing !== undefined }, 'QMI session subscribed');
    if (target.literal) this.activate(session);
    else void this.checkThenActivate(session, host, session.generation);
    return { refreshed: false };
  }

  /** Ends the session; `last` (the answer to the unsubscribe) is the final message its callback gets. */
  unsubscribe(id: string, last?: HttpMessage): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    session.generation += 1;
    this.deps.logger.info({ session: id }, 'QMI session unsubscribed');
    this.deps.onEnded(id);
    const sub = session.subscriber;
    // The notifier removes the subscriber once the answer has been delivered (or after RETIRE_MS); a re-subscription
    // meanwhile gets a subscriber of its own, which the removal leaves alone.
    if (sub && last && session.callback === 'active' && sub.enqueue(last)) void this.deps.notifier.removeWhenDrained(sub.id, RETIRE_MS);
    else if (sub) void this.deps.notifier.remove(sub.id);
    return true;
  }

  /**
   * The session's callback queue is above its high-water mark (or, while its callback host is being checked, the
   * waiting list is half full): requests that would add events to it get QMI's busy answer instead, so a tool's own
   * requests never overflow its queue and get its session cancelled.
   */
  congested(session: Session): boolean {
    if (session.callback === 'pending') return session.waiting.length >= MAX_WAITING / 2;
    return session.subscriber?.congested ?? false;
  }

  send(session: Session, msg: HttpMessage): void {
    if (session.callback === 'active' && session.subscriber) {
      if (session.subscriber.enqueue(msg)) session.sent += 1;
      else session.lost += 1;
    } else if (session.callback === 'pending' && session.waiting.length < MAX_WAITING) {
      session.waiting.push(msg);
    } else {
      session.lost += 1;
    }
  }

  snapshot(): unknown[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      callbackUrl: redactUrl(s.callbackUrl),
      callback: s.callback,
      ...(s.refusal !== undefined ? { refusal: s.refusal } : {}),
      subscribedAt: new Date(s.subscribedAt).toISOString(),
      refreshedAt: new Date(s.refreshedAt).toISOString(),
      sent: s.sent,
      lost: s.lost,
      delivery: s.subscriber?.health() ?? null,
    }));
  }

  stop(): void {
    this.stopped = true;
  }

  private async checkThenActivate(session: Session, host: string, generation: number): Promise<void> {
    const verdict = await (this.deps.checkHost ?? checkCallbackHost)(host, this.allowList);
    if (this.stopped || session.generation !== generation || this.sessions.get(session.id) !== session) return;
    if (verdict.ok) {
      this.activate(session);
      return;
    }
    session.callback = 'refused';
    session.refusal = verdict.reason;
    session.lost += session.waiting.length;
    session.waiting = [];
    // The old callback (if the URL changed) must not keep receiving this session's events either.
    if (session.subscriber) void this.deps.notifier.remove(session.subscriber.id);
    delete session.subscriber;
    this.deps.logger.warn({ session: session.id, callback: redactUrl(session.callbackUrl), reason: verdict.reason }, 'QMI callback refused: nothing will be posted to it');
  }

  private activate(session: Session): void {
    if (this.stopped) return;
    const generation = session.generation;
    session.subscriber = this.deps.notifier.addHttp({
      id: subscriberId(session.id),
      interfaceName: 'qmi',
      url: session.callbackUrl,
      check: checkAnswer,
      onCancel: (reason) => this.cancelled(session, generation, reason),
    });
    session.callback = 'active';
    const waiting = session.waiting;
    session.waiting = [];
    for (const msg of waiting) this.send(session, msg);
  }

  /** QMI 3.2.1: the callback stayed unreachable; the session is dropped and may subscribe again. */
  private cancelled(session: Session, generation: number, reason: string): void {
    if (session.generation !== generation || this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.deps.logger.warn({ session: session.id, callback: redactUrl(session.callbackUrl), reason }, 'QMI session cancelled: callback unreachable');
    this.deps.onEnded(session.id);
  }
}
